// The store's price column (one pass, a ring of per-candle terms) is bit-identical to core's
// averagePriceOfColumns and averagePrice over the same candles, zero-volume windows included.

import { averagePrice, averagePriceOfColumns, type ICandleData, MINUTE_MS } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CandleStore } from "../src/candles/candleStore";

const candle = fc.record({
  low: fc.double({ min: 1, max: 1e6, noNaN: true }),
  spread: fc.double({ min: 0, max: 1e3, noNaN: true }),
  volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true })),
});

describe("store price column", () => {
  it("equals averagePriceOfColumns and averagePrice bit for bit", () => {
    fc.assert(
      fc.property(
        fc.array(candle, { minLength: 0, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, n) => {
          const count = rows.length;
          const columns = {
            timestamp: Float64Array.from(rows, (_, index) => index * MINUTE_MS),
            open: Float64Array.from(rows, (row) => row.low),
            high: Float64Array.from(rows, (row) => row.low + row.spread),
            low: Float64Array.from(rows, (row) => row.low),
            close: Float64Array.from(rows, (row) => row.low + row.spread / 2),
            volume: Float64Array.from(rows, (row) => row.volume),
            count,
          };
          const store = new CandleStore("e", "S", columns, 0, 0, n);
          const records: ICandleData[] = rows.map((_, index) => ({
            timestamp: columns.timestamp[index]!,
            open: columns.open[index]!,
            high: columns.high[index]!,
            low: columns.low[index]!,
            close: columns.close[index]!,
            volume: columns.volume[index]!,
          }));
          for (let index = 0; index <= count; index++) {
            const price = store.prices[index]!;
            if (index < n) {
              expect(price).toBeNaN();
              continue;
            }
            const { high, low, close, volume } = columns;
            expect(Object.is(price, averagePriceOfColumns(high, low, close, volume, index - n, index))).toBe(
              true,
            );
            expect(Object.is(price, averagePrice(records.slice(index - n, index)))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
