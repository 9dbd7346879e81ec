// Statistics of scheduled signals (limit-style entries waiting for priceOpen): how many activated,
// how many were cancelled and why, and how long they waited. Signals are matched by id.

import { CANCEL_REASONS, type CancelReason } from "./signal";
import type { IStrategyTickResult } from "./tickResult";

/** Outcome counts, rates (percent) and waits (minutes) of scheduled signals. */
export interface IScheduleStatistics {
  /** Distinct signals that were scheduled. */
  scheduledCount: number;
  /** Scheduled signals that later opened. */
  activatedCount: number;
  /** Scheduled signals cancelled, all reasons. */
  cancelledCount: number;
  /** Cancelled signals by reason (timeout, price_reject, user). */
  cancelledByReason: Record<CancelReason, number>;
  /** Scheduled signals with no outcome yet. */
  pendingCount: number;
  /** activatedCount / scheduledCount · 100, percent; null when nothing was scheduled. */
  activationRate: number | null;
  /** cancelledCount / scheduledCount · 100, percent; null when nothing was scheduled. */
  cancellationRate: number | null;
  /** Mean of (pendingAt − scheduledAt) over activated signals, minutes; null when none activated. */
  avgActivationWaitMinutes: number | null;
  /** Mean of (cancel timestamp − scheduledAt) over cancelled signals, minutes; null when none was cancelled. */
  avgCancellationWaitMinutes: number | null;
}

function meanOrNull(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Computes IScheduleStatistics from tick results: a signal counts as scheduled when a "scheduled"
 * event carried its id, as activated when an "opened" event with that id follows, as cancelled on a
 * "cancelled" event; repeated events of one signal count once.
 */
export function computeScheduleStatistics(events: ReadonlyArray<IStrategyTickResult>): IScheduleStatistics {
  const scheduled = new Set<string>();
  const activationWaits = new Map<string, number>();
  const cancellations = new Map<string, { reason: CancelReason; waitMinutes: number }>();
  for (const event of events) {
    if (event.action === "scheduled") scheduled.add(event.signal.id);
    else if (event.action === "opened" && scheduled.has(event.signal.id)) {
      activationWaits.set(event.signal.id, (event.signal.pendingAt - event.signal.scheduledAt) / 60_000);
    } else if (event.action === "cancelled") {
      scheduled.add(event.signal.id);
      cancellations.set(event.signal.id, {
        reason: event.cancelReason,
        waitMinutes: (event.timestamp - event.signal.scheduledAt) / 60_000,
      });
    }
  }
  const cancelledByReason = Object.fromEntries(CANCEL_REASONS.map((reason) => [reason, 0])) as Record<
    CancelReason,
    number
  >;
  for (const { reason } of cancellations.values()) cancelledByReason[reason] += 1;
  const scheduledCount = scheduled.size;
  const activatedCount = activationWaits.size;
  const cancelledCount = cancellations.size;
  return {
    scheduledCount,
    activatedCount,
    cancelledCount,
    cancelledByReason,
    pendingCount: Math.max(0, scheduledCount - activatedCount - cancelledCount),
    activationRate: scheduledCount === 0 ? null : (activatedCount / scheduledCount) * 100,
    cancellationRate: scheduledCount === 0 ? null : (cancelledCount / scheduledCount) * 100,
    avgActivationWaitMinutes: meanOrNull([...activationWaits.values()]),
    avgCancellationWaitMinutes: meanOrNull([...cancellations.values()].map((entry) => entry.waitMinutes)),
  };
}
