// The records Live keeps in a persistence adapter (contract v1) per (symbol, strategy, exchange), their
// keys and their validation on read. Core v1 has no entity for cursors or history, so those live in
// the "signal" entity under keys `<persistKey>#…`: persistKey never contains "#", so they never collide.

import {
  BtError,
  type IBrokerFill,
  type IPersistAdapter,
  type IScheduledSignalRow,
  type ISignalRow,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultClosed,
  type IStrategyTickResultOpened,
  type IStrategyTickResultScheduled,
  type PersistValue,
  persistKey,
} from "@bt/core";

/** Keys of one live strategy's records. */
export interface ILiveKeys {
  /** persistKey(symbol, strategyName, exchangeName): the open position ("signal") and the scheduled signal ("scheduled"). */
  readonly position: string;
  /** "signal" entity: the tick cursor and getSignal throttle. */
  readonly cursor: string;
  /** "signal" entity: prefix of the closed-signal history keys. */
  readonly closedPrefix: string;
}

/** The keys of the live records of (symbol, strategyName, exchangeName). */
export function liveKeys(symbol: string, strategyName: string, exchangeName: string): ILiveKeys {
  const position = persistKey(symbol, strategyName, exchangeName);
  return { position, cursor: `${position}#cursor`, closedPrefix: `${position}#closed/` };
}

/** Key of the closed-history record of a close at `timestampMs` (zero-padded: keys sort by time). */
export function closedKey(keys: ILiveKeys, timestampMs: number): string {
  return `${keys.closedPrefix}${String(timestampMs).padStart(15, "0")}`;
}

/**
 * The open position ("signal" entity). `opening`: decided, the broker may or may not have filled it;
 * `open`: filled and committed; `closing`: close decided, the broker may or may not have filled it.
 */
export type ILivePositionRecord =
  | {
      v: 1;
      phase: "opening";
      signal: ISignalRow;
      /** The opened result to emit once the broker confirms. */
      result: IStrategyTickResultOpened;
    }
  | {
      v: 1;
      phase: "open";
      signal: ISignalRow;
      result: IStrategyTickResultOpened;
      openFill: IBrokerFill | null;
    }
  | {
      v: 1;
      phase: "closing";
      signal: ISignalRow;
      /** The closed result to emit (and record in the history) once the broker confirms. */
      result: IStrategyTickResultClosed;
      openFill: IBrokerFill | null;
    };

/** The scheduled signal ("scheduled" entity); `cancelling`: a cancellation decided but not yet cleaned up. */
export type ILiveScheduledRecord =
  | { v: 1; phase: "scheduled"; signal: IScheduledSignalRow; result: IStrategyTickResultScheduled }
  | { v: 1; phase: "cancelling"; signal: IScheduledSignalRow; result: IStrategyTickResultCancelled };

/** The tick cursor: the last tick whose effects are committed, and the getSignal throttle window. */
export interface ILiveCursorRecord {
  v: 1;
  /** Epoch ms of the last committed tick. */
  lastTickMs: number;
  /** Start of the interval window in which getSignal was last asked, epoch ms; null when never. */
  lastSignalBoundaryMs: number | null;
}

/** Everything persisted for one live strategy. */
export interface ILiveState {
  position: ILivePositionRecord | null;
  scheduled: ILiveScheduledRecord | null;
  cursor: ILiveCursorRecord | null;
  /** The closed-signal history, oldest first. */
  closed: IStrategyTickResultClosed[];
}

/** A typed record as a persistable value (the records are plain JSON by construction). */
export function toPersistValue(record: object): PersistValue {
  return record as PersistValue;
}

type JsonObject = { [key: string]: PersistValue };

function isObject(value: PersistValue | undefined | null): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function malformed(adapter: string, entity: string, key: string, problem: string): BtError {
  return new BtError(
    "PERSIST",
    `${adapter}: live record ${entity}/${key} is malformed (${problem}); inspect or remove it before restarting`,
    { adapter, field: key, value: problem },
  );
}

function checkSignal(value: PersistValue | undefined, kind: "pending" | "scheduled"): string | null {
  if (!isObject(value)) return "signal is not an object";
  if (typeof value.id !== "string") return "signal.id is not a string";
  if (value.kind !== kind) return `signal.kind is not "${kind}"`;
  for (const field of [
    "priceOpen",
    "priceTakeProfit",
    "priceStopLoss",
    "minuteEstimatedTime",
    "scheduledAt",
  ]) {
    if (typeof value[field] !== "number") return `signal.${field} is not a number`;
  }
  if (kind === "pending" && typeof value.pendingAt !== "number") return "signal.pendingAt is not a number";
  return null;
}

function checkResult(value: PersistValue | undefined, actions: ReadonlyArray<string>): string | null {
  if (!isObject(value)) return "result is not an object";
  if (typeof value.action !== "string" || !actions.includes(value.action)) {
    return `result.action is not ${actions.join(" or ")}`;
  }
  if (typeof value.timestamp !== "number") return "result.timestamp is not a number";
  return null;
}

/** @throws BtError PERSIST when the record is not a position record. */
function decodePosition(value: PersistValue, adapter: string, key: string): ILivePositionRecord {
  const problem = !isObject(value)
    ? "not an object"
    : value.v !== 1
      ? `unknown version ${String(value.v)}`
      : value.phase !== "opening" && value.phase !== "open" && value.phase !== "closing"
        ? `unknown phase ${String(value.phase)}`
        : (checkSignal(value.signal, "pending") ??
          checkResult(value.result, value.phase === "closing" ? ["closed"] : ["opened"]));
  if (problem !== null) throw malformed(adapter, "signal", key, problem);
  return value as unknown as ILivePositionRecord;
}

/** @throws BtError PERSIST when the record is not a scheduled record. */
function decodeScheduled(value: PersistValue, adapter: string, key: string): ILiveScheduledRecord {
  const problem = !isObject(value)
    ? "not an object"
    : value.v !== 1
      ? `unknown version ${String(value.v)}`
      : value.phase !== "scheduled" && value.phase !== "cancelling"
        ? `unknown phase ${String(value.phase)}`
        : (checkSignal(value.signal, "scheduled") ??
          checkResult(value.result, value.phase === "cancelling" ? ["cancelled"] : ["scheduled"]));
  if (problem !== null) throw malformed(adapter, "scheduled", key, problem);
  return value as unknown as ILiveScheduledRecord;
}

/** @throws BtError PERSIST when the record is not a cursor record. */
function decodeCursor(value: PersistValue, adapter: string, key: string): ILiveCursorRecord {
  const problem = !isObject(value)
    ? "not an object"
    : value.v !== 1
      ? `unknown version ${String(value.v)}`
      : typeof value.lastTickMs !== "number"
        ? "lastTickMs is not a number"
        : value.lastSignalBoundaryMs !== null && typeof value.lastSignalBoundaryMs !== "number"
          ? "lastSignalBoundaryMs is not a number or null"
          : null;
  if (problem !== null) throw malformed(adapter, "signal", key, problem);
  return value as unknown as ILiveCursorRecord;
}

/**
 * Reads everything Live persisted for (symbol, strategyName, exchangeName): the open position (with its
 * commit phase), the scheduled signal, the tick cursor and the closed-signal history (oldest first).
 * Calls waitForInit first. Useful to inspect a paper or live account between runs.
 * @throws BtError PERSIST when a record is malformed (never silently ignored) or the adapter fails.
 * @example const { position, closed } = await readLiveState(persist, "BTCUSDT", "sma", "binance");
 */
export async function readLiveState(
  persist: IPersistAdapter,
  symbol: string,
  strategyName: string,
  exchangeName: string,
): Promise<ILiveState> {
  await persist.waitForInit();
  const keys = liveKeys(symbol, strategyName, exchangeName);
  const [positionValue, scheduledValue, cursorValue, signalKeys] = await Promise.all([
    persist.read("signal", keys.position),
    persist.read("scheduled", keys.position),
    persist.read("signal", keys.cursor),
    persist.list("signal"),
  ]);
  const closed: IStrategyTickResultClosed[] = [];
  // list() is sorted ascending and the keys carry zero-padded close times: oldest first.
  for (const key of signalKeys) {
    if (!key.startsWith(keys.closedPrefix)) continue;
    const value = await persist.read("signal", key);
    if (value === null) continue;
    const problem =
      checkResult(value, ["closed"]) ?? checkSignal(isObject(value) ? value.signal : null, "pending");
    if (problem !== null) throw malformed(persist.name, "signal", key, problem);
    closed.push(value as unknown as IStrategyTickResultClosed);
  }
  return {
    position: positionValue === null ? null : decodePosition(positionValue, persist.name, keys.position),
    scheduled: scheduledValue === null ? null : decodeScheduled(scheduledValue, persist.name, keys.position),
    cursor: cursorValue === null ? null : decodeCursor(cursorValue, persist.name, keys.cursor),
    closed,
  };
}
