import { alignDown, CANDLE_INTERVALS, type CandleInterval, intervalToMs } from "@bt/core";
import { createFileExchange } from "@bt/exchange-file";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SAMPLE_DATA } from "./testFiles";

// The exchange contract invariants, checked on the file exchange over the bundled sample data for random
// (symbol, interval, since, limit) requests.
const JAN_1 = Date.UTC(2025, 0, 1);
const FEB_1 = Date.UTC(2025, 1, 1);

describe("file exchange satisfies the exchange contract invariants", () => {
  const exchange = createFileExchange({ dir: SAMPLE_DATA });

  it("finite OHLCV, low ≤ min(o,c), high ≥ max(o,c), volume ≥ 0, ascending aligned unique times, limit, since", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("BTCUSDT", "ETHUSDT"),
        fc.constantFrom<CandleInterval>(...CANDLE_INTERVALS),
        fc.integer({ min: JAN_1 - 86_400_000, max: FEB_1 + 3_600_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        async (symbol, interval, sinceMs, limit) => {
          const candles = await exchange.getCandles(symbol, interval, new Date(sinceMs), limit);
          const stepMs = intervalToMs(interval);
          // Plain checks collected into one assertion keep 150 runs × 3,000 candles fast.
          const problems: string[] = [];
          if (candles.length > limit) problems.push(`${candles.length} candles for limit ${limit}`);
          let previous = Number.NEGATIVE_INFINITY;
          for (const candle of candles) {
            const { timestamp, open, high, low, close, volume } = candle;
            const at = `${symbol} ${interval} ${timestamp}`;
            if (![timestamp, open, high, low, close, volume].every(Number.isFinite))
              problems.push(`${at}: not finite`);
            if (low > Math.min(open, close)) problems.push(`${at}: low above body`);
            if (high < Math.max(open, close)) problems.push(`${at}: high below body`);
            if (volume < 0) problems.push(`${at}: negative volume`);
            if (timestamp < sinceMs) problems.push(`${at}: before since ${sinceMs}`);
            if (timestamp <= previous) problems.push(`${at}: not ascending / duplicate`);
            if (alignDown(timestamp, interval) !== timestamp) problems.push(`${at}: not aligned`);
            // A complete candle: it closes no later than the end of the data.
            if (timestamp + stepMs > FEB_1) problems.push(`${at}: extends past the data`);
            previous = timestamp;
          }
          // Fewer than `limit` only when the data is exhausted: the next candle would end past the data.
          if (candles.length < limit) {
            const next =
              candles.length === 0
                ? alignDown(Math.max(sinceMs, JAN_1) + stepMs - 1, interval)
                : previous + stepMs;
            if (next + stepMs <= FEB_1)
              problems.push(`${symbol} ${interval}: short answer though ${next} exists`);
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
