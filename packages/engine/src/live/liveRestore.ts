// Live restore: turns what an earlier process persisted for a run into the strategy's state, the tick
// cursor and the transition still to complete (an open or close whose broker outcome is unknown, a
// cancellation not yet cleaned up). No event is emitted for what is restored.

import {
  alignDown,
  type CandleInterval,
  type IBrokerFill,
  type ILeaseGrant,
  type ILogger,
  type IPersistAdapterV2,
  type IStrategyTickResultOpened,
  type ITransition,
  NO_SIGNAL,
  type StrategyState,
} from "@bt/core";
import type { ClientStrategy } from "../strategy/clientStrategy";
import { liveEventId } from "./liveCommit";
import type { LiveEventLog } from "./liveEventLog";
import {
  type ILiveOutbox,
  type ILivePositionRecord,
  type IRunIdentity,
  type IRunRecords,
  runKeys,
} from "./liveKeyspace";

/** What the live loop continues from. */
export interface ILiveRestored {
  /** Epoch ms of the last tick whose effects are committed (−Infinity: none). */
  lastTickMs: number;
  /** A decided transition whose commit did not complete: retried at the first tick. */
  retry: ITransition | null;
  /** The broker fill of the restored open position, for its closing record. */
  openFill: IBrokerFill | null;
  /** The opened result of the restored open position. */
  openedResult: IStrategyTickResultOpened | null;
  /** The last committed event whose delivery is not known to be complete: delivered again. */
  outbox: ILiveOutbox | null;
}

/**
 * Restores the run's records (read by readRunRecords; `position` already reconciled with the broker)
 * into `client` and `log`.
 */
export async function restoreLiveRun(
  persist: IPersistAdapterV2,
  identity: IRunIdentity,
  interval: CandleInterval,
  client: ClientStrategy,
  log: LiveEventLog,
  logger: ILogger,
  read: IRunRecords,
  reconciledPosition: ILivePositionRecord | null,
  fence: ILeaseGrant | undefined,
): Promise<ILiveRestored> {
  const saved = { ...read, position: reconciledPosition };
  const windowStart = (timeMs: number) => alignDown(timeMs, interval);
  const what = `Live ${identity.strategyName} on ${identity.symbol}`;
  // A kill inside a non-atomic close batch can leave the history record of a position still marked
  // "closing": the close is retried and counted then, so it must not be counted here too.
  const closingId = saved.position?.phase === "closing" ? saved.position.signal.id : null;
  for (const closed of saved.closed) {
    if (closed.signal.id === closingId) continue;
    client.restoreClosed(closed.pnl.pnlPercentage);
    log.add(closed, true);
  }
  const restored: ILiveRestored = {
    lastTickMs: saved.cursor?.lastTickMs ?? Number.NEGATIVE_INFINITY,
    retry: null,
    openFill: null,
    openedResult: null,
    outbox: saved.cursor?.outbox ?? null,
  };
  let boundary = saved.cursor?.lastSignalBoundaryMs ?? Number.NEGATIVE_INFINITY;
  // A record newer than the cursor: its batch stopped before the cursor (a non-atomic batch), so its
  // event was never delivered; it becomes the event to deliver (at least once).
  const committedTickMs = saved.cursor?.lastTickMs ?? Number.NEGATIVE_INFINITY;
  const undelivered =
    saved.position?.phase === "open"
      ? (saved.position.update ?? saved.position.result)
      : saved.position === null && saved.scheduled?.phase === "scheduled"
        ? saved.scheduled.result
        : null;
  if (undelivered !== null && undelivered.timestamp > committedTickMs) {
    restored.outbox = { eventId: liveEventId(undelivered), result: undelivered };
  }
  const { position, scheduled } = saved;
  if (position !== null) {
    boundary = Math.max(boundary, windowStart(position.signal.scheduledAt));
    const pending: StrategyState = { status: "pending", signal: position.signal };
    switch (position.phase) {
      case "opening":
        // The broker may have filled it before the crash: re-ask it (same client order id) at the next tick.
        client.restore(
          scheduled?.phase === "scheduled" ? { status: "scheduled", signal: scheduled.signal } : NO_SIGNAL,
          boundary,
        );
        restored.retry = { state: pending, result: position.result, rejection: null };
        break;
      case "open":
        client.restore(pending, boundary);
        restored.openFill = position.openFill;
        restored.openedResult = position.result;
        // The tick of the change the record was written with is done, even when the cursor missed it.
        restored.lastTickMs = Math.max(
          restored.lastTickMs,
          position.result.timestamp,
          position.update?.timestamp ?? Number.NEGATIVE_INFINITY,
        );
        log.add(position.result, true);
        break;
      case "changing":
        // The size change's order may have filled before the crash: re-ask the broker (its own client
        // order id) at the next tick, from the position as committed before the change.
        client.restore({ status: "pending", signal: position.previous }, boundary);
        restored.openFill = position.openFill;
        restored.openedResult = position.opened;
        restored.retry = { state: pending, result: position.result, rejection: null };
        break;
      case "closing":
        client.restore(pending, boundary);
        restored.openFill = position.openFill;
        restored.retry = { state: NO_SIGNAL, result: position.result, rejection: null };
        break;
      default: {
        const unreachable: never = position;
        return unreachable;
      }
    }
    // A scheduled record beside a committed open position is a leftover of its activation.
    if (scheduled !== null && position.phase !== "opening")
      await persist.delete("scheduled", runKeys(identity).run, fence);
    logger.info(`${what}: restored position ${position.signal.id} (${position.phase})`);
  } else if (scheduled !== null) {
    boundary = Math.max(boundary, windowStart(scheduled.signal.scheduledAt));
    client.restore({ status: "scheduled", signal: scheduled.signal }, boundary);
    if (scheduled.phase === "cancelling") {
      restored.retry = { state: NO_SIGNAL, result: scheduled.result, rejection: null };
    } else {
      restored.lastTickMs = Math.max(restored.lastTickMs, scheduled.result.timestamp);
      log.add(scheduled.result, true);
    }
    logger.info(`${what}: restored scheduled signal ${scheduled.signal.id}`);
  } else {
    client.restore(NO_SIGNAL, boundary);
  }
  return restored;
}
