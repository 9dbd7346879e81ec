import { DAY_MS, dailyBucketCount, dailyBucketIndex, dailyReturnsPercent } from "@bt/core";
import { describe, expect, it } from "vitest";
import { MINUTE, T0 } from "./closedFactory";

const HOUR = 60 * MINUTE;

describe("dailyBucketCount", () => {
  it("counts the day intervals between the period ends and the UTC midnights inside it", () => {
    expect(dailyBucketCount(T0, T0 + 14 * DAY_MS)).toBe(14); // aligned: 14 whole days
    expect(dailyBucketCount(T0 + 10 * HOUR, T0 + 14 * DAY_MS + 10 * HOUR)).toBe(15); // partial first and last
    expect(dailyBucketCount(T0 + HOUR, T0 + 2 * HOUR)).toBe(1); // inside one day
    expect(dailyBucketCount(T0, T0)).toBe(0);
    expect(dailyBucketCount(T0 + DAY_MS, T0)).toBe(0);
  });
});

describe("dailyBucketIndex", () => {
  it("puts an instant in its UTC day, a midnight in the day it starts, the ends in the first and last", () => {
    // [T0 + 10 h, T0 + 2 d + 10 h): buckets 0 = [start, T0 + 1 d), 1 = [T0 + 1 d, T0 + 2 d), 2 = [T0 + 2 d, end)
    const start = T0 + 10 * HOUR;
    const count = dailyBucketCount(start, T0 + 2 * DAY_MS + 10 * HOUR);
    expect(count).toBe(3);
    expect(dailyBucketIndex(start, start, count)).toBe(0);
    expect(dailyBucketIndex(T0 + DAY_MS - 1, start, count)).toBe(0);
    expect(dailyBucketIndex(T0 + DAY_MS, start, count)).toBe(1);
    expect(dailyBucketIndex(T0 + 2 * DAY_MS, start, count)).toBe(2);
    expect(dailyBucketIndex(T0 + 9 * DAY_MS, start, count)).toBe(2);
    expect(dailyBucketIndex(start - DAY_MS, start, count)).toBe(0);
  });
});

describe("dailyReturnsPercent: hand-computed", () => {
  it("compounds trades of one day, leaves flat days at 0 and puts a midnight close on the new day", () => {
    const trades = [
      { closedAt: T0 + 3 * HOUR, returnPercent: 1 }, // day 0
      { closedAt: T0 + 20 * HOUR, returnPercent: 2 }, // day 0: 1.01 · 1.02 − 1 = 3.02 %
      { closedAt: T0 + 2 * DAY_MS, returnPercent: -5 }, // exactly midnight of day 2: belongs to day 2
    ];
    const daily = dailyReturnsPercent(trades, T0, T0 + 3 * DAY_MS);
    expect(daily).toHaveLength(3);
    expect(daily[0]).toBeCloseTo(3.02, 12);
    expect(daily[1]).toBe(0);
    expect(daily[2]).toBeCloseTo(-5, 12);
  });

  it("counts a close before the period on the first day and one at or after the end on the last", () => {
    const trades = [
      { closedAt: T0 - HOUR, returnPercent: 10 },
      { closedAt: T0 + 2 * DAY_MS, returnPercent: 10 }, // = periodEndMs: the period is [start, end)
    ];
    expect(dailyReturnsPercent(trades, T0, T0 + 2 * DAY_MS).map((value) => Number(value.toFixed(9)))).toEqual(
      [10, 10],
    );
  });

  it("after a ruin (−100 %) the following days return 0", () => {
    const trades = [
      { closedAt: T0 + HOUR, returnPercent: -100 },
      { closedAt: T0 + DAY_MS + HOUR, returnPercent: 50 },
    ];
    expect(dailyReturnsPercent(trades, T0, T0 + 2 * DAY_MS)).toEqual([-100, 0]);
    expect(dailyReturnsPercent(trades, T0, T0)).toEqual([]);
  });
});
