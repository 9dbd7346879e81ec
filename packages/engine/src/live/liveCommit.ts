// The live commit protocol: how a state change becomes durable before it is applied and emitted.
// Each change first writes one intent record (the commit point: a single atomic write), then calls the
// idempotent broker, then finishes with one ordered batch (writes, then the cursor, then deletes), so a
// process killed at any instant restarts into a state it can complete: never a lost or doubled position.
// What is committed is what the broker did: the open and close prices and times are its fills (checked
// with core's brokerFillProblem), the closed pnl is computed from them, every write is fenced with the
// run's lease, and an order whose outcome is unknown (timeout, disconnect) is looked up by its client
// order id before it is sent again.

import {
  type BrokerOrderState,
  type BrokerPositionChange,
  BtError,
  brokerFillProblem,
  clientOrderId,
  fillPnlPercent,
  type IBroker,
  type IBrokerFill,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type ISignalRow,
  type IStrategyPnL,
  type IStrategyTickResult,
  type IStrategyTickResultOpened,
  type ITransition,
  type OrderLeg,
  type PersistBatchOperationV2,
  type PositionFill,
  positionPnl,
  type StrategyState,
} from "@bt/core";
import { closedKey, type ILiveOutbox, type IRunKeys, records } from "./liveKeyspace";

/** What the committer needs from the run. */
export interface ILiveCommitParams {
  /** Where records go; undefined = no persistence (the broker is still called). */
  persist: IPersistAdapterV2 | undefined;
  broker: IBroker;
  keys: IRunKeys;
  /** Start of the strategy's current getSignal window, epoch ms (−Infinity: never asked). */
  signalBoundary: () => number;
  /** The run's lease, passed as `fence` with every write (undefined: no lease held). */
  fence: () => ILeaseGrant | undefined;
  /** Checks the store before a commit (its generation marker); throws when it must not be written. */
  beforeCommit: () => Promise<void>;
  /** Fee per side in percent, for the pnl when a fill reports no fee. */
  feePercent: number;
  /** Largest distance of a fill from the price it was asked at, percent. */
  maxFillDeviationPercent: number;
  /** The run's clock, epoch ms. */
  now: () => number;
}

/** True when `error` is a definitive broker rejection (BtError BROKER, retryable false). */
export function isBrokerRejection(error: unknown): boolean {
  return BtError.isInstance(error) && error.code === "BROKER" && !error.retryable;
}

/**
 * The stable id of a notable live event: the same on every delivery (a restart delivers the last
 * committed one again), so a consumer deduplicates by it. `<signal id>:<action>`; a position change
 * (`updated`) adds its tick, kind, fill count and level.
 * @example liveEventId(openedResult) // "BTCUSDT:sma:binance:1735689600000:opened"
 */
export function liveEventId(result: IStrategyTickResult): string {
  switch (result.action) {
    case "idle":
      return `idle:${result.timestamp}`;
    case "updated": {
      // A position changes many times: the tick, the change and the fill count tell them apart.
      const update = result.update;
      const level = "to" in update ? update.to : update.price;
      return `${result.signal.id}:updated:${result.timestamp}:${update.kind}:${result.signal.fills.length}:${level}`;
    }
    default:
      return `${result.signal.id}:${result.action}`;
  }
}

/** A problem with a fill the broker reported (the position is managed at the requested price meanwhile). */
export interface IFillProblem {
  leg: "open" | "close" | "change";
  signalId: string;
  problem: string;
}

/** Makes the transitions of one live strategy durable (see the engine README, "Live commit protocol"). */
export class LiveCommitter {
  /** The broker fill of the open position, kept for its closing record (null: unknown or invalid). */
  openFill: IBrokerFill | null = null;
  /** The opened result of the open position (its record is rewritten when a corrected fill arrives). */
  openedResult: IStrategyTickResultOpened | null = null;
  /** Set when the open position's fill was invalid: the position runs at the requested price meanwhile. */
  openFillProblem: IFillProblem | null = null;
  /** A close whose fill was invalid and was recorded at the requested price (reported once by the runner). */
  closeFillProblem: IFillProblem | null = null;
  /** A size change whose fill was invalid and was recorded at the model's price (reported once). */
  changeFillProblem: IFillProblem | null = null;
  /** A size change the broker refused for good: the position kept its fills (reported once). */
  changeRefused: IFillProblem | null = null;
  /** Client order ids whose outcome is unknown (a timeout or error after sending, a crash after the intent). */
  private readonly uncertain = new Set<string>();

  constructor(private readonly params: ILiveCommitParams) {}

  /** Marks the order of `signalId`'s `leg` as possibly placed (restore of an opening/changing/closing intent). */
  markUncertain(signalId: string, leg: OrderLeg): void {
    this.uncertain.add(clientOrderId(signalId, leg));
  }

  /** True when the order of this leg may have reached the broker without a known outcome. */
  isUncertain(signalId: string, leg: OrderLeg): boolean {
    return this.uncertain.has(clientOrderId(signalId, leg));
  }

  /**
   * What the broker knows of this leg's order: its state when the broker can tell (orderState), else
   * null. Only asked for an uncertain order.
   */
  async orderState(signal: ISignalRow, leg: OrderLeg): Promise<BrokerOrderState | null> {
    const { broker } = this.params;
    if (broker.orderState === undefined) return null;
    return broker.orderState(clientOrderId(signal.id, leg), signal.symbol);
  }

  /** The cursor record after a tick at `tickMs`, carrying `outbox` until its event is delivered. */
  private cursor(tickMs: number, outbox: ILiveOutbox | null): PersistBatchOperationV2 {
    const boundary = this.params.signalBoundary();
    const value = records.cursor(tickMs, Number.isFinite(boundary) ? boundary : null, outbox);
    return { op: "write", entity: "cursor", key: this.params.keys.run, value };
  }

  /** Records that the tick at `tickMs` is done, with no event left to deliver. */
  async writeCursor(tickMs: number): Promise<void> {
    const persist = this.params.persist;
    if (persist === undefined) return;
    const operation = this.cursor(tickMs, null);
    if (operation.op === "write") {
      await persist.write(operation.entity, operation.key, operation.value, this.params.fence());
    }
  }

  /** The opened result of the open position, or one rebuilt from the signal (a reconciled position). */
  private opened(signal: ISignalRow): IStrategyTickResultOpened {
    return (
      this.openedResult ?? {
        action: "opened",
        signal,
        currentPrice: signal.priceOpen,
        timestamp: signal.pendingAt,
        symbol: signal.symbol,
        strategyName: signal.strategyName,
        exchangeName: signal.exchangeName,
        backtest: false,
      }
    );
  }

  private write(entity: "position" | "scheduled", value: ReturnType<typeof records.open>): Promise<void> {
    return (
      this.params.persist?.write(entity, this.params.keys.run, value, this.params.fence()) ??
      Promise.resolve()
    );
  }

  private batch(operations: PersistBatchOperationV2[]): Promise<void> {
    return this.params.persist?.batch(operations, this.params.fence()) ?? Promise.resolve();
  }

  /**
   * Places the leg (or, when its earlier outcome is unknown, first looks it up by client order id: a
   * filled order is never sent twice, a pending one is waited for).
   * @throws BtError BROKER (rejection when not retryable), TIMEOUT, or the broker's error.
   */
  private async place(signal: ISignalRow, leg: OrderLeg, send: () => Promise<IBrokerFill>) {
    const id = clientOrderId(signal.id, leg);
    if (this.uncertain.has(id)) {
      const known = await this.orderState(signal, leg);
      if (known !== null) {
        switch (known.state) {
          case "filled":
            this.uncertain.delete(id);
            return known.fill;
          case "pending":
            throw new BtError(
              "BROKER",
              `${this.params.broker.name}: order ${id} of ${signal.id} is still working`,
              {
                adapter: this.params.broker.name,
                field: "clientOrderId",
                value: id,
                retryable: true,
              },
            );
          case "rejected":
            this.uncertain.delete(id);
            throw new BtError(
              "BROKER",
              `${this.params.broker.name}: order ${id} of ${signal.id} was refused: ${known.reason}`,
              {
                adapter: this.params.broker.name,
                field: "clientOrderId",
                value: id,
                retryable: false,
              },
            );
          case "unknown":
            break;
          default: {
            const unreachable: never = known;
            return unreachable;
          }
        }
      }
    }
    try {
      const fill = await send();
      this.uncertain.delete(id);
      return fill;
    } catch (error) {
      // A rejection changed nothing; any other failure may have reached the venue: look it up next time.
      if (isBrokerRejection(error)) this.uncertain.delete(id);
      else this.uncertain.add(id);
      throw error;
    }
  }

  /** The fill when plausible, else null with the problem kept for the runner to report. */
  private checkFill(fill: IBrokerFill, requestedPrice: number, leg: IFillProblem["leg"], signalId: string) {
    const problem = brokerFillProblem(fill, requestedPrice, this.params.maxFillDeviationPercent);
    return problem === null ? { fill, problem: null } : { fill: null, problem: { leg, signalId, problem } };
  }

  /**
   * Makes `next` durable and returns it as the broker executed it (the fill's price and time in the
   * signal and the result, the pnl from the fills). Throws (leaving the strategy's state unchanged)
   * when the persistence or the broker fails; the same call may be repeated until it succeeds.
   * @throws BtError BROKER (a rejection when retryable is false), TIMEOUT, PERSIST, LEASE, STATE.
   */
  async commit(previous: StrategyState, next: ITransition): Promise<ITransition> {
    const { persist, broker, keys } = this.params;
    const result = next.result;
    const position = keys.run;
    switch (result.action) {
      case "scheduled": {
        if (persist === undefined) return next;
        await this.params.beforeCommit();
        await this.batch([
          {
            op: "write",
            entity: "scheduled",
            key: position,
            value: records.scheduled(result.signal, result),
          },
          this.cursor(result.timestamp, { eventId: liveEventId(result), result }),
        ]);
        return next;
      }
      case "opened": {
        const decided = result.signal;
        await this.params.beforeCommit();
        // 1. Intent: from here on a restart re-asks the broker with the same client order id.
        await this.write("position", records.opening(decided, result));
        let brokerFill: IBrokerFill;
        try {
          brokerFill = await this.place(decided, "open", () =>
            broker.openPosition(decided, decided.priceOpen),
          );
        } catch (error) {
          if (isBrokerRejection(error)) {
            // Definitively refused: no position exists, so the intent is dropped.
            await persist?.delete("position", position, this.params.fence());
          }
          throw error;
        }
        const checked = this.checkFill(brokerFill, decided.priceOpen, "open", decided.id);
        this.openFillProblem = checked.problem;
        const fill = checked.fill;
        // The broker's fill is the position: its price and time (the decision's when the fill is unusable).
        const signal: ISignalRow =
          fill === null
            ? decided
            : {
                ...decided,
                priceOpen: fill.price,
                pendingAt: fill.filledAt,
                fills: withExecutedOpen(decided.fills, fill.price),
              };
        // The result keeps the tick that committed it (its time in the event stream); the position's
        // open time is the fill's (signal.pendingAt).
        const opened = fill === null ? result : { ...result, signal };
        // 2. Committed: the open record, the cursor, then the scheduled record it replaces is removed.
        if (persist !== undefined) {
          const operations: PersistBatchOperationV2[] = [
            { op: "write", entity: "position", key: position, value: records.open(signal, opened, fill) },
            // The cursor is the tick that decided it (the fill time may lie after it).
            this.cursor(result.timestamp, { eventId: liveEventId(opened), result: opened }),
          ];
          if (previous.status === "scheduled")
            operations.push({ op: "delete", entity: "scheduled", key: position });
          await this.batch(operations);
        }
        this.openFill = fill;
        this.openedResult = opened;
        return { state: { status: "pending", signal }, result: opened, rejection: next.rejection };
      }
      case "closed": {
        const signal = result.signal;
        await this.params.beforeCommit();
        await this.write("position", records.closing(signal, result, this.openFill));
        // A rejected close is still an open position: never dropped, retried every tick.
        const requested = result.pnl.priceClose;
        const brokerFill = await this.place(signal, "close", () =>
          broker.closePosition(signal, requested, result.closeReason),
        );
        const checked = this.checkFill(brokerFill, requested, "close", signal.id);
        this.closeFillProblem = checked.problem;
        // An unusable close fill: the position is gone at the broker, so it is recorded at the price asked.
        const closePrice = checked.fill?.price ?? requested;
        const closedAt = checked.fill?.filledAt ?? Math.max(result.timestamp, this.params.now());
        const closed = {
          ...result,
          timestamp: closedAt,
          pnl: this.closedPnl(signal, result.pnl, checked.fill ?? { price: closePrice }, closePrice),
        };
        await this.batch([
          {
            op: "write",
            entity: "closed",
            key: closedKey(keys, closed.timestamp),
            value: records.closed(closed),
          },
          this.cursor(result.timestamp, { eventId: liveEventId(closed), result: closed }),
          { op: "delete", entity: "position", key: position },
        ]);
        this.openFill = null;
        this.openFillProblem = null;
        this.openedResult = null;
        return { state: next.state, result: closed, rejection: next.rejection };
      }
      case "active": {
        // A folded minute (best / worst price, a trailing take's peak): the open record, no event.
        if (persist === undefined) return next;
        await this.params.beforeCommit();
        await this.write("position", records.open(result.signal, this.opened(result.signal), this.openFill));
        return next;
      }
      case "updated":
        return this.commitUpdate(previous, next, result);
      case "cancelled": {
        if (persist === undefined) return next;
        await this.params.beforeCommit();
        await this.write("scheduled", records.cancelling(result.signal, result));
        const operations: PersistBatchOperationV2[] = [
          this.cursor(result.timestamp, { eventId: liveEventId(result), result }),
          { op: "delete", entity: "scheduled", key: position },
        ];
        // A stale open is cancelled with its opening intent (the broker never filled it).
        if (result.cancelReason === "stale")
          operations.push({ op: "delete", entity: "position", key: position });
        await this.batch(operations);
        return next;
      }
      default:
        throw new BtError("STATE", `live commit: unexpected state change with result ${result.action}`, {
          field: "action",
          value: result.action,
        });
    }
  }

  /**
   * An open position changed. A size change (partial exit, added entry) writes its intent, places its
   * own order (client order id of the fill's index) and records the broker's price in the fill; a
   * moved level is only written. Then the open record and the cursor with the event, in one batch.
   */
  private async commitUpdate(
    previous: StrategyState,
    next: ITransition,
    result: Extract<IStrategyTickResult, { action: "updated" }>,
  ): Promise<ITransition> {
    const { persist, broker, keys } = this.params;
    const update = result.update;
    let signal = result.signal;
    await this.params.beforeCommit();
    if ((update.kind === "partial" || update.kind === "entry") && previous.status === "pending") {
      const changePosition = broker.changePosition;
      if (changePosition === undefined) {
        throw new BtError(
          "BROKER",
          `${broker.name} cannot change the size of position ${signal.id} (it has no changePosition): a ${update.kind === "partial" ? "partial close" : "DCA entry"} needs a broker that can`,
          { adapter: broker.name, field: "changePosition", retryable: false },
        );
      }
      const index = signal.fills.length - 1;
      const change: BrokerPositionChange =
        update.kind === "entry"
          ? { kind: "add", index, cost: update.cost }
          : { kind: "reduce", index, fraction: update.fraction, reason: update.reason };
      await this.write(
        "position",
        records.changing(signal, previous.signal, result, this.openFill, this.opened(previous.signal)),
      );
      const decided = signal;
      // Asked at the model's price in its own tick; a retry at a later tick asks the current price.
      const requested =
        result.timestamp > (decided.fills[index] as PositionFill).at ? result.currentPrice : update.price;
      let brokerFill: IBrokerFill;
      try {
        brokerFill = await this.place(decided, { kind: change.kind, index }, () =>
          changePosition.call(broker, decided, change, requested),
        );
      } catch (error) {
        if (!isBrokerRejection(error)) throw error;
        // Refused for good: the position keeps its fills, and a rule's level is used up (it is not sent
        // again every minute). The runner reports the refusal.
        const kept: ISignalRow = { ...decided, fills: previous.signal.fills };
        await this.write("position", records.open(kept, this.opened(kept), this.openFill));
        this.changeRefused = {
          leg: "change",
          signalId: decided.id,
          problem: `${update.kind === "partial" ? "the partial close" : "the added entry"} at ${requested} was refused: ${(error as Error).message}`,
        };
        const { update: _refused, ...tick } = result;
        return {
          state: { status: "pending", signal: kept },
          result: { ...tick, action: "active", signal: kept },
          rejection: next.rejection,
        };
      }
      const checked = this.checkFill(brokerFill, requested, "change", decided.id);
      if (checked.problem !== null) this.changeFillProblem = checked.problem;
      const last = decided.fills[index] as PositionFill;
      const executedPrice = checked.fill?.price ?? requested;
      signal = { ...decided, fills: [...decided.fills.slice(0, index), { ...last, executedPrice }] };
    }
    const committed = signal === result.signal ? result : { ...result, signal };
    if (persist !== undefined) {
      await this.batch([
        {
          op: "write",
          entity: "position",
          key: keys.run,
          value: records.open(signal, this.opened(signal), this.openFill, committed),
        },
        this.cursor(result.timestamp, { eventId: liveEventId(committed), result: committed }),
      ]);
    }
    return { state: { status: "pending", signal }, result: committed, rejection: next.rejection };
  }

  /**
   * The closed pnl from the broker's fills: one entry and no partial exit from the open and close fills
   * (their reported fees when both have one); otherwise every fill at its executed price (the model's
   * price when the broker's was unusable), with the fee per side and no added slippage.
   */
  private closedPnl(
    signal: ISignalRow,
    decided: IStrategyPnL,
    closeFill: Pick<IBrokerFill, "price" | "feeQuote">,
    closePrice: number,
  ): IStrategyPnL {
    if (signal.fills.length === 1) {
      const open = this.openFill ?? { price: signal.priceOpen, quantity: signal.quantity ?? 1 };
      const pnlPercentage = fillPnlPercent(signal.position, open, closeFill, this.params.feePercent);
      return {
        ...decided,
        pnlPercentage,
        priceOpen: open.price,
        priceClose: closePrice,
        pnlCost: decided.costTotal === null ? null : (pnlPercentage / 100) * decided.costTotal,
      };
    }
    // Every fill at the broker's price (positionPnl reads only the side and the fills).
    const executed = {
      position: signal.position,
      fills: signal.fills.map((fill) => ({ ...fill, price: fill.executedPrice ?? fill.price })),
    };
    const pnl = positionPnl(executed, closePrice, { feePercent: this.params.feePercent, slippagePercent: 0 });
    return {
      ...decided,
      pnlPercentage: pnl.percent,
      priceClose: closePrice,
      pnlCost: decided.costTotal === null ? null : pnl.money,
    };
  }

  /**
   * Looks the open position's fill up again (after an unusable one): when the broker now reports a
   * plausible fill, the open record is rewritten with it and the corrected signal is returned.
   */
  async refreshOpenFill(signal: ISignalRow): Promise<ISignalRow | null> {
    const known = await this.orderState(signal, "open");
    if (known === null || known.state !== "filled") return null;
    const checked = this.checkFill(known.fill, signal.priceOpen, "open", signal.id);
    if (checked.fill === null) {
      this.openFillProblem = checked.problem;
      return null;
    }
    const fill = checked.fill;
    const corrected: ISignalRow = {
      ...signal,
      priceOpen: fill.price,
      pendingAt: fill.filledAt,
      fills: withExecutedOpen(signal.fills, fill.price),
    };
    const opened = this.openedResult;
    if (opened !== null) {
      this.openedResult = { ...opened, signal: corrected };
      await this.write("position", records.open(corrected, this.openedResult, fill));
    }
    this.openFill = fill;
    this.openFillProblem = null;
    return corrected;
  }
}

/** The fills with the broker's price recorded on the open entry. */
function withExecutedOpen(fills: ReadonlyArray<PositionFill>, executedPrice: number): PositionFill[] {
  const [first, ...rest] = fills;
  return first === undefined ? [] : [{ ...first, executedPrice }, ...rest];
}
