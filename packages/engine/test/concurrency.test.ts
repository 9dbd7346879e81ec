// Two backtests running at the same time in one process produce exactly the results they produce
// alone: different symbols, and the same symbol with different strategies.

import type { IStrategySchema, IStrategyTickResult } from "@bt/core";
import { describe, expect, it } from "vitest";
import { getCandles, getDate } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, T0, wigglyCandles } from "./helpers";

const MINUTES = 3 * 1440;

function smaStrategy(strategyName: string, fast: number, slow: number): IStrategySchema {
  return {
    strategyName,
    interval: "15m",
    getSignal: async (symbol, when) => {
      const candles = await getCandles(symbol, "15m", slow);
      // Yield to the event loop so concurrent runs interleave inside user code.
      await new Promise((resolve) => setImmediate(resolve));
      expect(getDate().getTime()).toBe(when.getTime());
      if (candles.length < slow) return null;
      const mean = (count: number) =>
        candles.slice(-count).reduce((sum, candle) => sum + candle.close, 0) / count;
      const price = candles.at(-1)!.close;
      if (mean(fast) > mean(slow)) {
        return {
          position: "long",
          priceTakeProfit: price * 1.01,
          priceStopLoss: price * 0.99,
          minuteEstimatedTime: 240,
        };
      }
      return {
        position: "short",
        priceTakeProfit: price * 0.99,
        priceStopLoss: price * 1.01,
        minuteEstimatedTime: 240,
      };
    },
  };
}

function setup() {
  const engine = createTestEngine();
  const btc = wigglyCandles(T0 - 1440 * MINUTE, MINUTES + 1440);
  const eth = wigglyCandles(T0 - 1440 * MINUTE, MINUTES + 1440 + 500)
    .slice(500)
    .map((candle, index) => ({
      ...candle,
      timestamp: T0 - 1440 * MINUTE + index * MINUTE,
    }));
  engine.addExchange(memoryExchange("mem", { BTCUSDT: btc, ETHUSDT: eth }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + MINUTES * MINUTE),
  });
  engine.addStrategy(smaStrategy("fastSlow", 3, 8));
  engine.addStrategy(smaStrategy("other", 5, 20));
  return engine;
}

const run = (engine: ReturnType<typeof setup>, symbol: string, strategyName: string) =>
  collect(
    engine.Backtest.run(
      symbol,
      { strategyName, exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 1440 },
    ),
  );

const fingerprint = (results: IStrategyTickResult[]) => JSON.stringify(results);

describe("concurrent backtests", () => {
  it("different symbols: the same results as alone", async () => {
    const aloneBtc = await run(setup(), "BTCUSDT", "fastSlow");
    const aloneEth = await run(setup(), "ETHUSDT", "fastSlow");
    expect(aloneBtc.length).toBeGreaterThan(10);
    expect(fingerprint(aloneBtc)).not.toBe(fingerprint(aloneEth));
    const engine = setup();
    const [btc, eth] = await Promise.all([
      run(engine, "BTCUSDT", "fastSlow"),
      run(engine, "ETHUSDT", "fastSlow"),
    ]);
    expect(fingerprint(btc)).toBe(fingerprint(aloneBtc));
    expect(fingerprint(eth)).toBe(fingerprint(aloneEth));
  });

  it("same symbol, different strategies: the same results as alone, one candle load shared", async () => {
    const aloneA = await run(setup(), "BTCUSDT", "fastSlow");
    const aloneB = await run(setup(), "BTCUSDT", "other");
    const engine = setup();
    const [a, b] = await Promise.all([run(engine, "BTCUSDT", "fastSlow"), run(engine, "BTCUSDT", "other")]);
    expect(fingerprint(a)).toBe(fingerprint(aloneA));
    expect(fingerprint(b)).toBe(fingerprint(aloneB));
  });
});
