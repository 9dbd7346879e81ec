import { averagePrice, averagePriceOfColumns, type ICandleData } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

function candle(high: number, low: number, close: number, volume: number, minute = 0): ICandleData {
  return { timestamp: minute * 60_000, open: close, high, low, close, volume };
}

/** Splits candles into the columns averagePriceOfColumns reads. */
function columns(candles: ReadonlyArray<ICandleData>) {
  return {
    high: Float64Array.from(candles, (c) => c.high),
    low: Float64Array.from(candles, (c) => c.low),
    close: Float64Array.from(candles, (c) => c.close),
    volume: Float64Array.from(candles, (c) => c.volume),
  };
}

describe("averagePrice (VWAP of the typical price)", () => {
  it("weights the typical price (h+l+c)/3 by volume", () => {
    // typical prices: (12+8+10)/3 = 10 and (22+18+20)/3 = 20; VWAP = (10·1 + 20·3)/(1+3) = 70/4 = 17.5
    expect(averagePrice([candle(12, 8, 10, 1), candle(22, 18, 20, 3)])).toBeCloseTo(17.5, 12);
  });

  it("uses the typical price, not the close", () => {
    // typical (30+0.5+1)/3 = 10.5 while the close is 1
    expect(averagePrice([candle(30, 0.5, 1, 2)])).toBeCloseTo(10.5, 12);
  });

  it("falls back to the mean of closes when the window has no volume", () => {
    // (10 + 20 + 36)/3 = 22
    expect(averagePrice([candle(12, 8, 10, 0), candle(22, 18, 20, 0), candle(40, 30, 36, 0)])).toBeCloseTo(
      22,
      12,
    );
  });

  it("gives zero-volume candles no weight when others have volume", () => {
    expect(averagePrice([candle(12, 8, 10, 0), candle(22, 18, 20, 5)])).toBeCloseTo(20, 12);
  });

  it("is NaN for an empty window", () => {
    expect(averagePrice([])).toBeNaN();
    expect(averagePriceOfColumns([], [], [], [], 0, 0)).toBeNaN();
  });

  it("the columns twin reads only [from, to)", () => {
    const candles = [
      candle(1000, 900, 950, 9),
      candle(12, 8, 10, 1),
      candle(22, 18, 20, 3),
      candle(5, 1, 2, 7),
    ];
    const { high, low, close, volume } = columns(candles);
    expect(averagePriceOfColumns(high, low, close, volume, 1, 3)).toBeCloseTo(17.5, 12);
  });

  it("the columns twin equals the object version on random windows", () => {
    const arbitraryCandle = fc
      .record({
        low: fc.double({ min: 0.01, max: 1000, noNaN: true }),
        spread: fc.double({ min: 0, max: 1, noNaN: true }),
        closeAt: fc.double({ min: 0, max: 1, noNaN: true }),
        // Real volumes are never subnormal (a 5e-324 volume underflows typical·volume to 0).
        volume: fc.oneof(fc.constant(0), fc.double({ min: 1e-8, max: 1e6, noNaN: true })),
      })
      .map(({ low, spread, closeAt, volume }) => {
        const high = low * (1 + spread);
        return candle(high, low, low + (high - low) * closeAt, volume);
      });
    fc.assert(
      fc.property(
        fc.array(arbitraryCandle, { minLength: 1, maxLength: 12 }),
        fc.nat(3),
        (candles, padding) => {
          const padded = [...Array.from({ length: padding }, () => candle(9999, 9998, 9999, 1)), ...candles];
          const { high, low, close, volume } = columns(padded);
          const expected = averagePrice(candles);
          expect(averagePriceOfColumns(high, low, close, volume, padding, padded.length)).toBe(expected);
          // A VWAP lies within the lows and highs of its window.
          expect(expected).toBeGreaterThanOrEqual(Math.min(...candles.map((c) => c.low)) * (1 - 1e-12));
          expect(expected).toBeLessThanOrEqual(Math.max(...candles.map((c) => c.high)) * (1 + 1e-12));
        },
      ),
      { numRuns: 300 },
    );
  });
});
