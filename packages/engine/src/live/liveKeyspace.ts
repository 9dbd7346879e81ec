// The live keyspace: the one owner of every key and record shape bt persists for a run (open position,
// scheduled signal, tick cursor, closed history, broker orders), their validation on read, and the run
// identity they hang off: (mode, exchange, symbol, strategy). Live and `bt backtest --persist` write
// through it, so a store written by any bt command is readable by every other. Not a public export:
// users read state through readLiveState.

import {
  BtError,
  brokerFillProblem,
  ENTRY_TYPES,
  type IBrokerFill,
  type IPersistAdapterV2,
  type IScheduledSignalRow,
  type ISignalRow,
  type IStrategyTickResult,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultClosed,
  type IStrategyTickResultOpened,
  type IStrategyTickResultScheduled,
  type IStrategyTickResultUpdated,
  MINUTE_MS,
  NO_RULES,
  type PersistValue,
  persistKey,
} from "@bt/core";
import { type AnyPersistAdapter, persistV2 } from "./persistView";

/**
 * The version every record this keyspace writes carries. Version 1 records (before position management)
 * are read and upgraded (upgradeRecord); any other version is refused on read.
 */
export const RECORD_VERSION = 2 as const;

/** Record versions this bt reads. */
const READABLE_VERSIONS: ReadonlyArray<unknown> = [1, RECORD_VERSION];

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
  /** Key of the run's generation record (entity "cursor"): detects a store that came back empty. */
  readonly generation: string;
}

/** The keys of a run. A live run keeps the key bt has always used (persistKey), so old stores restore. */
export function runKeys(identity: IRunIdentity): IRunKeys {
  const base = persistKey(identity.symbol, identity.strategyName, identity.exchangeName);
  const run = identity.mode === "live" ? base : `backtest:${base}`;
  return { run, closedPrefix: `${run}/`, generation: `${run}#generation` };
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
      /**
       * The position change this record was written with (its event is delivered again by a restart when
       * the cursor did not record its tick: a batch stopped between the two).
       */
      update?: IStrategyTickResultUpdated | null;
    }
  | {
      v: typeof RECORD_VERSION;
      /**
       * A size change (a partial exit or an added entry) decided: `signal` is the position after it,
       * `previous` the committed one before; the broker may or may not have filled the change's order.
       */
      phase: "changing";
      signal: ISignalRow;
      previous: ISignalRow;
      result: IStrategyTickResultUpdated;
      openFill: IBrokerFill | null;
      /** The opened result of the position (its open record is rewritten with it after the change). */
      opened: IStrategyTickResultOpened;
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
  /**
   * The notable result committed with this cursor (opened, closed, scheduled, cancelled) whose delivery
   * is not known to be complete: a restart delivers it again (events are at least once). Null or absent
   * once delivered.
   */
  outbox?: ILiveOutbox | null;
}

/** An event committed in a batch, kept until it is known to be delivered. */
export interface ILiveOutbox {
  /** Stable id of the event (liveEventId): the same on every delivery, for consumers to deduplicate. */
  eventId: string;
  result: IStrategyTickResult;
}

/** The store generation ("cursor" entity, key `<run>#generation`): written once, checked on every reconcile. */
export interface ILiveGenerationRecord {
  v: typeof RECORD_VERSION;
  /** Random id chosen by the run that first wrote the store. */
  generation: string;
  /** Epoch ms (run clock) it was written. */
  createdAt: number;
}

/** A persisted record that could not be used (malformed or quarantined): a missing trade of the history. */
export interface ILiveMissingRecord {
  entity: "closed";
  key: string;
  /** Why it is unusable. */
  problem: string;
}

/** Everything persisted for one live strategy. */
export interface ILiveState {
  position: ILivePositionRecord | null;
  scheduled: ILiveScheduledRecord | null;
  cursor: ILiveCursorRecord | null;
  /** The closed-signal history, oldest first. */
  closed: IStrategyTickResultClosed[];
  /** History records that exist but could not be used (malformed or quarantined), each a missing trade. */
  missing: ILiveMissingRecord[];
}

/** A typed record as a persistable value (the records are plain JSON by construction). */
function toPersistValue(record: object): PersistValue {
  return record as PersistValue;
}

/** The record makers: every record this keyspace writes is built here, with its version. */
export const records = {
  opening: (signal: ISignalRow, result: IStrategyTickResultOpened): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "opening", signal, result }),
  open: (
    signal: ISignalRow,
    result: IStrategyTickResultOpened,
    openFill: IBrokerFill | null,
    update: IStrategyTickResultUpdated | null = null,
  ): PersistValue => toPersistValue({ v: RECORD_VERSION, phase: "open", signal, result, openFill, update }),
  changing: (
    signal: ISignalRow,
    previous: ISignalRow,
    result: IStrategyTickResultUpdated,
    openFill: IBrokerFill | null,
    opened: IStrategyTickResultOpened,
  ): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "changing", signal, previous, result, openFill, opened }),
  closing: (
    signal: ISignalRow,
    result: IStrategyTickResultClosed,
    openFill: IBrokerFill | null,
  ): PersistValue => toPersistValue({ v: RECORD_VERSION, phase: "closing", signal, result, openFill }),
  scheduled: (signal: IScheduledSignalRow, result: IStrategyTickResultScheduled): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "scheduled", signal, result }),
  cancelling: (signal: IScheduledSignalRow, result: IStrategyTickResultCancelled): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, phase: "cancelling", signal, result }),
  cursor: (
    lastTickMs: number,
    lastSignalBoundaryMs: number | null,
    outbox: ILiveOutbox | null = null,
  ): PersistValue =>
    toPersistValue({
      v: RECORD_VERSION,
      lastTickMs,
      lastSignalBoundaryMs,
      outbox,
    } satisfies ILiveCursorRecord),
  closed: (result: IStrategyTickResultClosed): PersistValue =>
    toPersistValue({ ...result, v: RECORD_VERSION }),
  generation: (generation: string, createdAt: number): PersistValue =>
    toPersistValue({ v: RECORD_VERSION, generation, createdAt } satisfies ILiveGenerationRecord),
  order: (order: object): PersistValue => toPersistValue({ v: RECORD_VERSION, ...order }),
  /**
   * Stands in for a history record the adapter quarantined (moved aside), so every later start still
   * lists the trade as missing instead of forgetting it.
   */
  missingClosed: (problem: string): PersistValue => toPersistValue({ v: RECORD_VERSION, missing: problem }),
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

function isFinitePositive(value: PersistValue | undefined): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function isFiniteNumber(value: PersistValue | undefined): boolean {
  return typeof value === "number" && Number.isFinite(value);
}

const CLOSE_REASONS: ReadonlyArray<string> = ["take_profit", "stop_loss", "time_expired", "closed"];
const CANCEL_REASONS: ReadonlyArray<string> = ["timeout", "price_reject", "user", "stale"];

/** What is wrong with a signal row (kind, finite positive prices, TP and SL on their sides), or null. */
function checkSignal(value: PersistValue | undefined, kind: "pending" | "scheduled"): string | null {
  if (!isObject(value)) return "signal is not an object";
  if (typeof value.id !== "string" || value.id.length === 0) return "signal.id is not a non-empty string";
  if (value.kind !== kind) return `signal.kind is not "${kind}"`;
  if (value.position !== "long" && value.position !== "short") {
    return `signal.position is not "long" or "short" (got ${String(value.position)})`;
  }
  for (const field of ["priceOpen", "priceTakeProfit", "priceStopLoss", "minuteEstimatedTime"]) {
    if (!isFinitePositive(value[field]))
      return `signal.${field} is not a finite positive number (got ${String(value[field])})`;
  }
  if (!isFiniteNumber(value.scheduledAt)) return "signal.scheduledAt is not a finite number";
  if (kind === "pending" && !isFiniteNumber(value.pendingAt))
    return "signal.pendingAt is not a finite number";
  for (const field of ["cost", "quantity"]) {
    const amount = value[field];
    if (amount !== null && amount !== undefined && !isFinitePositive(amount)) {
      return `signal.${field} is not null or a finite positive number (got ${String(amount)})`;
    }
  }
  const takeProfit = value.priceTakeProfit as number;
  const stopLoss = value.priceStopLoss as number;
  const open = value.priceOpen as number;
  const long = value.position === "long";
  // An open position's entry is its fill, which may lie anywhere; a scheduled entry lies between SL and TP.
  const sidesOk =
    kind === "pending"
      ? long
        ? takeProfit > stopLoss
        : takeProfit < stopLoss
      : long
        ? takeProfit > open && open > stopLoss
        : takeProfit < open && open < stopLoss;
  if (!sidesOk) {
    return `signal take profit ${takeProfit} and stop loss ${stopLoss} are not on the sides of a ${String(value.position)} entry at ${open}`;
  }
  if (typeof value.entry !== "string" || !ENTRY_TYPES.includes(value.entry as never)) {
    return `signal.entry is not one of ${ENTRY_TYPES.join(", ")} (got ${String(value.entry)})`;
  }
  const rules = value.rules;
  if (!isObject(rules)) return "signal.rules is not an object";
  for (const rule of Object.keys(NO_RULES)) {
    const found = rules[rule];
    if (found !== null && typeof found !== "object") return `signal.rules.${rule} is not null or an object`;
  }
  return kind === "pending" ? positionProblem(value) : null;
}

/** What is wrong with the position fields of an open signal row (fills, levels, rule cursors), or null. */
function positionProblem(value: JsonObject): string | null {
  const fills = value.fills;
  if (!Array.isArray(fills) || fills.length === 0) return "signal.fills is not a non-empty array";
  for (const [index, fill] of fills.entries()) {
    if (!isObject(fill)) return `signal.fills[${index}] is not an object`;
    if (index === 0 && fill.kind !== "entry") return "signal.fills[0] is not the open entry";
    if (!isFinitePositive(fill.price)) return `signal.fills[${index}].price is not a finite positive number`;
    if (!isFiniteNumber(fill.at)) return `signal.fills[${index}].at is not a finite number`;
    if (fill.executedPrice !== undefined && !isFinitePositive(fill.executedPrice)) {
      return `signal.fills[${index}].executedPrice is not a finite positive number`;
    }
    if (fill.kind === "entry") {
      if (!isFinitePositive(fill.cost)) return `signal.fills[${index}].cost is not a finite positive number`;
    } else if (fill.kind === "exit") {
      const fraction = fill.fraction;
      if (!(typeof fraction === "number" && fraction > 0 && fraction < 1)) {
        return `signal.fills[${index}].fraction is not in (0, 1) (got ${String(fraction)})`;
      }
    } else return `signal.fills[${index}].kind is not "entry" or "exit"`;
  }
  for (const field of ["originalTakeProfit", "originalStopLoss", "bestPrice", "worstPrice"]) {
    if (!isFinitePositive(value[field])) return `signal.${field} is not a finite positive number`;
  }
  if (value.trailingTakePeak !== null && !isFinitePositive(value.trailingTakePeak)) {
    return "signal.trailingTakePeak is not null or a finite positive number";
  }
  if (typeof value.breakevenDone !== "boolean") return "signal.breakevenDone is not a boolean";
  for (const field of ["ladderNext", "dcaNext"]) {
    const next = value[field];
    if (!(typeof next === "number" && Number.isInteger(next) && next >= 0)) {
      return `signal.${field} is not an integer ≥ 0`;
    }
  }
  return null;
}

/**
 * A version 1 record's signal rows and closed pnl in the version 2 shape (in place; a v1 row has no
 * rules, one entry and no tracked excursion). Returns the record.
 */
function upgradeRecord(value: PersistValue): PersistValue {
  const upgrade = (node: PersistValue | undefined, depth: number): void => {
    if (!isObject(node) || depth > 4) return;
    if ((node.kind === "pending" || node.kind === "scheduled") && node.rules === undefined) {
      const pending = node.kind === "pending";
      node.entry = pending && node.pendingAt === node.scheduledAt ? "market" : "limit";
      node.rules = NO_RULES as unknown as PersistValue;
      if (pending && isFinitePositive(node.priceOpen)) {
        const price = node.priceOpen as number;
        node.fills = [
          {
            kind: "entry",
            price,
            cost: isFinitePositive(node.cost) ? (node.cost as number) : 1,
            at: isFiniteNumber(node.pendingAt) ? (node.pendingAt as number) : 0,
            source: "open",
          },
        ];
        node.originalTakeProfit = node.priceTakeProfit ?? null;
        node.originalStopLoss = node.priceStopLoss ?? null;
        node.bestPrice = price;
        node.worstPrice = price;
        node.trailingTakePeak = null;
        node.breakevenDone = false;
        node.ladderNext = 0;
        node.dcaNext = 0;
      }
    }
    if (node.action === "closed" && isObject(node.pnl) && node.pnl.mfePercent === undefined) {
      const signal = isObject(node.signal) ? node.signal : {};
      const cost = isFinitePositive(signal.cost) ? (signal.cost as number) : null;
      const percent = node.pnl.pnlPercentage;
      node.pnl.pnlCost = cost === null || typeof percent !== "number" ? null : (percent / 100) * cost;
      node.pnl.costTotal = cost;
      node.pnl.mfePercent = null;
      node.pnl.maePercent = null;
      node.pnl.minutesInPosition =
        isFiniteNumber(node.timestamp) && isFiniteNumber(signal.pendingAt)
          ? ((node.timestamp as number) - (signal.pendingAt as number)) / MINUTE_MS
          : 0;
    }
    for (const child of Object.values(node)) upgrade(child, depth + 1);
  };
  upgrade(value, 0);
  return value;
}

function checkResult(value: PersistValue | undefined, actions: ReadonlyArray<string>): string | null {
  if (!isObject(value)) return "result is not an object";
  if (typeof value.action !== "string" || !actions.includes(value.action)) {
    return `result.action is not ${actions.join(" or ")}`;
  }
  if (!isFiniteNumber(value.timestamp)) return "result.timestamp is not a finite number";
  if (value.action === "closed") {
    if (typeof value.closeReason !== "string" || !CLOSE_REASONS.includes(value.closeReason)) {
      return `result.closeReason is not one of ${CLOSE_REASONS.join(", ")}`;
    }
    const pnl = value.pnl;
    if (!isObject(pnl)) return "result.pnl is not an object";
    if (!isFiniteNumber(pnl.pnlPercentage)) return "result.pnl.pnlPercentage is not a finite number";
    if (!isFinitePositive(pnl.priceOpen) || !isFinitePositive(pnl.priceClose)) {
      return "result.pnl prices are not finite positive numbers";
    }
  }
  if (value.action === "updated" && (!isObject(value.update) || typeof value.update.kind !== "string")) {
    return "result.update is not { kind, … }";
  }
  if (value.action === "cancelled") {
    if (typeof value.cancelReason !== "string" || !CANCEL_REASONS.includes(value.cancelReason)) {
      return `result.cancelReason is not one of ${CANCEL_REASONS.join(", ")}`;
    }
  }
  if (value.action !== "idle") {
    const kind = value.action === "scheduled" || value.action === "cancelled" ? "scheduled" : "pending";
    const problem = checkSignal(value.signal, kind);
    if (problem !== null) return `result.${problem}`;
  }
  return null;
}

function checkFill(value: PersistValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isObject(value)) return "openFill is not an object";
  const problem = brokerFillProblem(value as unknown as IBrokerFill, Number.NaN);
  return problem === null ? null : `openFill: ${problem}`;
}

function versionProblem(value: JsonObject): string | null {
  if (!READABLE_VERSIONS.includes(value.v)) {
    return `unknown version ${String(value.v)} (this bt reads versions ${READABLE_VERSIONS.join(" and ")})`;
  }
  if (value.v !== RECORD_VERSION) upgradeRecord(value);
  return null;
}

/** What is wrong with a position record, or null. */
export function positionRecordProblem(value: PersistValue): string | null {
  if (!isObject(value)) return "not an object";
  return (
    versionProblem(value) ??
    (value.phase !== "opening" &&
    value.phase !== "open" &&
    value.phase !== "closing" &&
    value.phase !== "changing"
      ? `unknown phase ${String(value.phase)}`
      : (checkSignal(value.signal, "pending") ??
        checkResult(
          value.result,
          value.phase === "closing" ? ["closed"] : value.phase === "changing" ? ["updated"] : ["opened"],
        ) ??
        (value.phase === "changing"
          ? (checkSignal(value.previous, "pending") ?? checkResult(value.opened, ["opened"]))
          : null) ??
        (value.phase === "open" && value.update !== undefined && value.update !== null
          ? checkResult(value.update, ["updated"])
          : null) ??
        (value.phase === "opening" ? null : checkFill(value.openFill))))
  );
}

/** @throws BtError PERSIST when the record is not a position record. */
function decodePosition(value: PersistValue, adapter: string, key: string): ILivePositionRecord {
  const problem = positionRecordProblem(value);
  if (problem !== null) throw malformed(adapter, "position", key, problem);
  return value as unknown as ILivePositionRecord;
}

/** @throws BtError PERSIST when the record is not a scheduled record. */
function decodeScheduled(value: PersistValue, adapter: string, key: string): ILiveScheduledRecord {
  const problem = !isObject(value)
    ? "not an object"
    : (versionProblem(value) ??
      (value.phase !== "scheduled" && value.phase !== "cancelling"
        ? `unknown phase ${String(value.phase)}`
        : (checkSignal(value.signal, "scheduled") ??
          checkResult(value.result, value.phase === "cancelling" ? ["cancelled"] : ["scheduled"]))));
  if (problem !== null) throw malformed(adapter, "scheduled", key, problem);
  return value as unknown as ILiveScheduledRecord;
}

const OUTBOX_ACTIONS = ["opened", "closed", "scheduled", "cancelled", "updated"];

/** @throws BtError PERSIST when the record is not a cursor record. */
function decodeCursor(value: PersistValue, adapter: string, key: string): ILiveCursorRecord {
  const outbox = isObject(value) ? value.outbox : undefined;
  const problem = !isObject(value)
    ? "not an object"
    : (versionProblem(value) ??
      (!isFiniteNumber(value.lastTickMs)
        ? "lastTickMs is not a finite number"
        : value.lastSignalBoundaryMs !== null && !isFiniteNumber(value.lastSignalBoundaryMs)
          ? "lastSignalBoundaryMs is not a finite number or null"
          : outbox === undefined || outbox === null
            ? null
            : !isObject(outbox) || typeof outbox.eventId !== "string"
              ? "outbox is not { eventId, result }"
              : checkResult(outbox.result, OUTBOX_ACTIONS)));
  if (problem !== null) throw malformed(adapter, "cursor", key, problem);
  return value as unknown as ILiveCursorRecord;
}

/** What is wrong with a closed-history record (a result, version 1 or legacy unversioned), or null. */
function closedRecordProblem(value: PersistValue): string | null {
  if (!isObject(value)) return "not an object";
  if (value.v !== undefined && !READABLE_VERSIONS.includes(value.v)) {
    return `unknown version ${String(value.v)} (this bt reads versions ${READABLE_VERSIONS.join(" and ")})`;
  }
  if (typeof value.missing === "string") return value.missing;
  if (value.v !== RECORD_VERSION) upgradeRecord(value);
  return checkResult(value, ["closed"]);
}

/**
 * What is wrong with a paper broker's order record, or null. Records written before record versions
 * carry no `v` and are still read; any other version is never used.
 */
export function orderRecordProblem(value: PersistValue | null): string | null {
  if (!isObject(value)) return "not an object";
  if (value.v !== undefined && !READABLE_VERSIONS.includes(value.v)) {
    return `unknown version ${String(value.v)} (this bt reads versions ${READABLE_VERSIONS.join(" and ")})`;
  }
  const finitePositive = (amount: PersistValue | undefined) =>
    typeof amount === "number" && Number.isFinite(amount) && amount > 0;
  if (typeof value.clientOrderId !== "string" || typeof value.signalId !== "string") {
    return "clientOrderId or signalId is not a string";
  }
  if (typeof value.symbol !== "string") return "symbol is not a string";
  if (value.leg !== "open" && value.leg !== "close" && value.leg !== "add" && value.leg !== "reduce") {
    return `unknown leg ${String(value.leg)}`;
  }
  if (value.side !== "buy" && value.side !== "sell") return `unknown side ${String(value.side)}`;
  if (!finitePositive(value.price)) return `price ${String(value.price)} is not a finite positive number`;
  if (!finitePositive(value.quantity)) {
    return `quantity ${String(value.quantity)} is not a finite positive number`;
  }
  if (!isFiniteNumber(value.filledAt)) return "filledAt is not a finite number";
  if (typeof value.requestCount !== "number") return "requestCount is not a number";
  return null;
}

/** What is wrong with a generation record, or null. */
function generationProblem(value: PersistValue): string | null {
  if (!isObject(value)) return "not an object";
  return (
    versionProblem(value) ??
    (typeof value.generation !== "string" || value.generation.length === 0
      ? "generation is not a non-empty string"
      : null)
  );
}

/** The closed-history record as a result (without the record version). */
function closedResultOf(value: JsonObject): IStrategyTickResultClosed {
  const { v: _version, ...result } = value;
  return result as unknown as IStrategyTickResultClosed;
}

/** One record of a run as read: absent, valid, or unusable (malformed, or quarantined by the adapter). */
export type RecordRead<T> =
  | { readonly status: "absent" }
  | { readonly status: "valid"; readonly record: T }
  | { readonly status: "unusable"; readonly problem: string };

/** A run's records as read, each decoded without throwing (see readRunState for the throwing view). */
export interface IRunRecords {
  position: RecordRead<ILivePositionRecord>;
  scheduled: ILiveScheduledRecord | null;
  cursor: ILiveCursorRecord | null;
  generation: RecordRead<ILiveGenerationRecord>;
  closed: IStrategyTickResultClosed[];
  missing: ILiveMissingRecord[];
  /** Keys of history records the adapter quarantined (gone from the store): see records.missingClosed. */
  quarantinedClosed: string[];
}

/** Whether the adapter quarantined (entity, key) on this or an earlier read. */
function quarantined(persist: IPersistAdapterV2, entity: string, key: string): string | null {
  const found = persist
    .corruptions()
    .find((corruption) => corruption.entity === entity && corruption.key === key);
  return found === undefined ? null : `quarantined by the adapter (${found.reason})`;
}

/** A record as read: absent (or quarantined: then unusable), valid, or unusable by `problemOf`. */
function decodeRead<T>(
  persist: IPersistAdapterV2,
  value: PersistValue | null,
  entity: string,
  key: string,
  problemOf: (value: PersistValue) => string | null,
): RecordRead<T> {
  if (value === null) {
    const problem = quarantined(persist, entity, key);
    return problem === null ? { status: "absent" } : { status: "unusable", problem };
  }
  const problem = problemOf(value);
  return problem === null
    ? { status: "valid", record: value as unknown as T }
    : { status: "unusable", problem };
}

/** The run's position record alone (what a running reconcile checks: no history read). */
export async function readPositionRecord(
  persist: IPersistAdapterV2,
  identity: IRunIdentity,
): Promise<RecordRead<ILivePositionRecord>> {
  const key = runKeys(identity).run;
  return decodeRead(persist, await persist.read("position", key), "position", key, positionRecordProblem);
}

/**
 * Reads a run's records: the position and the generation as RecordRead (an unusable one is for the
 * caller to reconcile), the history with its unusable records listed in `missing` (never dropped
 * silently).
 * @throws BtError PERSIST for a malformed scheduled or cursor record, or when the adapter fails.
 */
export async function readRunRecords(
  persist: IPersistAdapterV2,
  identity: IRunIdentity,
): Promise<IRunRecords> {
  await persist.waitForInit();
  const keys = runKeys(identity);
  const [positionValue, scheduledValue, cursorValue, generationValue, closedKeys] = await Promise.all([
    persist.read("position", keys.run),
    persist.read("scheduled", keys.run),
    persist.read("cursor", keys.run),
    persist.read("cursor", keys.generation),
    persist.list("closed", keys.closedPrefix),
  ]);
  // Sorted ascending, and the keys carry zero-padded close times: oldest first.
  const values = await Promise.all(closedKeys.map((key) => persist.read("closed", key)));
  const closed: IStrategyTickResultClosed[] = [];
  const missing: ILiveMissingRecord[] = [];
  values.forEach((value, index) => {
    const key = closedKeys[index] as string;
    if (value === null) return;
    const problem = closedRecordProblem(value);
    if (problem !== null || !isObject(value)) missing.push({ entity: "closed", key, problem: problem ?? "" });
    else closed.push(closedResultOf(value));
  });
  const quarantinedClosed: string[] = [];
  for (const corruption of persist.corruptions()) {
    if (
      corruption.entity === "closed" &&
      corruption.key.startsWith(keys.closedPrefix) &&
      !missing.some((entry) => entry.key === corruption.key)
    ) {
      quarantinedClosed.push(corruption.key);
      missing.push({
        entity: "closed",
        key: corruption.key,
        problem: `quarantined by the adapter (${corruption.reason})`,
      });
    }
  }
  /** A scheduled or cursor record the adapter quarantined is as unusable as a malformed one. */
  const refuseQuarantined = (entity: "scheduled" | "cursor") => {
    const problem = quarantined(persist, entity, keys.run);
    if (problem !== null) throw malformed(persist.name, entity, keys.run, problem);
    return null;
  };
  return {
    position: decodeRead<ILivePositionRecord>(
      persist,
      positionValue,
      "position",
      keys.run,
      positionRecordProblem,
    ),
    scheduled:
      scheduledValue === null
        ? refuseQuarantined("scheduled")
        : decodeScheduled(scheduledValue, persist.name, keys.run),
    cursor:
      cursorValue === null ? refuseQuarantined("cursor") : decodeCursor(cursorValue, persist.name, keys.run),
    generation: decodeRead<ILiveGenerationRecord>(
      persist,
      generationValue,
      "cursor",
      keys.generation,
      generationProblem,
    ),
    closed,
    missing,
    quarantinedClosed,
  };
}

/** Reads and validates a run's records from a v2 view. @throws BtError PERSIST for a malformed record. */
export async function readRunState(persist: IPersistAdapterV2, identity: IRunIdentity): Promise<ILiveState> {
  const read = await readRunRecords(persist, identity);
  const keys = runKeys(identity);
  if (read.position.status === "unusable")
    throw malformed(persist.name, "position", keys.run, read.position.problem);
  return {
    position:
      read.position.status === "valid"
        ? decodePosition(read.position.record as unknown as PersistValue, persist.name, keys.run)
        : null,
    scheduled: read.scheduled,
    cursor: read.cursor,
    closed: read.closed,
    missing: read.missing,
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
