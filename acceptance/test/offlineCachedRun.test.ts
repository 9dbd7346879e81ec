// Issue 18 acceptance ("offline import then run"): a user imported June 2025 into the candle cache and ran
// `--from 2025-06-01 --to 2025-07-01` with no network. The loader asked for 10,000-candle batches reaching
// past --to and for 2 days and 5 minutes before --from, so the run went to the network and failed. Here the
// cache (the real withCandleCache, on disk) holds exactly the frame's days and the exchange behind it is
// "offline": the run must finish, and not one request for a cached day may reach the exchange.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ICandleData, type IExchangeSchema, SILENT_LOGGER } from "@bt/core";
import { createEngine, getCandles } from "@bt/engine";
import { withCandleCache } from "@bt/exchange-file";
import { afterEach, describe, expect, it } from "vitest";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const JUNE = Date.UTC(2025, 5, 1);
const JULY = Date.UTC(2025, 6, 1);

/** Deterministic 1m candles of [fromMs, toMs). */
function minutes(fromMs: number, toMs: number): ICandleData[] {
  const candles: ICandleData[] = [];
  for (let timestamp = fromMs; timestamp < toMs; timestamp += MINUTE) {
    const index = (timestamp - JUNE) / MINUTE;
    const close = 100 + 8 * Math.sin(index / 300) + 2 * Math.sin(index / 17);
    candles.push({ timestamp, open: close, high: close + 0.2, low: close - 0.2, close, volume: 1 });
  }
  return candles;
}

let dir = "";
afterEach(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

describe("an offline run on an imported month", () => {
  it("reads the cached days only and never asks the exchange for them", async () => {
    dir = await mkdtemp(join(tmpdir(), "bt-offline-"));
    // "Import": the cache is filled with June, one day at a time, from a source that has June only.
    const june = minutes(JUNE, JULY);
    const source: IExchangeSchema = {
      exchangeName: "binance",
      async getCandles(_symbol, _interval, since, limit) {
        const from = june.findIndex((candle) => candle.timestamp >= since.getTime());
        return from === -1 ? [] : june.slice(from, from + limit);
      },
    };
    const importer = withCandleCache(source, { dir });
    for (let dayMs = JUNE; dayMs < JULY; dayMs += DAY) {
      expect(await importer.getCandles("BTCUSDT", "1m", new Date(dayMs), 1440)).toHaveLength(1440);
    }

    // The run: the same cache, no network behind it.
    const asked: number[] = [];
    const offline: IExchangeSchema = {
      exchangeName: "binance",
      async getCandles(_symbol, _interval, since) {
        asked.push(since.getTime());
        throw new Error("loading markets failed (no network)");
      },
    };
    const warnings: string[] = [];
    const engine = createEngine();
    engine.setLogger({ ...SILENT_LOGGER, warn: (message: string) => warnings.push(message) });
    engine.addExchange(withCandleCache(offline, { dir }));
    engine.addFrame({
      frameName: "june",
      interval: "1m",
      startDate: new Date(JUNE),
      endDate: new Date(JULY),
    });
    let calls = 0;
    engine.addStrategy({
      strategyName: "sma",
      interval: "15m",
      warmupCandles: 22,
      getSignal: async (symbol) => {
        calls++;
        const candles = await getCandles(symbol, "15m", 22);
        if (candles.length < 22) return null;
        const mean = (from: number) =>
          candles.slice(from).reduce((sum, candle) => sum + candle.close, 0) / (22 - from);
        const price = candles[21]?.close ?? 0;
        return mean(14) > mean(0)
          ? {
              position: "long",
              priceTakeProfit: price * 1.01,
              priceStopLoss: price * 0.99,
              minuteEstimatedTime: 240,
            }
          : null;
      },
    });
    const results = [];
    for await (const result of engine.Backtest.run("BTCUSDT", {
      strategyName: "sma",
      exchangeName: "binance",
      frameName: "june",
    })) {
      results.push(result);
    }

    expect(results.filter((result) => result.action === "closed").length).toBeGreaterThan(0);
    // Nothing at or after the frame end, no cached day: only the days before June 1 were tried, once.
    expect(asked.filter((sinceMs) => sinceMs >= JUNE)).toEqual([]);
    expect(asked.every((sinceMs) => sinceMs >= JUNE - DAY)).toBe(true);
    expect(warnings.join("\n")).toContain(
      "before the frame start 2025-06-01T00:00:00.000Z could not be loaded",
    );
    expect(warnings.join("\n")).toContain("starts at 2025-06-01T00:05:00.000Z");
    expect(calls).toBeGreaterThan(0);
  });
});
