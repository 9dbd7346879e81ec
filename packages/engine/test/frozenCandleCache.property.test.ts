// getCandles' object cache: any sequence of windows (forward, backward, overlapping, with gaps, wider than
// what it keeps) gives the column values of exactly those indexes, frozen; a window overlapping the one
// before shares its objects; the cache never holds more than the widest window plus KEPT_CANDLES_BEHIND.

import { allocateCandleColumns } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrozenCandleCache, KEPT_CANDLES_BEHIND } from "../src/candles/candleWindow";

const ROWS = 8192;

function columns() {
  const built = allocateCandleColumns(ROWS);
  for (let index = 0; index < ROWS; index++) {
    built.timestamp[index] = index * 60_000;
    built.open[index] = index + 0.1;
    built.high[index] = index + 0.4;
    built.low[index] = index;
    built.close[index] = index + 0.2;
    built.volume[index] = index + 0.3;
  }
  return built;
}

describe("FrozenCandleCache", () => {
  const source = columns();

  it("returns the candles of every window asked, shared with the window before where they overlap", () => {
    const windows = fc.array(
      fc.oneof(
        // Mostly a step forward, as a backtest asks; sometimes a jump anywhere, a wide or an empty window.
        fc.record({ step: fc.integer({ min: 0, max: 3 }), length: fc.integer({ min: 0, max: 40 }) }),
        fc.record({ at: fc.integer({ min: 0, max: ROWS }), length: fc.integer({ min: 0, max: 6000 }) }),
      ),
      { minLength: 1, maxLength: 120 },
    );
    fc.assert(
      fc.property(windows, (asked) => {
        const cache = new FrozenCandleCache(source);
        let end = 0;
        let widest = 0;
        let previous: { start: number; candles: ReturnType<FrozenCandleCache["candles"]> } | null = null;
        for (const window of asked) {
          end = Math.min(ROWS, "step" in window ? end + window.step : window.at);
          const start = Math.max(0, end - window.length);
          const candles = cache.candles(start, end);
          expect(candles).toHaveLength(end - start);
          let wrong = 0;
          for (const [offset, candle] of candles.entries()) {
            const index = start + offset;
            const { timestamp, open, high, low, close, volume } = candle;
            if (
              !Object.isFrozen(candle) ||
              timestamp !== index * 60_000 ||
              open !== index + 0.1 ||
              high !== index + 0.4 ||
              low !== index ||
              close !== index + 0.2 ||
              volume !== index + 0.3
            )
              wrong++;
          }
          expect(wrong).toBe(0);
          if (previous !== null && start >= previous.start) {
            const shared = previous.candles.slice(start - previous.start);
            for (const [offset, candle] of shared.slice(0, candles.length).entries()) {
              expect(candles[offset]).toBe(candle);
            }
          }
          widest = Math.max(widest, end - start);
          const held = (cache as unknown as { objects: unknown[] }).objects.length;
          expect(held).toBeLessThanOrEqual(widest + KEPT_CANDLES_BEHIND);
          previous = { start, candles };
        }
      }),
      { numRuns: 150 },
    );
  });
});
