// The walker runs every strategy over one candle load, ranks them by the metric (core rankByMetric),
// reports a failing strategy and still runs the others; a failed strategy (every getSignal threw, or
// the run threw) is never ranked above a working one, neither in the final ranking nor in the running
// best of the progress events.

import type { ISignalDto } from "@bt/core";
import { describe, expect, it } from "vitest";
import { getAveragePrice, type IWalkerProgressEvent, type IWalkerResult } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

/** A 14-minute position with far-away TP/SL (within the validation limits). */
async function hold(symbol: string, position: "long" | "short"): Promise<ISignalDto> {
  const price = await getAveragePrice(symbol);
  return position === "long"
    ? { position, priceTakeProfit: price * 1.5, priceStopLoss: price * 0.9, minuteEstimatedTime: 14 }
    : { position, priceTakeProfit: price * 0.5, priceStopLoss: price * 1.1, minuteEstimatedTime: 14 };
}

describe("walker", () => {
  it("ranks by metric, shares one candle load, survives a throwing strategy (ranked last, never best)", async () => {
    const engine = createTestEngine({ expectErrors: true });
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
    await engine.waitForListeners();
    expect(progress.map((event) => [event.strategyName, event.strategiesTested, event.bestStrategy])).toEqual(
      [
        ["shorter", 1, "shorter"],
        // Before: the thrower (0 trades, totalPnl 0) became the running best over a losing strategy.
        ["thrower", 2, "shorter"],
        ["longer", 3, "longer"],
      ],
    );
    expect(errors.filter((message) => message === "thrower failed")).toHaveLength(16);
    expect(final?.bestStrategy).toBe("longer");
    expect(final?.results.map((entry) => [entry.strategyName, entry.status])).toEqual([
      ["longer", "ok"],
      ["shorter", "ok"],
      ["thrower", "failed"],
    ]);
    expect(final?.results[0]?.stats?.tradeCount).toBe(16);
    expect(final?.results[0]?.stats?.totalPnl).toBeGreaterThan(0);
    expect(final?.results[1]?.stats?.totalPnl).toBeLessThan(0);
    const thrower = final?.results[2];
    expect(thrower?.stats?.tradeCount).toBe(0);
    expect(thrower?.problems.getSignalCalls).toBe(16);
    expect(thrower?.problems.getSignalFailures).toBe(16);
    expect(thrower?.problems.problems).toEqual([
      { kind: "error", source: "getSignal", message: "thrower failed", count: 16, firstAt: T0 },
    ]);
    expect(engine.Backtest.getData("BTCUSDT", "thrower").status).toBe("failed");
    expect(done).toEqual([final]);
    expect(engine.Walker.getData("BTCUSDT", "w")).toBe(final);
    expect(engine.Backtest.getData("BTCUSDT", "longer").closed).toHaveLength(16);
    // One preload for the three strategies (one getCandles call: the data fits in one batch).
    expect(exchange.calls).toHaveLength(1);
  });

  it("maxDrawdown ranks ascending", async () => {
    const engine = createTestEngine();
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

  it("a walker whose only strategy always throws names no best strategy", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 60, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    engine.addStrategy({
      strategyName: "always-throws",
      interval: "5m",
      getSignal: async () => {
        throw new Error("no data");
      },
    });
    engine.addWalker({
      walkerName: "w",
      strategies: ["always-throws"],
      exchangeName: "mem",
      frameName: "f",
      metric: "totalPnl",
    });
    const progress = await collect(engine.Walker.run("BTCUSDT", { walkerName: "w" }, { warmupMinutes: 5 }));
    const result = engine.Walker.getData("BTCUSDT", "w");
    // Before: "Best strategy: always-throws (0.00%)".
    expect(progress.map((event) => event.bestStrategy)).toEqual([null]);
    expect(result.bestStrategy).toBeNull();
    expect(result.bestMetric).toBeNull();
    expect(result.results.map((entry) => entry.status)).toEqual(["failed"]);
    const markdown = engine.Walker.getReport("BTCUSDT", "w");
    expect(markdown).not.toContain("Best strategy: **always-throws**");
    expect(markdown).toContain("- always-throws: failed: every getSignal call threw (12 calls): no data");
  });

  it("maxDrawdown: the running best and the final best are the shallowest drawdown", async () => {
    const engine = createTestEngine();
    // Flat 100 with a dip to 96 over minutes 40–49: one long per strategy, closed by time before,
    // inside and at the bottom of the dip.
    engine.addExchange(
      memoryExchange("mem", { BTCUSDT: series(-5, 120, (m) => (m >= 40 && m < 50 ? 96 : 100)) }),
    );
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 120 * MINUTE),
    });
    const holdOnce = (strategyName: string, minuteEstimatedTime: number, openMinute: number) =>
      engine.addStrategy({
        strategyName,
        interval: "15m",
        getSignal: async (symbol, when) => {
          if (when.getTime() !== T0 + openMinute * MINUTE) return null;
          const price = await getAveragePrice(symbol);
          return {
            position: "long",
            priceTakeProfit: price * 1.5,
            priceStopLoss: price * 0.9,
            minuteEstimatedTime,
          };
        },
      });
    holdOnce("deep", 15, 30); // closes at minute 45 at VWAP 96
    holdOnce("shallow", 14, 0); // closes at minute 14 at 100 (costs only)
    holdOnce("medium", 12, 30); // closes at minute 42 at VWAP 98.4
    engine.addWalker({
      walkerName: "w",
      strategies: ["deep", "shallow", "medium"],
      exchangeName: "mem",
      frameName: "f",
      metric: "maxDrawdown",
    });
    const progress = await collect(engine.Walker.run("BTCUSDT", { walkerName: "w" }, { warmupMinutes: 5 }));
    const result = engine.Walker.getData("BTCUSDT", "w");
    const drawdown = (name: string) =>
      result.results.find((entry) => entry.strategyName === name)?.metricValue;
    expect(drawdown("shallow")).toBeLessThan(drawdown("medium") as number);
    expect(drawdown("medium")).toBeLessThan(drawdown("deep") as number);
    // The running best after "shallow" and after "medium" stays the shallowest (a comparison the wrong
    // way round keeps "deep" throughout).
    expect(progress.map((event) => event.bestStrategy)).toEqual(["deep", "shallow", "shallow"]);
    expect(progress.at(-1)?.bestMetric).toBe(drawdown("shallow"));
    expect(result.bestStrategy).toBe("shallow");
    expect(result.results.map((entry) => entry.strategyName)).toEqual(["shallow", "medium", "deep"]);
  });

  it("validates its options like Backtest.run (before anything runs)", async () => {
    const engine = createTestEngine();
    const exchange = memoryExchange("mem", { BTCUSDT: series(-5, 60, () => 100) });
    engine.addExchange(exchange);
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    engine.addStrategy({ strategyName: "s", interval: "5m", getSignal: async () => null });
    engine.addWalker({ walkerName: "w", strategies: ["s"], exchangeName: "mem", frameName: "f" });
    const run = (options: object) =>
      collect(engine.Walker.run("BTCUSDT", { walkerName: "w" }, options as never));
    await expect(run({ warmupMinutes: -1 })).rejects.toThrow(
      /Walker option warmupMinutes must be a non-negative integer, got -1/,
    );
    await expect(run({ batchSize: 0 })).rejects.toThrow(/Walker option batchSize must be a positive integer/);
    await expect(run({ gapPolicy: "skip" })).rejects.toThrow(
      /Walker option gapPolicy must be one of "error", "fill"/,
    );
    await expect(run({ accountBalance: Number.NaN })).rejects.toThrow(
      /Walker option accountBalance must be a positive number/,
    );
    await expect(collect(engine.Walker.run("", { walkerName: "w" }))).rejects.toThrow(
      /Walker.run: symbol must be a non-empty string/,
    );
    expect(exchange.calls).toHaveLength(0);
  });
});
