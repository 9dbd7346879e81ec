import { computeScheduleStatistics } from "@bt/core";
import { describe, expect, it } from "vitest";
import { cancelledEvent, MINUTE, openedEvent, scheduledEvent, T0 } from "./tickFactory";

describe("computeScheduleStatistics", () => {
  const events = [
    scheduledEvent({ id: "a", scheduledAt: T0 }),
    scheduledEvent({ id: "a", scheduledAt: T0 }), // a repeated event counts once
    openedEvent({ id: "a", scheduledAt: T0, pendingAt: T0 + 30 * MINUTE }),
    scheduledEvent({ id: "b", scheduledAt: T0 }),
    cancelledEvent({ id: "b", scheduledAt: T0 }, "timeout", T0 + 120 * MINUTE),
    scheduledEvent({ id: "c", scheduledAt: T0 }),
    cancelledEvent({ id: "c", scheduledAt: T0 }, "price_reject", T0 + 60 * MINUTE),
    scheduledEvent({ id: "d", scheduledAt: T0, strategyName: "beta" }),
    openedEvent({ id: "immediate", scheduledAt: T0, pendingAt: T0 }), // never scheduled: not an activation
  ];

  it("computes counts, rates and waits by signal id", () => {
    expect(computeScheduleStatistics(events)).toEqual({
      scheduledCount: 4,
      activatedCount: 1,
      cancelledCount: 2,
      cancelledByReason: { timeout: 1, price_reject: 1, user: 0, stale: 0 },
      pendingCount: 1,
      activationRate: 25,
      cancellationRate: 50,
      avgActivationWaitMinutes: 30,
      avgCancellationWaitMinutes: 90,
    });
  });

  it("is null where nothing was scheduled", () => {
    const none = computeScheduleStatistics([]);
    expect(none.activationRate).toBeNull();
    expect(none.cancellationRate).toBeNull();
    expect(none.avgActivationWaitMinutes).toBeNull();
    expect(none.avgCancellationWaitMinutes).toBeNull();
  });
});
