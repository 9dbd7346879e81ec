import { computePnlPercent, computeStatistics, markedMaxDrawdownPercent } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closedResult, MINUTE, T0 } from "./closedFactory";

const NO_COSTS = { feePercent: 0, slippagePercent: 0 };

/** Prices per minute from T0: `values[i]` at T0 + i minutes. */
function minutePrices(values: number[]): Float64Array {
  return Float64Array.from(values);
}

describe("markedMaxDrawdownPercent", () => {
  it("sees the drawdown inside a trade that closed-trade equity misses (hand-computed)", () => {
    // One long from 100 (minute 0) closing at 102 (+2 %) at minute 4; the price dips to 90 at minute 2.
    // Marked equity: 1, 0.99 (m1 at 99), 0.90 (m2 at 90), 0.95 (m3 at 95), then 1.02 at the close.
    // Peak 1 → trough 0.90: 10 %. Closed-trade equity only rises: 0 %.
    const closed = [
      closedResult({ pnlPercent: 2, openAt: T0, closeAt: T0 + 4 * MINUTE, priceOpen: 100, position: "long" }),
    ];
    const prices = minutePrices([100, 99, 90, 95, 102, 102]);
    expect(markedMaxDrawdownPercent(closed, prices, T0, NO_COSTS)).toBeCloseTo(10, 12);
    const stats = computeStatistics(closed, { markedMaxDrawdownPercent: 10 });
    expect(stats.maxDrawdown).toBe(0);
    expect(stats.maxDrawdownMarked).toBe(10);
  });

  it("marks a short the other way and compounds across trades", () => {
    // Trade 1: long +10 % (100 → 110) at minute 2, no dip. Equity 1.10 (peak).
    // Trade 2: short from 110 at minute 3, price rises to 121 at minute 4 (unrealized −10 %): equity
    // 1.10 · 0.90 = 0.99, drawdown (1.10 − 0.99) / 1.10 = 10 %; it closes at minute 5 at 110 (0 %).
    const closed = [
      closedResult({
        pnlPercent: 10,
        openAt: T0,
        closeAt: T0 + 2 * MINUTE,
        priceOpen: 100,
        position: "long",
      }),
      closedResult({
        pnlPercent: 0,
        openAt: T0 + 3 * MINUTE,
        closeAt: T0 + 5 * MINUTE,
        priceOpen: 110,
        position: "short",
      }),
    ];
    const prices = minutePrices([100, 105, 110, 110, 121, 110]);
    expect(markedMaxDrawdownPercent(closed, prices, T0, NO_COSTS)).toBeCloseTo(10, 12);
  });

  it("counts costs at each mark (the liquidation value) and skips unknown prices", () => {
    // Long at 100; the mark at minute 0 (price 100) is what closing then returns with 0.1 % fee and 0.1 %
    // slippage: open' = 100.1, close' = 99.9, (99.9 − 100.1)/100.1·100 − 0.1·(1 + 99.9/100.1)
    // = −0.19980 − 0.19980 = −0.39960 %. Minute 1 has no price (NaN, skipped); the close at minute 2 loses
    // only 0.1 %, so the deepest point is the mark: 0.39960 %.
    const costs = { feePercent: 0.1, slippagePercent: 0.1 };
    const closed = [closedResult({ pnlPercent: -0.1, openAt: T0, closeAt: T0 + 2 * MINUTE, priceOpen: 100 })];
    const prices = minutePrices([100, Number.NaN, 100]);
    const expected = -((99.9 - 100.1) / 100.1) * 100 + 0.1 * (1 + 99.9 / 100.1);
    expect(markedMaxDrawdownPercent(closed, prices, T0, costs)).toBeCloseTo(expected, 9);
    expect(expected).toBeCloseTo(0.3996, 4);
  });

  it("is N/A with a reason when the caller has no minute prices", () => {
    const stats = computeStatistics([closedResult({ pnlPercent: 1, openAt: T0, closeAt: T0 + MINUTE })]);
    expect(stats.maxDrawdownMarked).toBeNull();
    expect(stats.unavailable.maxDrawdownMarked).toMatch(/minute prices/);
  });
});

describe("markedMaxDrawdownPercent properties", () => {
  /** The definition written out: every open minute marked with computePnlPercent itself. */
  function reference(
    trades: Array<{ position: "long" | "short"; open: number; close: number; pnl: number }>,
    prices: Float64Array,
    costs: { feePercent: number; slippagePercent: number },
  ): number {
    let equity = 1;
    let peak = 1;
    let deepest = 0;
    const mark = (value: number) => {
      peak = Math.max(peak, value);
      deepest = Math.max(deepest, ((peak - Math.max(0, value)) / peak) * 100);
    };
    for (const trade of trades) {
      for (let index = trade.open; index < trade.close; index++) {
        mark(
          equity *
            (1 +
              computePnlPercent(
                trade.position,
                prices[trade.open] as number,
                prices[index] as number,
                costs,
              ) /
                100),
        );
      }
      equity = Math.max(0, equity * (1 + trade.pnl / 100));
      mark(equity);
    }
    return deepest;
  }

  it("equals the minute-by-minute definition with computePnlPercent, for longs and shorts with costs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 50, max: 150, noNaN: true }), { minLength: 30, maxLength: 80 }),
        fc.array(
          fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 6 }), fc.double({ min: -5, max: 5, noNaN: true })),
          {
            maxLength: 8,
          },
        ),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (values, legs, feePercent, slippagePercent) => {
          const prices = Float64Array.from(values);
          const costs = { feePercent, slippagePercent };
          const trades: Array<{ position: "long" | "short"; open: number; close: number; pnl: number }> = [];
          let minute = 0;
          for (const [isLong, length, pnl] of legs) {
            if (minute + length >= prices.length) break;
            trades.push({ position: isLong ? "long" : "short", open: minute, close: minute + length, pnl });
            minute += length + 1;
          }
          const closed = trades.map((trade) =>
            closedResult({
              pnlPercent: trade.pnl,
              openAt: T0 + trade.open * MINUTE,
              closeAt: T0 + trade.close * MINUTE,
              priceOpen: prices[trade.open] as number,
              position: trade.position,
            }),
          );
          expect(markedMaxDrawdownPercent(closed, prices, T0, costs)).toBeCloseTo(
            reference(trades, prices, costs),
            9,
          );
        },
      ),
    );
  });
});
