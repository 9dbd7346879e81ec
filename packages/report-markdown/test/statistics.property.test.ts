import type { WalkerMetric } from "@bt/core";
import { computeStatistics, type IStatistics, rankByMetric } from "@bt/report-markdown";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closedSeries } from "./closedFactory";

const returnArb = fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true });
const returnsArb = fc.array(returnArb, { minLength: 0, maxLength: 40 });

describe("computeStatistics properties", () => {
  it("counts, win rate, sum and exposure stay in range", () => {
    fc.assert(
      fc.property(returnsArb, (returns) => {
        const stats = computeStatistics(closedSeries(returns));
        expect(stats.tradeCount).toBe(returns.length);
        expect(stats.winCount + stats.lossCount).toBeLessThanOrEqual(stats.tradeCount);
        expect(stats.winCount).toBe(returns.filter((value) => value > 0).length);
        const sum = returns.reduce((total, value) => total + value, 0);
        expect(stats.totalPnl).toBeCloseTo(sum, 9);
        if (returns.length === 0) {
          expect(stats.winRate).toBeNull();
        } else {
          expect(stats.winRate).toBeGreaterThanOrEqual(0);
          expect(stats.winRate).toBeLessThanOrEqual(100);
          expect(stats.expectancy).toBeCloseTo(stats.avgPnl ?? Number.NaN, 9);
          expect(stats.exposurePercent).toBeGreaterThan(0);
          expect(stats.exposurePercent).toBeLessThanOrEqual(100 + 1e-9);
        }
      }),
    );
  });

  it("max drawdown is in [0, 100] and 0 when no trade loses", () => {
    fc.assert(
      fc.property(returnsArb, (returns) => {
        const stats = computeStatistics(closedSeries(returns));
        if (returns.length === 0) {
          expect(stats.maxDrawdown).toBeNull();
          return;
        }
        expect(stats.maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(stats.maxDrawdown).toBeLessThanOrEqual(100);
        if (returns.every((value) => value >= 0)) expect(stats.maxDrawdown).toBe(0);
        // A loss deeper than the zero tolerance shows up as a drawdown (1e-6 % keeps clear of rounding).
        if (returns.some((value) => value < -1e-6)) expect(stats.maxDrawdown).toBeGreaterThan(0);
      }),
    );
  });

  it("Sharpe is null exactly when stdDev is null or 0, and never absurdly large", () => {
    fc.assert(
      fc.property(returnsArb, (returns) => {
        const stats = computeStatistics(closedSeries(returns));
        if (returns.length < 2) expect(stats.stdDev).toBeNull();
        const undefinedSharpe = stats.stdDev === null || stats.stdDev === 0;
        expect(stats.sharpeRatio === null).toBe(undefinedSharpe);
        // |mean| / sample sd ≤ √N for any non-constant sample: the bound that rules out 1e7-style lies.
        if (stats.sharpeRatio !== null) {
          expect(Math.abs(stats.sharpeRatio)).toBeLessThanOrEqual(Math.sqrt(returns.length) + 1e-9);
        }
      }),
    );
  });

  it("identical returns never produce a Sharpe ratio", () => {
    fc.assert(
      fc.property(returnArb, fc.integer({ min: 2, max: 30 }), (value, count) => {
        const stats = computeStatistics(closedSeries(Array.from({ length: count }, () => value)));
        expect(stats.stdDev).toBe(0);
        expect(stats.sharpeRatio).toBeNull();
        expect(stats.annualizedSharpeRatio).toBeNull();
      }),
    );
  });

  it("ratios with a loss in the denominator are non-negative or null as documented", () => {
    fc.assert(
      fc.property(returnsArb, (returns) => {
        const stats = computeStatistics(closedSeries(returns));
        if (stats.lossCount === 0) expect(stats.profitFactor).toBeNull();
        else expect(stats.profitFactor).toBeGreaterThanOrEqual(0);
        if (stats.winCount === 0 || stats.lossCount === 0) expect(stats.certaintyRatio).toBeNull();
        else expect(stats.certaintyRatio).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("does not depend on the input order (trades are ordered by close time)", () => {
    fc.assert(
      fc.property(
        returnsArb.chain((returns) =>
          fc.tuple(
            fc.constant(returns),
            fc.shuffledSubarray(closedSeries(returns), { minLength: returns.length }),
          ),
        ),
        ([returns, shuffled]) => {
          const inOrder = computeStatistics(closedSeries(returns));
          const reordered = computeStatistics(shuffled);
          for (const key of Object.keys(inOrder) as (keyof IStatistics)[]) {
            const expected = inOrder[key];
            if (expected === null) expect(reordered[key], key).toBeNull();
            else expect(reordered[key], key).toBeCloseTo(expected, 6);
          }
        },
      ),
    );
  });
});

const metrics: WalkerMetric[] = [
  "sharpeRatio",
  "annualizedSharpeRatio",
  "totalPnl",
  "winRate",
  "avgPnl",
  "certaintyRatio",
  "maxDrawdown",
];

describe("rankByMetric properties", () => {
  it("is a stable permutation ordered best first with nulls last", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 6 }), { maxLength: 8 }),
        fc.constantFrom(...metrics),
        (lists, metric) => {
          const entries = lists.map((returns, index) => ({
            index,
            stats: computeStatistics(closedSeries(returns)),
          }));
          const ranked = rankByMetric(entries, metric);
          expect([...ranked].map((entry) => entry.index).sort((a, b) => a - b)).toEqual(
            entries.map((entry) => entry.index),
          );
          for (let position = 1; position < ranked.length; position++) {
            const previous = ranked[position - 1]!;
            const current = ranked[position]!;
            const left = previous.stats[metric];
            const right = current.stats[metric];
            if (left === null) expect(right).toBeNull();
            if (left === null || right === null) {
              if (left === right) expect(previous.index).toBeLessThan(current.index);
              continue;
            }
            if (metric === "maxDrawdown") expect(left).toBeLessThanOrEqual(right);
            else expect(left).toBeGreaterThanOrEqual(right);
            if (left === right) expect(previous.index).toBeLessThan(current.index);
          }
        },
      ),
    );
  });
});
