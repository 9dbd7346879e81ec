import { fileURLToPath } from "node:url";
import type { ICandleColumns, ICandleData, IExchangeSchema } from "@bt/core";
import { createEngine, getConfig, setConfig } from "@bt/engine";
import { describe, expect, it } from "vitest";
import { createSweepPool, type ISweepResult, runSweep, runSweepSequential } from "../src/index.ts";
import fixtureCandles, { FIXTURE_DAYS, FRAME_START_MS, WARMUP_MINUTES } from "./fixtures/candles.ts";
import smaStrategy from "./fixtures/smaStrategy.ts";

const strategyModule = fileURLToPath(new URL("./fixtures/smaStrategy.ts", import.meta.url));
const frame = {
  frameName: "march",
  startMs: FRAME_START_MS,
  endMs: FRAME_START_MS + FIXTURE_DAYS * 1440 * 60_000,
};
const grid = { fast: [3, 5, 8], slow: [13, 21, 34] };
const columns = { BTCUSDT: fixtureCandles("BTCUSDT"), ETHUSDT: fixtureCandles("ETHUSDT") };
// Worker threads resolve @bt/* to source like this test does.
const execArgv = ["--conditions=@bt/source"];

/** 1m candles straight from the columns, written independently of the package's column exchange. */
function plainExchange(exchangeName: string, symbol: string, source: ICandleColumns): IExchangeSchema {
  return {
    exchangeName,
    async getCandles(requested, interval, since, limit) {
      if (requested !== symbol || interval !== "1m") return [];
      const candles: ICandleData[] = [];
      for (let index = 0; index < source.timestamp.length && candles.length < limit; index++) {
        const timestamp = source.timestamp[index] as number;
        if (timestamp < since.getTime()) continue;
        candles.push({
          timestamp,
          open: source.open[index] as number,
          high: source.high[index] as number,
          low: source.low[index] as number,
          close: source.close[index] as number,
          volume: source.volume[index] as number,
        });
      }
      return candles;
    },
  };
}

/** The plain engine walker, written out by hand: the reference every runner must equal. */
async function referenceWalker(symbol: "BTCUSDT" | "ETHUSDT") {
  const engine = createEngine();
  engine.addExchange(plainExchange("reference", symbol, columns[symbol]));
  engine.addFrame({
    frameName: "march",
    interval: "1m",
    startDate: new Date(frame.startMs),
    endDate: new Date(frame.endMs),
  });
  const names: string[] = [];
  for (const fast of grid.fast) {
    for (const slow of grid.slow) {
      const strategyName = `sma[fast=${fast},slow=${slow}]`;
      names.push(strategyName);
      engine.addStrategy({ ...smaStrategy({ fast, slow }), strategyName });
    }
  }
  engine.addWalker({ walkerName: "w", strategies: names, exchangeName: "reference", frameName: "march" });
  const run = engine.Walker.run(symbol, { walkerName: "w" }, { warmupMinutes: WARMUP_MINUTES });
  let step = await run.next();
  while (!step.done) step = await run.next();
  return step.value.results.map((result) => ({
    strategyName: result.strategyName,
    stats: result.stats,
    metricValue: result.metricValue,
    closed: engine.Backtest.getData(symbol, result.strategyName).closed,
  }));
}

function comparable(result: ISweepResult) {
  return result.symbols.map((symbol) => ({
    symbol: symbol.symbol,
    ranking: symbol.ranking.map(({ strategyName, stats, metricValue, closed }) => ({
      strategyName,
      stats,
      metricValue,
      closed,
    })),
  }));
}

describe("runSweep on worker threads", () => {
  it("gives the sequential walker's ranking, stats and closed signals with 1 and 2 threads", async () => {
    const expected = [
      { symbol: "BTCUSDT", ranking: await referenceWalker("BTCUSDT") },
      { symbol: "ETHUSDT", ranking: await referenceWalker("ETHUSDT") },
    ];
    const tradeCount = expected
      .flatMap((symbol) => symbol.ranking)
      .reduce((sum, entry) => sum + entry.closed.length, 0);
    expect(tradeCount).toBeGreaterThan(50);
    const options = {
      strategy: { name: "sma", module: strategyModule },
      params: grid,
      symbols: ["BTCUSDT", "ETHUSDT"],
      frame,
      columns,
      backtest: { warmupMinutes: WARMUP_MINUTES },
      exchangeName: "reference",
      execArgv,
    };
    const sequential = await runSweepSequential({
      ...options,
      strategy: { name: "sma", factory: smaStrategy },
    });
    expect(comparable(sequential)).toEqual(expected);
    for (const threads of [1, 2]) {
      const progress: number[] = [];
      const result = await runSweep({
        ...options,
        threads,
        onProgress: (event) => progress.push(event.completed),
      });
      expect(comparable(result)).toEqual(expected);
      expect(result.backtestCount).toBe(18);
      expect(progress).toEqual(Array.from({ length: 18 }, (_, index) => index + 1));
      expect(result.symbols[0]?.bestStrategy).toBe(expected[0]?.ranking[0]?.strategyName);
    }
    // A pool kept open across sweeps gives the same results every time, whatever the task sizes (single
    // runs, fixed batches cut across the largest-first order, guided sizes).
    const pool = createSweepPool({ threads: 2, execArgv });
    try {
      for (const batchSize of [1, 4, undefined]) {
        const progress: number[] = [];
        const result = await runSweep({
          ...options,
          pool,
          ...(batchSize === undefined ? {} : { batchSize }),
          onProgress: (event) => progress.push(event.completed),
        });
        expect(comparable(result)).toEqual(expected);
        expect(progress).toEqual(Array.from({ length: 18 }, (_, index) => index + 1));
      }
    } finally {
      await pool.dispose();
    }
  });

  it("applies setConfig identically sequentially and on threads (regression: threads used their own defaults)", async () => {
    // Measured before: setConfig({ CC_PERCENT_FEE: 1 }) then the same sweep gave −53.78 % sequentially
    // and −12.39 % on threads, because each thread imported a fresh module-level config.
    const options = {
      strategy: { name: "sma", module: strategyModule },
      params: [
        { fast: 3, slow: 13 },
        { fast: 5, slow: 21 },
      ],
      symbols: "BTCUSDT",
      frame,
      columns,
      backtest: { warmupMinutes: WARMUP_MINUTES },
      exchangeName: "reference",
      execArgv,
    };
    const defaults = comparable(
      await runSweepSequential({ ...options, strategy: { name: "sma", factory: smaStrategy } }),
    );
    const before = getConfig();
    setConfig({ CC_PERCENT_FEE: 1 });
    try {
      const sequential = comparable(
        await runSweepSequential({ ...options, strategy: { name: "sma", factory: smaStrategy } }),
      );
      const threaded = comparable(await runSweep({ ...options, threads: 1 }));
      expect(threaded).toEqual(sequential);
      // The fee really applied: every trade pays 2 % instead of 0.2 %.
      const total = (result: typeof sequential) =>
        result[0]?.ranking.reduce((sum, entry) => sum + (entry.stats?.totalPnl ?? 0), 0) ?? 0;
      const trades = sequential[0]?.ranking.reduce((sum, entry) => sum + entry.closed.length, 0) ?? 0;
      expect(trades).toBeGreaterThan(0);
      expect(total(sequential)).toBeLessThan(total(defaults) - trades * 1.7);
      // An explicit per-sweep config patch wins over the default engine's config.
      const explicit = comparable(
        await runSweep({ ...options, threads: 1, config: { CC_PERCENT_FEE: 0.1 } }),
      );
      expect(explicit).toEqual(defaults);
    } finally {
      setConfig(before);
    }
  });

  it("reports a throwing factory as failed entries ranked last", async () => {
    const result = await runSweep({
      strategy: { name: "broken", module: strategyModule, exportName: "brokenStrategy" },
      params: [{ fast: 3, slow: 13 }],
      symbols: "BTCUSDT",
      frame,
      columns,
      threads: 1,
      execArgv,
    });
    const entry = result.symbols[0]?.ranking[0];
    expect(entry?.error?.message).toBe("broken strategy for fast=3");
    expect(entry?.stats).toBeNull();
    expect(result.symbols[0]?.bestStrategy).toBeNull();
  });

  it("reports a strategy whose every getSignal throws as failed, ranked after working ones (regression: 0 trades, completed)", async () => {
    const options = {
      params: [{ fast: 3, slow: 13 }],
      symbols: "BTCUSDT",
      frame,
      columns,
      backtest: { warmupMinutes: WARMUP_MINUTES },
      threads: 1,
      execArgv,
    };
    const result = await runSweep({
      ...options,
      strategy: { name: "throws", module: strategyModule, exportName: "alwaysThrowsStrategy" },
    });
    const entry = result.symbols[0]?.ranking[0];
    expect(entry?.error).toMatchObject({ name: "StrategyFailed", code: "STRATEGY" });
    expect(entry?.error?.message).toMatch(
      /^every getSignal call failed \(\d+ of \d+\): getSignal always throws \(fast=3\)$/,
    );
    expect(entry?.stats).toBeNull();
    expect(result.symbols[0]?.bestStrategy).toBeNull();
  });

  it("rejects a sweep without a strategy module with a CONFIG error", async () => {
    await expect(
      runSweep({
        strategy: { name: "sma", factory: smaStrategy },
        params: grid,
        symbols: "BTCUSDT",
        frame,
        columns,
      }),
    ).rejects.toMatchObject({ code: "CONFIG" });
  });
});
