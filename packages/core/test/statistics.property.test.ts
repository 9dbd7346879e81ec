import {
  computeStatistics,
  DAY_MS,
  dailyReturnsPercent,
  STATISTIC_METRICS,
  type StatisticKey,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries, MINUTE, T0 } from "./closedFactory";

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
        // Null also when the losses round to 0 (dividing by them would give Infinity).
        if (stats.lossCount === 0) expect(stats.profitFactor).toBeNull();
        else if (stats.profitFactor !== null) expect(stats.profitFactor).toBeGreaterThanOrEqual(0);
        else expect(stats.unavailable.profitFactor).toMatch(/round to 0/);
        if (stats.winCount === 0 || stats.lossCount === 0) expect(stats.certaintyRatio).toBeNull();
        else if (stats.certaintyRatio !== null) expect(stats.certaintyRatio).toBeGreaterThanOrEqual(0);
        else expect(stats.unavailable.certaintyRatio).toMatch(/round to 0/);
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
          for (const { key } of STATISTIC_METRICS) {
            const expected = inOrder[key];
            if (expected === null) expect(reordered[key], key).toBeNull();
            else expect(reordered[key], key).toBeCloseTo(expected, 6);
            expect(reordered.unavailable[key], key).toBe(inOrder.unavailable[key]);
          }
        },
      ),
    );
  });
});

/** Trades at arbitrary close times (minutes from T0 over ~40 days) with arbitrary returns. */
const timedTradesArb = fc.array(
  fc.record({
    returnPercent: fc.double({ min: -30, max: 30, noNaN: true, noDefaultInfinity: true }),
    closeMinute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
    heldMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  }),
  { maxLength: 40 },
);

describe("null metrics always carry their reason", () => {
  it("value null ⇔ unavailable[key] is a non-empty string, for every metric of STATISTIC_METRICS", () => {
    fc.assert(
      fc.property(timedTradesArb, fc.boolean(), (trades, withPeriod) => {
        const closed = trades.map((trade) =>
          closedResult({
            pnlPercent: trade.returnPercent,
            openAt: T0 + (trade.closeMinute - trade.heldMinutes) * MINUTE,
            closeAt: T0 + trade.closeMinute * MINUTE,
          }),
        );
        const stats = computeStatistics(
          closed,
          withPeriod ? { periodStartMs: T0 - DAY_MS, periodEndMs: T0 + 45 * DAY_MS } : {},
        );
        for (const { key } of STATISTIC_METRICS) {
          const reason = stats.unavailable[key];
          if (stats[key] === null) expect(reason, key).toMatch(/\S/);
          else {
            expect(reason, key).toBeUndefined();
            expect(Number.isFinite(stats[key]), key).toBe(true);
          }
        }
        const listed = new Set<StatisticKey>(STATISTIC_METRICS.map((metric) => metric.key));
        for (const key of Object.keys(stats.unavailable)) expect(listed.has(key as StatisticKey)).toBe(true);
      }),
    );
  });

  it("annualised figures are null below 10 trades or 14 days, whatever the returns", () => {
    fc.assert(
      fc.property(timedTradesArb, fc.integer({ min: 1, max: 20 * 24 * 60 }), (trades, periodMinutes) => {
        const closed = trades.map((trade) =>
          closedResult({
            pnlPercent: trade.returnPercent,
            openAt: T0,
            closeAt: T0 + Math.min(trade.closeMinute, periodMinutes) * MINUTE,
          }),
        );
        const stats = computeStatistics(closed, {
          periodStartMs: T0,
          periodEndMs: T0 + periodMinutes * MINUTE,
        });
        if (trades.length < 10 || periodMinutes * MINUTE < 14 * DAY_MS) {
          for (const key of [
            "annualizedSharpeRatio",
            "annualizedSortinoRatio",
            "expectedYearlyReturns",
            "calmarRatio",
          ] as const) {
            expect(stats[key], key).toBeNull();
            expect(stats.unavailable[key], key).toMatch(/needs ≥/);
          }
        }
      }),
    );
  });
});

describe("dailyReturnsPercent properties", () => {
  it("compounds back to the final closed-trade equity and has one return per day", () => {
    fc.assert(
      fc.property(
        timedTradesArb,
        fc.integer({ min: -3 * 24 * 60, max: 24 * 60 }),
        fc.integer({ min: 1, max: 45 * 24 * 60 }),
        (trades, startMinute, lengthMinutes) => {
          const startMs = T0 + startMinute * MINUTE;
          const endMs = startMs + lengthMinutes * MINUTE;
          const daily = dailyReturnsPercent(
            trades.map((trade) => ({
              closedAt: T0 + trade.closeMinute * MINUTE,
              returnPercent: trade.returnPercent,
            })),
            startMs,
            endMs,
          );
          const midnightsInside = Math.ceil(endMs / DAY_MS) - Math.floor(startMs / DAY_MS) - 1;
          expect(daily).toHaveLength(midnightsInside + 1);
          const compounded = daily.reduce((equity, value) => equity * (1 + value / 100), 1);
          const final = trades.reduce(
            (equity, trade) => Math.max(0, equity * (1 + trade.returnPercent / 100)),
            1,
          );
          // Relative: 40 trades of ±30 % reach equities of 10^4.
          if (final === 0) expect(compounded).toBe(0);
          else expect(compounded / final).toBeCloseTo(1, 9);
        },
      ),
    );
  });
});
