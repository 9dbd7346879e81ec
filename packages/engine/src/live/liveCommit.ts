// The live commit protocol: how a state change becomes durable before it is applied and emitted.
// Each change first writes one intent record (the commit point: a single atomic write), then calls the
// idempotent broker, then finishes with one ordered batch (writes, then the cursor, then deletes), so a
// process killed at any instant restarts into a state it can complete: never a lost or doubled position.

import {
  BtError,
  type IBroker,
  type IBrokerFill,
  type IPersistAdapterV2,
  type ITransition,
  type PersistBatchOperationV2,
  type StrategyState,
} from "@bt/core";
import { closedKey, type IRunKeys, records } from "./liveKeyspace";

/** What the committer needs from the run. */
export interface ILiveCommitParams {
  /** Where records go; undefined = no persistence (the broker is still called). */
  persist: IPersistAdapterV2 | undefined;
  broker: IBroker;
  keys: IRunKeys;
  /** Start of the strategy's current getSignal window, epoch ms (−Infinity: never asked). */
  signalBoundary: () => number;
}

/** True when `error` is a definitive broker rejection (BtError BROKER, retryable false). */
export function isBrokerRejection(error: unknown): boolean {
  return BtError.isInstance(error) && error.code === "BROKER" && !error.retryable;
}

/** Makes the transitions of one live strategy durable (see the engine README, "Live commit protocol"). */
export class LiveCommitter {
  /** The broker fill of the open position, kept for its closing record. */
  openFill: IBrokerFill | null = null;

  constructor(private readonly params: ILiveCommitParams) {}

  /** The cursor record after a tick at `tickMs`. */
  private cursor(tickMs: number): PersistBatchOperationV2 {
    const boundary = this.params.signalBoundary();
    const value = records.cursor(tickMs, Number.isFinite(boundary) ? boundary : null);
    return { op: "write", entity: "cursor", key: this.params.keys.run, value };
  }

  /** Records that the tick at `tickMs` is done (used when only the getSignal throttle moved). */
  async writeCursor(tickMs: number): Promise<void> {
    const persist = this.params.persist;
    if (persist === undefined) return;
    const operation = this.cursor(tickMs);
    if (operation.op === "write") await persist.write(operation.entity, operation.key, operation.value);
  }

  /**
   * Makes `next` durable. Throws (leaving the strategy's state unchanged) when the persistence or the
   * broker fails; the same call with the same transition may be repeated until it succeeds.
   * @throws BtError BROKER (a rejection when retryable is false), PERSIST, or the broker's own error.
   */
  async commit(previous: StrategyState, next: ITransition): Promise<void> {
    const { persist, broker, keys } = this.params;
    const result = next.result;
    const position = keys.run;
    switch (result.action) {
      case "scheduled": {
        if (persist === undefined) return;
        await persist.batch([
          {
            op: "write",
            entity: "scheduled",
            key: position,
            value: records.scheduled(result.signal, result),
          },
          this.cursor(result.timestamp),
        ]);
        return;
      }
      case "opened": {
        const signal = result.signal;
        // 1. Intent: from here on a restart re-asks the broker with the same client order id.
        await persist?.write("position", position, records.opening(signal, result));
        let fill: IBrokerFill;
        try {
          fill = await broker.openPosition(signal, signal.priceOpen);
        } catch (error) {
          if (isBrokerRejection(error)) {
            // Definitively refused: no position exists, so the intent is dropped.
            await persist?.delete("position", position);
          }
          throw error;
        }
        // 2. Committed: the open record, the cursor, then the scheduled record it replaces is removed.
        if (persist !== undefined) {
          const operations: PersistBatchOperationV2[] = [
            { op: "write", entity: "position", key: position, value: records.open(signal, result, fill) },
            this.cursor(result.timestamp),
          ];
          if (previous.status === "scheduled")
            operations.push({ op: "delete", entity: "scheduled", key: position });
          await persist.batch(operations);
        }
        this.openFill = fill;
        return;
      }
      case "closed": {
        const signal = result.signal;
        await persist?.write("position", position, records.closing(signal, result, this.openFill));
        // A rejected close is still an open position: never dropped, retried every tick.
        await broker.closePosition(signal, result.pnl.priceClose, result.closeReason);
        await persist?.batch([
          {
            op: "write",
            entity: "closed",
            key: closedKey(keys, result.timestamp),
            value: records.closed(result),
          },
          this.cursor(result.timestamp),
          { op: "delete", entity: "position", key: position },
        ]);
        this.openFill = null;
        return;
      }
      case "cancelled": {
        if (persist === undefined) return;
        await persist.write("scheduled", position, records.cancelling(result.signal, result));
        await persist.batch([
          this.cursor(result.timestamp),
          { op: "delete", entity: "scheduled", key: position },
        ]);
        return;
      }
      default:
        throw new BtError("STATE", `live commit: unexpected state change with result ${result.action}`, {
          field: "action",
          value: result.action,
        });
    }
  }
}
