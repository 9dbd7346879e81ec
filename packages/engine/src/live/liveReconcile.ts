// Reconciliation of a run's persisted records with the broker: at start (a lost or corrupted position
// record is rebuilt from the broker's open positions, or the run refuses to start; an open record the
// broker does not confirm is resolved) and every few ticks while running (the store generation, the
// position record against the position in memory, positions the broker holds that the run does not).

import {
  BtError,
  clientOrderId,
  type IBroker,
  type IBrokerOpenPosition,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type ISignalRow,
  type IStrategyTickResultOpened,
} from "@bt/core";
import {
  type ILivePositionRecord,
  type IRunKeys,
  RECORD_VERSION,
  type RecordRead,
  records,
} from "./liveKeyspace";

/** What reconciliation reports: each finding becomes an error event and a run problem. */
export type ReportFinding = (message: string) => void;

/** What a reconciliation needs. */
export interface IReconcileParams {
  persist: IPersistAdapterV2;
  broker: IBroker;
  keys: IRunKeys;
  symbol: string;
  strategyName: string;
  exchangeName: string;
  fence: () => ILeaseGrant | undefined;
  report: ReportFinding;
}

/** The broker's open positions of this run (the signal id starts with the run key), oldest first. */
export async function runPositionsAtBroker(params: IReconcileParams): Promise<IBrokerOpenPosition[] | null> {
  const { broker, symbol, keys } = params;
  if (broker.openPositions === undefined) return null;
  const positions = await broker.openPositions(symbol);
  return positions.filter((position) => position.signal?.id.startsWith(`${keys.run}:`) === true);
}

function rebuiltRecord(
  params: IReconcileParams,
  position: IBrokerOpenPosition,
  signal: ISignalRow,
): Extract<ILivePositionRecord, { phase: "open" }> {
  const fill = position.fill;
  // The broker keeps the signal as last sent (its open or last size change): fills and levels as then,
  // the open entry at the broker's price. Minutes folded since (best / worst price, a trailing stop's
  // moves) are not at the broker and restart from the fill.
  const [first, ...rest] = signal.fills;
  const rebuilt: ISignalRow = {
    ...signal,
    priceOpen: fill.price,
    pendingAt: fill.filledAt,
    fills: first === undefined ? signal.fills : [{ ...first, executedPrice: fill.price }, ...rest],
  };
  const result: IStrategyTickResultOpened = {
    action: "opened",
    signal: rebuilt,
    currentPrice: fill.price,
    timestamp: fill.filledAt,
    symbol: params.symbol,
    strategyName: params.strategyName,
    exchangeName: params.exchangeName,
    backtest: false,
  };
  return { v: RECORD_VERSION, phase: "open", signal: rebuilt, result, openFill: fill };
}

/**
 * The position record to restore, after checking it against the broker: a valid open record whose open
 * order the broker does not know is dropped; a lost or unusable record is rebuilt from the broker's
 * open position of this run; the broker's position without signal data refuses the start.
 * @throws BtError STATE when the record is unusable and the broker cannot tell what it held.
 */
export async function reconcilePositionAtStart(
  params: IReconcileParams,
  read: RecordRead<ILivePositionRecord>,
  closedSignalIds: ReadonlySet<string>,
): Promise<ILivePositionRecord | null> {
  const { persist, broker, keys, symbol } = params;
  const what = `Live ${params.strategyName} on ${symbol}`;
  if (read.status === "valid") {
    const record = read.record;
    if (record.phase !== "open" || broker.orderState === undefined) return record;
    const openId = clientOrderId(record.signal.id, "open");
    const known = await broker.orderState(openId, symbol);
    if (known.state === "filled" || known.state === "pending") return record;
    params.report(
      `${what}: position ${record.signal.id} is not confirmed by broker ${broker.name} (open order ${openId} is ${known.state}${known.state === "rejected" ? `: ${known.reason}` : ""}); its record is dropped`,
    );
    await persist.delete("position", keys.run, params.fence());
    return null;
  }
  /** Writes the open record rebuilt from the broker's `position` and reports `message`. */
  const rebuild = async (position: IBrokerOpenPosition, signal: ISignalRow, message: string) => {
    const record = rebuiltRecord(params, position, signal);
    params.report(message);
    await persist.write(
      "position",
      keys.run,
      records.open(record.signal, record.result, record.openFill),
      params.fence(),
    );
    return record;
  };
  const atBroker = await runPositionsAtBroker(params);
  const unconfirmed = atBroker?.filter((position) => !closedSignalIds.has(position.signal?.id ?? "")) ?? [];
  if (read.status === "absent") {
    // No record, yet the broker holds a position of this run: a lost record (a wiped key).
    const latest = unconfirmed.at(-1);
    if (latest?.signal === undefined) return null;
    return rebuild(
      latest,
      latest.signal,
      `${what}: the position record is missing but broker ${broker.name} holds position ${latest.signal.id} (order ${latest.clientOrderId}); rebuilt from the broker's fill`,
    );
  }
  // Unusable (malformed or quarantined): what it held is rebuilt from the broker, never started flat silently.
  if (atBroker === null || broker.openPositions === undefined) {
    throw new BtError(
      "STATE",
      `${what}: the position record ${keys.run} is unusable (${read.problem}) and broker ${broker.name} cannot list its open positions to rebuild it; refusing to start flat (restore the record or close the position at the broker)`,
      { field: "position", value: keys.run, adapter: broker.name },
    );
  }
  const latest = unconfirmed.at(-1);
  if (latest?.signal !== undefined) {
    return rebuild(
      latest,
      latest.signal,
      `${what}: the position record ${keys.run} is unusable (${read.problem}); rebuilt position ${latest.signal.id} from broker ${broker.name} (order ${latest.clientOrderId})`,
    );
  }
  const foreign = (await broker.openPositions(symbol)).filter((position) => position.signal === undefined);
  if (foreign.length > 0) {
    const ids = foreign.map((position) => position.clientOrderId).join(", ");
    throw new BtError(
      "STATE",
      `${what}: the position record ${keys.run} is unusable (${read.problem}) and broker ${broker.name} holds position(s) ${ids} on ${symbol} without signal data; refusing to start flat (restore the record or close the position at the broker)`,
      { field: "position", value: ids, adapter: broker.name },
    );
  }
  params.report(
    `${what}: the position record ${keys.run} is unusable (${read.problem}); broker ${broker.name} holds no position of this run, so the run continues flat`,
  );
  await persist.delete("position", keys.run, params.fence());
  return null;
}
