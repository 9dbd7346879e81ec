// downsampleEquity thins an equity curve for charts and records without smoothing away a bucket's peak or
// trough; statistics are computed on the full curve (a thinned one can only show a smaller drawdown).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeEquityStatistics, downsampleEquity, type IEquityPoint } from "../src/index";

const T0 = Date.UTC(2025, 0, 1);

function curve(values: number[]): IEquityPoint[] {
  return values.map((equity, index) => ({ timeMs: T0 + index * 60_000, equity }));
}

function maxDrawdown(points: IEquityPoint[], initialBalance: number): number {
  const last = points[points.length - 1] as IEquityPoint;
  return computeEquityStatistics(points, {
    periodStartMs: T0,
    periodEndMs: last.timeMs + 60_000,
    initialBalance,
    tradeCount: 0,
  }).maxDrawdownPercent;
}

describe("downsampleEquity", () => {
  it("keeps the first point and each bucket's low, high and last point in time order (worked case)", () => {
    // 9 points into at most 7: floor((7 - 1) / 3) = 2 buckets of ceil(9 / 2) = 5 points:
    // [100 90 120 110 105] [95 130 80 100] → 100 (first), 90 (low), 120 (high), 105 (last); 130, 80, 100.
    const points = curve([100, 90, 120, 110, 105, 95, 130, 80, 100]);
    expect(downsampleEquity(points, 7).map((point) => point.equity)).toEqual([
      100, 90, 120, 105, 130, 80, 100,
    ]);
    expect(downsampleEquity(points, 9)).toEqual(points);
  });

  it("keeps the bound, the order, the ends and every bucket's extremes, and never deepens the drawdown", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 4, max: 120 }),
        (values, maxPoints) => {
          const points = curve(values);
          const thinned = downsampleEquity(points, maxPoints);
          expect(thinned.length).toBeLessThanOrEqual(Math.max(maxPoints, 0));
          expect(thinned[0]).toEqual(points[0]);
          expect(thinned[thinned.length - 1]).toEqual(points[points.length - 1]);
          for (let index = 1; index < thinned.length; index++) {
            const previous = thinned[index - 1] as IEquityPoint;
            expect((thinned[index] as IEquityPoint).timeMs).toBeGreaterThan(previous.timeMs);
          }
          const start = (points[0] as IEquityPoint).equity;
          expect(maxDrawdown(thinned, start)).toBeLessThanOrEqual(maxDrawdown(points, start));
          if (points.length > maxPoints) {
            const kept = new Set(thinned);
            const bucketSize = Math.ceil(points.length / Math.floor((maxPoints - 1) / 3));
            for (let first = 0; first < points.length; first += bucketSize) {
              const bucket = points.slice(first, first + bucketSize);
              const low = Math.min(...bucket.map((point) => point.equity));
              const high = Math.max(...bucket.map((point) => point.equity));
              expect(bucket.some((point) => kept.has(point) && point.equity === low)).toBe(true);
              expect(bucket.some((point) => kept.has(point) && point.equity === high)).toBe(true);
            }
          }
        },
      ),
    );
  });
});
