// The store's price column (the rolling pass for the default 5-candle window, the direct one otherwise)
// holds exactly core's averagePrice of the N closed 1m candles before each minute, bit for bit, also for
// windows without volume (mean of closes).

import { averagePrice, COLUMN_KERNEL_CHUNK_ROWS, type ICandleData } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CandleStore } from "../src/candles/candleStore";

const MINUTE = 60_000;

function storeOf(candles: ICandleData[], priceCandleCount: number): CandleStore {
  const pick = (field: keyof ICandleData) => Float64Array.from(candles, (candle) => candle[field]);
  const minutes = {
    timestamp: pick("timestamp"),
    open: pick("open"),
    high: pick("high"),
    low: pick("low"),
    close: pick("close"),
    volume: pick("volume"),
    count: candles.length,
  };
  return new CandleStore("mem", "BTCUSDT", minutes, 0, 0, priceCandleCount);
}

const candle = fc
  .tuple(
    fc.double({ min: 0.01, max: 100_000, noNaN: true }),
    fc.double({ min: 0.01, max: 100_000, noNaN: true }),
    fc.double({ min: 0.01, max: 100_000, noNaN: true }),
    // Zero volume often, so whole windows fall back to the mean of closes.
    fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
  )
  .map(([a, b, c, volume]) => {
    const [low, close, high] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
    return { open: close, high, low, close, volume };
  });

describe("CandleStore price column", () => {
  it.each([5, 1, 3, 8])("equals averagePrice of the %i closed candles before each minute", (count) => {
    fc.assert(
      fc.property(fc.array(candle, { maxLength: 80 }), (rows) => {
        const candles = rows.map((row, index) => ({ timestamp: index * MINUTE, ...row }));
        const store = storeOf(candles, count);
        expect(store.prices.length).toBe(candles.length + 1);
        for (let index = 0; index <= candles.length; index++) {
          const expected = index < count ? Number.NaN : averagePrice(candles.slice(index - count, index));
          expect(Object.is(store.prices[index], expected)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("CandleStore price column across kernel chunks", () => {
  it("equals averagePrice before every minute of a series of several COLUMN_KERNEL_CHUNK_ROWS chunks", () => {
    const count = 2 * COLUMN_KERNEL_CHUNK_ROWS + 123;
    const [rows] = fc.sample(fc.array(candle, { minLength: count, maxLength: count }), {
      numRuns: 1,
      seed: 7,
    });
    const candles = (rows ?? []).map((row, index) => ({ timestamp: index * MINUTE, ...row }));
    const store = storeOf(candles, 5);
    for (let index = 0; index <= candles.length; index++) {
      const expected = index < 5 ? Number.NaN : averagePrice(candles.slice(index - 5, index));
      if (!Object.is(store.prices[index], expected))
        expect({ index, price: store.prices[index] }).toEqual({ index, price: expected });
    }
  });
});
