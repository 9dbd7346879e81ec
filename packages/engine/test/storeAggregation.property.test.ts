// The store's aggregation of its contiguous 1m columns equals core's aggregateCompleteBuckets bit for bit,
// for every interval, any start minute (a partial first bucket) and any length (a partial last one).

import { aggregateCompleteBuckets, CANDLE_INTERVALS, intervalToMs, MINUTE_MS } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CandleStore } from "../src/candles/candleStore";

const DAY_MINUTES = 1440;

describe("store aggregation", () => {
  it("equals aggregateCompleteBuckets for every interval", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 * DAY_MINUTES }),
        fc.integer({ min: 0, max: 3 * DAY_MINUTES }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (startMinute, count, seed) => {
          let state = seed;
          const next = () => {
            state = (state * 1103515245 + 12345) % 2 ** 31;
            return state / 2 ** 31;
          };
          const startMs = Date.UTC(2025, 0, 1) + startMinute * MINUTE_MS;
          const low = Float64Array.from({ length: count }, () => 100 + next() * 10);
          const minutes = {
            timestamp: Float64Array.from({ length: count }, (_, index) => startMs + index * MINUTE_MS),
            open: low.map((value) => value + next()),
            high: low.map((value) => value + 2 + next()),
            low,
            close: low.map((value) => value + next()),
            volume: Float64Array.from({ length: count }, () => (next() < 0.2 ? 0 : next() * 1e3)),
            count,
          };
          const store = new CandleStore("e", "S", minutes, startMs, startMs, 5);
          for (const interval of CANDLE_INTERVALS) {
            if (interval === "1m") continue;
            const expected = aggregateCompleteBuckets(minutes, MINUTE_MS, intervalToMs(interval));
            const actual = store.columns(interval);
            expect(actual.count).toBe(expected.timestamp.length);
            for (const field of ["timestamp", "open", "high", "low", "close", "volume"] as const) {
              expect(Array.from(actual[field].subarray(0, actual.count)), `${interval} ${field}`).toEqual(
                Array.from(expected[field]),
              );
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
