import {
  accountLedger,
  computeEquityStatistics,
  DAY_MS,
  type IEquityPoint,
  type PositionFill,
  tradeMoney,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MINUTE, T0 } from "./closedFactory";
import { COSTS, moneyTrade } from "./moneyFixtures";

const priceArb = fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true });
const moveArb = fc.double({ min: -0.3, max: 0.3, noNaN: true, noDefaultInfinity: true });
const stakeArb = fc.double({ min: 0.01, max: 1_000_000, noNaN: true, noDefaultInfinity: true });
// 0 or a realistic percent: a subnormal fee makes a result so small that its money underflows to −0.
const percentArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true }));
const costsArb = fc.record({ feePercent: percentArb, slippagePercent: percentArb });

/** A trade: side, open price, a move to the close, optionally a DCA entry and a partial exit. */
const tradeArb = fc.record({
  position: fc.constantFrom("long" as const, "short" as const),
  priceOpen: priceArb,
  move: moveArb,
  dca: fc.option(fc.record({ move: moveArb, units: fc.double({ min: 0.1, max: 3, noNaN: true }) }), {
    nil: undefined,
  }),
  partial: fc.option(
    fc.record({ move: moveArb, fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }) }),
    {
      nil: undefined,
    },
  ),
  costs: costsArb,
  sized: fc.boolean(),
});

type TradeShape = typeof tradeArb extends fc.Arbitrary<infer T> ? T : never;

function build(trade: TradeShape, cost: number, index = 0) {
  const more: PositionFill[] = [];
  if (trade.dca !== undefined) {
    more.push({
      kind: "entry",
      price: trade.priceOpen * (1 + trade.dca.move),
      cost: trade.sized ? cost * trade.dca.units : trade.dca.units,
      at: T0 + MINUTE,
      source: "dca_ladder",
    });
  }
  if (trade.partial !== undefined) {
    more.push({
      kind: "exit",
      price: trade.priceOpen * (1 + trade.partial.move),
      fraction: trade.partial.fraction,
      at: T0 + 2 * MINUTE,
      reason: "partial_profit",
    });
  }
  return moneyTrade({
    position: trade.position,
    priceOpen: trade.priceOpen,
    priceClose: trade.priceOpen * (1 + trade.move),
    cost: trade.sized ? cost : null,
    moreFills: more,
    costs: trade.costs,
    openAt: T0 + index * 10 * MINUTE,
    closeAt: T0 + index * 10 * MINUTE + 5 * MINUTE + (index % 3) * 7 * MINUTE,
    symbol: index % 2 === 0 ? "BTCUSDT" : "ETHUSDT",
  });
}

const relative = (actual: number, expected: number, scale: number) =>
  Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(scale));

describe("tradeMoney properties", () => {
  it("gross − fees − slippage = pnlCost (1e-9 relative to the cost) for any fills and costs", () => {
    fc.assert(
      fc.property(tradeArb, stakeArb, (trade, stake) => {
        const money = tradeMoney(build(trade, stake), trade.sized ? null : stake, trade.costs);
        expect(money.unavailable).toEqual({});
        const split =
          (money.grossPnlCost as number) - (money.feeCost as number) - (money.slippageCost as number);
        expect(relative(split, money.pnlCost, money.cost)).toBe(true);
        expect(money.feeCost as number).toBeGreaterThanOrEqual(0);
        expect(money.slippageCost as number).toBeGreaterThanOrEqual(-1e-9 * money.cost);
      }),
    );
  });

  it("pnlCost has the sign of pnlPercentage", () => {
    fc.assert(
      fc.property(tradeArb, stakeArb, (trade, stake) => {
        const closed = build(trade, stake);
        const money = tradeMoney(closed, trade.sized ? null : stake, trade.costs);
        expect(Math.sign(money.pnlCost) + 0).toBe(Math.sign(closed.pnl.pnlPercentage) + 0);
      }),
    );
  });

  it("scaling the stake of an unsized trade scales every money figure by the same factor", () => {
    fc.assert(
      fc.property(
        tradeArb,
        stakeArb,
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        (trade, stake, factor) => {
          const unsized = { ...trade, sized: false };
          const closed = build(unsized, 1);
          const base = tradeMoney(closed, stake, trade.costs);
          const scaled = tradeMoney(closed, stake * factor, trade.costs);
          for (const key of ["cost", "pnlCost", "grossPnlCost", "feeCost", "slippageCost"] as const) {
            const expected = (base[key] as number) * factor;
            expect(relative(scaled[key] as number, expected, scaled.cost)).toBe(true);
          }
        },
      ),
    );
  });
});

describe("accountLedger properties", () => {
  it("the final balance is the initial balance plus Σ pnlCost, and balances run in close order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tradeArb, stakeArb), { maxLength: 12 }),
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        (trades, initialBalance) => {
          const entries = trades.map(([trade, stake], index) => ({
            closed: build({ ...trade, costs: COSTS }, stake, index),
            stake: trade.sized ? null : stake,
          }));
          const ledger = accountLedger(entries, initialBalance, COSTS);
          expect(ledger).toHaveLength(entries.length);
          const total = ledger.reduce((sum, row) => sum + row.pnlCost, 0);
          const last = ledger.at(-1)?.balanceAfter ?? initialBalance;
          expect(relative(last, initialBalance + total, initialBalance + Math.abs(total))).toBe(true);
          for (let index = 1; index < ledger.length; index++) {
            const previous = ledger[index - 1]!;
            const row = ledger[index]!;
            expect(row.closedAt).toBeGreaterThanOrEqual(previous.closedAt);
            expect(row.balanceAfter - previous.balanceAfter).toBeCloseTo(row.pnlCost, 6);
          }
          // The input order does not matter.
          const reversed = accountLedger([...entries].reverse(), initialBalance, COSTS);
          expect(reversed.map((row) => row.signalId)).toEqual(ledger.map((row) => row.signalId));
        },
      ),
    );
  });
});

/** Points with strictly increasing times inside [T0, T0 + days), equity ≥ 0. */
const curveArb = fc
  .record({
    days: fc.integer({ min: 1, max: 30 }),
    marks: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        equity: fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
      }),
      { maxLength: 60 },
    ),
    initialBalance: fc.double({ min: 1, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    tradeCount: fc.integer({ min: 0, max: 40 }),
  })
  .map(({ days, marks, initialBalance, tradeCount }) => {
    const span = days * DAY_MS;
    const points: IEquityPoint[] = marks
      .map((mark) => ({ timeMs: T0 + Math.floor(mark.at * span), equity: mark.equity }))
      .sort((left, right) => left.timeMs - right.timeMs);
    return {
      points,
      options: { periodStartMs: T0, periodEndMs: T0 + span, initialBalance, tradeCount },
    };
  });

describe("computeEquityStatistics properties", () => {
  it("maxDrawdownPercent is in [0, 100], the quote drawdown ≥ 0 and netProfit = endEquity − start", () => {
    fc.assert(
      fc.property(curveArb, ({ points, options }) => {
        const stats = computeEquityStatistics(points, options);
        expect(stats.maxDrawdownPercent).toBeGreaterThanOrEqual(0);
        expect(stats.maxDrawdownPercent).toBeLessThanOrEqual(100);
        expect(stats.maxDrawdownQuote).toBeGreaterThanOrEqual(0);
        expect(stats.netProfit).toBe(stats.endEquity - options.initialBalance);
        for (const key of [
          "annualizedSharpeRatio",
          "annualizedSortinoRatio",
          "expectedYearlyReturns",
          "calmarRatio",
        ] as const) {
          expect(stats[key] === null).toBe(stats.unavailable[key] !== undefined);
        }
      }),
    );
  });

  it("adding redundant points (equal to the previous equity, later in time) changes nothing", () => {
    fc.assert(
      fc.property(curveArb, fc.array(fc.nat(), { maxLength: 10 }), ({ points, options }, picks) => {
        const extended = [...points];
        for (const pick of picks) {
          const index = extended.length === 0 ? -1 : pick % extended.length;
          const previous = extended[index];
          const timeMs = previous === undefined ? options.periodStartMs : previous.timeMs;
          const equity = previous === undefined ? options.initialBalance : previous.equity;
          // Same time as the previous point (or later, up to the next one): the curve is unchanged.
          const next = extended[index + 1]?.timeMs ?? options.periodEndMs;
          const at = timeMs + Math.floor((next - timeMs) * ((pick % 7) / 7));
          extended.splice(index + 1, 0, { timeMs: at, equity });
        }
        expect(computeEquityStatistics(extended, options)).toEqual(computeEquityStatistics(points, options));
      }),
    );
  });

  it("a constant daily growth has no daily Sharpe (zero standard deviation), with the reason", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 60 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (days, growthPercent, hourShare) => {
          const points: IEquityPoint[] = [];
          let equity = 1000;
          for (let day = 0; day < days; day++) {
            equity *= 1 + growthPercent / 100;
            points.push({ timeMs: T0 + day * DAY_MS + Math.floor(hourShare * DAY_MS), equity });
          }
          const stats = computeEquityStatistics(points, {
            periodStartMs: T0,
            periodEndMs: T0 + days * DAY_MS,
            initialBalance: 1000,
            tradeCount: days,
          });
          expect(stats.annualizedSharpeRatio).toBeNull();
          expect(stats.unavailable.annualizedSharpeRatio).toBe("zero standard deviation of daily returns");
        },
      ),
    );
  });
});
