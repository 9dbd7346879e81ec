// The walker runs every strategy over one candle load, ranks them by the metric, reports a failing
// strategy and still runs the others.

import type { ISignalDto } from "@bt/core";
import { describe, expect, it } from "vitest";
import { createEngine, getAveragePrice, type IWalkerProgressEvent, type IWalkerResult } from "../src/index";
import { flush, MINUTE, memoryExchange, series, T0 } from "./helpers";

/** A 14-minute position with far-away TP/SL (within the validation limits). */
async function hold(symbol: string, position: "long" | "short"): Promise<ISignalDto> {
  const price = await getAveragePrice(symbol);
  return position === "long"
    ? { position, priceTakeProfit: price * 1.5, priceStopLoss: price * 0.9, minuteEstimatedTime: 14 }
    : { position, priceTakeProfit: price * 0.5, priceStopLoss: price * 1.1, minuteEstimatedTime: 14 };
}

describe("walker", () => {
  it("ranks by metric, shares one candle load, survives a throwing strategy", async () => {
    const engine = createEngine();
    // Rising 100 → 101 → 102 … one point every 10 minutes.
    const exchange = memoryExchange("mem", {
      BTCUSDT: series(-5, 240, (m) => 100 + Math.floor(Math.max(0, m) / 10)),
    });
    engine.addExchange(exchange);
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 240 * MINUTE),
    });
    engine.addStrategy({
      strategyName: "longer",
      interval: "15m",
      getSignal: (symbol) => hold(symbol, "long"),
    });
    engine.addStrategy({
      strategyName: "shorter",
      interval: "15m",
      getSignal: (symbol) => hold(symbol, "short"),
    });
    engine.addStrategy({
      strategyName: "thrower",
      interval: "15m",
      getSignal: async () => {
        throw new Error("thrower failed");
      },
    });
    engine.addWalker({
      walkerName: "w",
      strategies: ["shorter", "thrower", "longer"],
      exchangeName: "mem",
      frameName: "f",
      metric: "totalPnl",
    });
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    const done: IWalkerResult[] = [];
    engine.listenDoneWalker((result) => {
      done.push(result);
    });
    const progress: IWalkerProgressEvent[] = [];
    const generator = engine.Walker.run("BTCUSDT", { walkerName: "w" }, { warmupMinutes: 5 });
    let final: IWalkerResult | undefined;
    for (;;) {
      const step = await generator.next();
      if (step.done) {
        final = step.value;
        break;
      }
      progress.push(step.value);
    }
    await flush();
    expect(progress.map((event) => [event.strategyName, event.strategiesTested, event.bestStrategy])).toEqual(
      [
        ["shorter", 1, "shorter"],
        ["thrower", 2, "thrower"],
        ["longer", 3, "longer"],
      ],
    );
    expect(errors.filter((message) => message === "thrower failed")).toHaveLength(16);
    expect(final?.bestStrategy).toBe("longer");
    expect(final?.results.map((entry) => entry.strategyName)).toEqual(["longer", "thrower", "shorter"]);
    expect(final?.results[0]?.stats?.tradeCount).toBe(16);
    expect(final?.results[0]?.stats?.totalPnl).toBeGreaterThan(0);
    expect(final?.results[1]?.stats?.tradeCount).toBe(0);
    expect(final?.results[2]?.stats?.totalPnl).toBeLessThan(0);
    expect(done).toEqual([final]);
    expect(engine.Walker.getData("BTCUSDT", "w")).toBe(final);
    expect(engine.Backtest.getData("BTCUSDT", "longer").closed).toHaveLength(16);
    // One preload for the three strategies (one getCandles call: the data fits in one batch).
    expect(exchange.calls).toHaveLength(1);
  });

  it("maxDrawdown ranks ascending", async () => {
    const engine = createEngine();
    engine.addExchange(
      memoryExchange("mem", { BTCUSDT: series(-5, 120, (m) => 100 + Math.floor(Math.max(0, m) / 10)) }),
    );
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 120 * MINUTE),
    });
    engine.addStrategy({
      strategyName: "up",
      interval: "15m",
      getSignal: (symbol) => hold(symbol, "long"),
    });
    engine.addStrategy({
      strategyName: "down",
      interval: "15m",
      getSignal: (symbol) => hold(symbol, "short"),
    });
    engine.addWalker({
      walkerName: "w",
      strategies: ["down", "up"],
      exchangeName: "mem",
      frameName: "f",
      metric: "maxDrawdown",
    });
    const generator = engine.Walker.run("BTCUSDT", { walkerName: "w" }, { warmupMinutes: 5 });
    while (!(await generator.next()).done) {
      // drain
    }
    const result = engine.Walker.getData("BTCUSDT", "w");
    expect(result.bestStrategy).toBe("up");
    expect(result.results[0]!.stats!.maxDrawdown!).toBeLessThan(result.results[1]!.stats!.maxDrawdown!);
  });
});
