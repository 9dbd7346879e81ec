// Look-ahead on the fetch path: an exchange that ignores `limit` and returns the still-forming candle
// and candles after it. getCandles must drop them wherever it asks the exchange: in backtest when the
// preloaded store does not cover the request, in a live-like context (no store at all), and in
// Live.run itself.

import { runInContext } from "@bt/context";
import {
  alignDown,
  CANDLE_INTERVALS,
  type CandleInterval,
  DEFAULT_CONFIG,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
  SILENT_LOGGER,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { createSimulatedClock, getCandles } from "../src/index";
import { attachRuntime } from "../src/run/runRuntime";
import { collect, createTestEngine, MINUTE, T0 } from "./helpers";

/** Price of the candle opening at `timestampMs` (deterministic, positive). */
function priceAt(timestampMs: number): number {
  return 100 + ((timestampMs / MINUTE) % 97) / 10;
}

/**
 * An exchange for every interval that returns `limit + 5` candles from `since`: the requested ones,
 * then the forming candle and four candles from the future (an exchange that leaks what is not closed).
 */
function leakyExchange(exchangeName: string): IExchangeSchema & { asked: CandleInterval[] } {
  const asked: CandleInterval[] = [];
  return {
    exchangeName,
    asked,
    async getCandles(_symbol, interval, since, limit) {
      asked.push(interval);
      const stepMs = intervalToMs(interval);
      const candles: ICandleData[] = [];
      for (let index = 0; index < limit + 5; index++) {
        const timestamp = since.getTime() + index * stepMs;
        const price = priceAt(timestamp);
        candles.push({ timestamp, open: price, high: price, low: price, close: price, volume: 1 });
      }
      return candles;
    },
  };
}

/** Problems of `candles` as the answer to getCandles(interval, limit) at `whenMs`; [] when right. */
function lookAheadProblems(candles: ICandleData[], interval: CandleInterval, limit: number, whenMs: number) {
  const stepMs = intervalToMs(interval);
  const endMs = alignDown(whenMs, interval);
  const problems: string[] = [];
  if (candles.length !== limit) problems.push(`${interval}: ${candles.length} candles, asked ${limit}`);
  for (const candle of candles) {
    if (candle.timestamp >= endMs) {
      problems.push(
        `${interval}: candle ${new Date(candle.timestamp).toISOString()} not closed at ${new Date(whenMs).toISOString()}`,
      );
    }
  }
  if (candles.at(-1)?.timestamp !== endMs - stepMs)
    problems.push(`${interval}: last candle is not the one before the forming one`);
  return problems;
}

const PROBE_TIMES = [0, 7, 60, 61, 1439].map((minute) => T0 + 1440 * MINUTE + minute * MINUTE);

describe("look-ahead through the exchange fetch", () => {
  it("a live-like context (no preloaded store) drops the forming candle and later ones, every interval", async () => {
    const exchange = leakyExchange("leaky");
    const method = Object.freeze({ strategyName: "probe", exchangeName: "leaky", frameName: "" });
    attachRuntime(method, { exchange, store: undefined, config: DEFAULT_CONFIG, logger: SILENT_LOGGER });
    const problems: string[] = [];
    for (const whenMs of PROBE_TIMES) {
      for (const interval of CANDLE_INTERVALS) {
        const candles = await runInContext(
          { symbol: "BTCUSDT", when: new Date(whenMs), backtest: false },
          method,
          () => getCandles("BTCUSDT", interval, 3),
        );
        problems.push(...lookAheadProblems(candles, interval, 3, whenMs));
      }
    }
    expect(problems).toEqual([]);
    expect(new Set(exchange.asked)).toEqual(new Set(CANDLE_INTERVALS));
  });

  it("backtest: a request beyond the preloaded warm-up goes to the exchange and still sees nothing at or after `when`", async () => {
    const engine = createTestEngine();
    const exchange = leakyExchange("leaky");
    engine.addExchange(exchange);
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 30 * MINUTE),
    });
    const problems: string[] = [];
    let checks = 0;
    engine.addStrategy({
      strategyName: "probe",
      interval: "5m",
      getSignal: async (symbol, when) => {
        for (const interval of ["1m", "15m", "1h"] as const) {
          // 50 candles reach before the 10-minute warm-up: the store cannot answer.
          problems.push(
            ...lookAheadProblems(await getCandles(symbol, interval, 50), interval, 50, when.getTime()),
          );
          checks++;
        }
        return null;
      },
    });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "probe", exchangeName: "leaky", frameName: "f" },
        { warmupMinutes: 10 },
      ),
    );
    expect(checks).toBe(18);
    expect(problems).toEqual([]);
    expect(exchange.asked).toContain("15m");
  });

  it("Live.run: getCandles in getSignal and the tick price never use the forming candle", async () => {
    const engine = createTestEngine();
    const exchange = leakyExchange("leaky");
    engine.addExchange(exchange);
    const problems: string[] = [];
    let checks = 0;
    engine.addStrategy({
      strategyName: "probe",
      interval: "1m",
      getSignal: async (symbol, when) => {
        for (const interval of ["1m", "5m", "1h"] as const) {
          problems.push(
            ...lookAheadProblems(await getCandles(symbol, interval, 4), interval, 4, when.getTime()),
          );
          checks++;
        }
        return null;
      },
    });
    const prices: Array<[number, number]> = [];
    engine.listenSignalLive((result) => {
      prices.push([result.timestamp, result.currentPrice]);
    });
    const startMs = T0 + 1440 * MINUTE;
    await collect(
      engine.Live.run(
        "BTCUSDT",
        { strategyName: "probe", exchangeName: "leaky" },
        { clock: createSimulatedClock(startMs), stopAt: startMs + 5 * MINUTE, candleWaitMs: 0 },
      ),
    );
    expect(checks).toBe(15);
    expect(problems).toEqual([]);
    await engine.waitForListeners();
    // The tick price is the VWAP of the five closed 1m candles before the tick (flat candles, volume 1).
    const expected = (tickMs: number) =>
      [1, 2, 3, 4, 5].reduce((sum, back) => sum + priceAt(tickMs - back * MINUTE), 0) / 5;
    expect(prices).toHaveLength(5);
    for (const [tickMs, price] of prices) expect(price).toBeCloseTo(expected(tickMs), 10);
  });
});
