// The live keyspace: the one owner of every key and record shape bt persists for a run (open position,
// scheduled signal, tick cursor, closed history, broker orders), their validation on read, and the run
// identity they hang off: (mode, exchange, symbol, strategy). Live and `bt backtest --persist` write
// through it, so a store written by any bt command is readable by every other. Not a public export:
// users read state through readLiveState.

import {
  BtError,
  type IBrokerFill,
  type IPersistAdapterV2,
  type IScheduledSignalRow,
  type ISignalRow,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultClosed,
  type IStrategyTickResultOpened,
  type IStrategyTickResultScheduled,
  type PersistValue,
  persistKey,
} from "@bt/core";
import { type AnyPersistAdapter, persistV2 } from "./persistView";

/** The version every record shape of this keyspace carries; any other version is refused on read. */
export const RECORD_VERSION = 1 as const;

/** Which run a record belongs to. Backtest records live in their own namespace and never meet live ones. */
export interface IRunIdentity {
  mode: "live" | "backtest";
  symbol: string;
  strategyName: string;
  exchangeName: string;
}

/** Keys of one run's records (all in contract v2 entities). */
export interface IRunKeys {
  /** Key of the run's "position", "scheduled", "cursor" and "lease" records. */
  readonly run: string;
  /** Prefix of the run's "closed" history keys. */
  readonly closedPrefix: string;
}

/** The keys of a run. A live run keeps the key bt has always used (persistKey), so old stores restore. */
export function runKeys(identity: IRunIdentity): IRunKeys {
  const base = persistKey(identity.symbol, identity.strategyName, identity.exchangeName);
  const run = identity.mode === "live" ? base : `backtest:${base}`;
  return { run, closedPrefix: `${run}/` };
}

/** Key of the closed-history record of a close at `timestampMs` (zero-padded: keys sort by time). */
export function closedKey(keys: IRunKeys, timestampMs: number): string {
  return `${keys.closedPrefix}${String(timestampMs).padStart(15, "0")}`;
}

/** Prefix of a broker's order records ("order" entity). */
export function orderPrefix(brokerName: string): string {
  return `${encodeURIComponent(brokerName)}/`;
}

/** Key of a broker order record. */
export function orderKey(brokerName: string, clientOrderId: string): string {
  return orderPrefix(brokerName) + clientOrderId;
}

/**
 * The open position ("position" entity). `opening`: decided, the broker may or may not have filled it;
 * `open`: filled and committed; `closing`: close decided, the broker may or may not have filled it.
 */
export type ILivePositionRecord =
  | {
      v: typeof RECORD_VERSION;
      phase: "opening";
      signal: ISignalRow;
      /** The opened result to emit once the broker confirms. */
      result: IStrategyTickResultOpened;
    }
  | {
      v: typeof RECORD_VERSION;
      phase: "open";
      signal: ISignalRow;
      result: IStrategyTickResultOpened;
      openFill: IBrokerFill | null;
    }
  | {
      v: typeof RECORD_VERSION;
      phase: "closing";
      signal: ISignalRow;
      /** The closed result to emit (and record in the history) once the broker confirms. */
      result: IStrategyTickResultClosed;
      openFill: IBrokerFill | null;
    };

/** The scheduled signal ("scheduled" entity); `cancelling`: a cancellation decided but not yet cleaned up. */
export type ILiveScheduledRecord =
  | {
      v: typeof RECORD_VERSION;
      phase: "scheduled";
      signal: IScheduledSignalRow;
      result: IStrategyTickResultScheduled;
    }
  | {
      v: typeof RECORD_VERSION;
      phase: "cancelling";
      signal: IScheduledSignalRow;
      result: IStrategyTickResultCancelled;
    };

/** The tick cursor: the last tick whose effects are committed, and the getSignal throttle window. */
export interface ILiveCursorRecord {
  v: typeof RECORD_VERSION;
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
function toPersistValue(record: object): PersistValue {
  return record as PersistValue;
}

/** The record makers: every record this keyspace writes is built here, with its version. */
export const records = {
  opening: (signal: ISignalRow, result: IStrategyTickResultOpened): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "opening", signal, result }),
  open: (signal: ISignalRow, result: IStrategyTickResultOpened, openFill: IBrokerFill | null): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "open", signal, result, openFill }),
  closing: (
    signal: ISignalRow,
    result: IStrategyTickResultClosed,
    openFill: IBrokerFill | null,
  ): PersistValue => toPersistValue({ v: RECORD_VERSION, phase: "closing", signal, result, openFill }),
  scheduled: (signal: IScheduledSignalRow, result: IStrategyTickResultScheduled): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "scheduled", signal, result }),
  cancelling: (signal: IScheduledSignalRow, result: IStrategyTickResultCancelled): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "cancelling", signal, result }),
  cursor: (lastTickMs: number, lastSignalBoundaryMs: number | null): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, lastTickMs, lastSignalBoundaryMs } satisfies ILiveCursorRecord),
  closed: (result: IStrategyTickResultClosed): PersistValue => toPersistValue(result),
  order: (order: object): PersistValue => toPersistValue({ ...order }),
};

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
    : value.v !== RECORD_VERSION
      ? `unknown version ${String(value.v)} (this bt reads version ${RECORD_VERSION})`
      : value.phase !== "opening" && value.phase !== "open" && value.phase !== "closing"
        ? `unknown phase ${String(value.phase)}`
        : (checkSignal(value.signal, "pending") ??
          checkResult(value.result, value.phase === "closing" ? ["closed"] : ["opened"]));
  if (problem !== null) throw malformed(adapter, "position", key, problem);
  return value as unknown as ILivePositionRecord;
}

/** @throws BtError PERSIST when the record is not a scheduled record. */
function decodeScheduled(value: PersistValue, adapter: string, key: string): ILiveScheduledRecord {
  const problem = !isObject(value)
    ? "not an object"
    : value.v !== RECORD_VERSION
      ? `unknown version ${String(value.v)} (this bt reads version ${RECORD_VERSION})`
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
    : value.v !== RECORD_VERSION
      ? `unknown version ${String(value.v)} (this bt reads version ${RECORD_VERSION})`
      : typeof value.lastTickMs !== "number"
        ? "lastTickMs is not a number"
        : value.lastSignalBoundaryMs !== null && typeof value.lastSignalBoundaryMs !== "number"
          ? "lastSignalBoundaryMs is not a number or null"
          : null;
  if (problem !== null) throw malformed(adapter, "cursor", key, problem);
  return value as unknown as ILiveCursorRecord;
}

/** Reads and validates a run's records from a v2 view. @throws BtError PERSIST for a malformed record. */
export async function readRunState(persist: IPersistAdapterV2, identity: IRunIdentity): Promise<ILiveState> {
  await persist.waitForInit();
  const keys = runKeys(identity);
  const [positionValue, scheduledValue, cursorValue, closedKeys] = await Promise.all([
    persist.read("position", keys.run),
    persist.read("scheduled", keys.run),
    persist.read("cursor", keys.run),
    persist.list("closed", keys.closedPrefix),
  ]);
  // Sorted ascending, and the keys carry zero-padded close times: oldest first.
  const values = await Promise.all(closedKeys.map((key) => persist.read("closed", key)));
  const closed: IStrategyTickResultClosed[] = [];
  values.forEach((value, index) => {
    if (value === null) return;
    const problem =
      checkResult(value, ["closed"]) ?? checkSignal(isObject(value) ? value.signal : null, "pending");
    if (problem !== null) throw malformed(persist.name, "closed", closedKeys[index] as string, problem);
    closed.push(value as unknown as IStrategyTickResultClosed);
  });
  return {
    position: positionValue === null ? null : decodePosition(positionValue, persist.name, keys.run),
    scheduled: scheduledValue === null ? null : decodeScheduled(scheduledValue, persist.name, keys.run),
    cursor: cursorValue === null ? null : decodeCursor(cursorValue, persist.name, keys.run),
    closed,
  };
}

/**
 * Reads everything bt persisted for a run of (symbol, strategyName, exchangeName): the open position
 * (with its commit phase), the scheduled signal, the tick cursor and the closed-signal history (oldest
 * first). `mode` "backtest" reads what `bt backtest --persist` wrote. Calls waitForInit first. Works with
 * persistence adapters of contract v1 and v2.
 * @throws BtError PERSIST when a record is malformed (never silently ignored) or the adapter fails.
 * @example const { position, closed } = await readLiveState(persist, "BTCUSDT", "sma", "binance");
 */
export function readLiveState(
  persist: AnyPersistAdapter,
  symbol: string,
  strategyName: string,
  exchangeName: string,
  mode: IRunIdentity["mode"] = "live",
): Promise<ILiveState> {
  return readRunState(persistV2(persist), { mode, symbol, strategyName, exchangeName });
}
