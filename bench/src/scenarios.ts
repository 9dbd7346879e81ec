// Benchmark scenarios on seeded generated candles (served from columns by @bt/cluster's column exchange),
// SMA-crossover strategies, and the year / 1m-interval / walker runs.

import { createColumnExchange } from "@bt/cluster";
import type { ISignalDto, IStrategySchema, IStrategyTickResult } from "@bt/core";
import { createEngine, getCandles } from "@bt/engine";
import { generateCandleColumns, type ICandleColumns } from "./candleGenerator";

export const MINUTE_MS = 60_000;
/** Start of every benchmark frame. */
export const BENCH_START_MS = Date.UTC(2025, 0, 1);
/** Warm-up minutes loaded before the frame (enough for SMA(21) on 15m: 315 minutes). */
export const BENCH_WARMUP_MINUTES = 1440;

/** Seeded 1m columns covering the warm-up and `minutes` of frame. */
export function benchColumns(seed: number, minutes: number): ICandleColumns {
  return generateCandleColumns({
    seed,
    startMs: BENCH_START_MS - BENCH_WARMUP_MINUTES * MINUTE_MS,
    count: BENCH_WARMUP_MINUTES + minutes,
    startPrice: 50_000,
  });
}

/**
 * SMA crossover on closed candles of `interval`: long when SMA(fast) crosses above SMA(slow), short when
 * it crosses below; TP/SL at ±takeProfitPercent / ∓stopLossPercent of the current price.
 */
export function smaCrossover(
  strategyName: string,
  interval: "1m" | "5m" | "15m",
  fast: number,
  slow: number,
  takeProfitPercent = 1.5,
  stopLossPercent = 1,
): IStrategySchema {
  return {
    strategyName,
    interval,
    getSignal: async (symbol) => {
      const candles = await getCandles(symbol, interval, slow + 1);
      if (candles.length < slow + 1) return null;
      let fastNow = 0;
      let slowNow = 0;
      let fastBefore = 0;
      let slowBefore = 0;
      const last = candles.length - 1;
      for (let offset = 0; offset < slow; offset++) {
        const now = (candles[last - offset] as { close: number }).close;
        const before = (candles[last - offset - 1] as { close: number }).close;
        slowNow += now;
        slowBefore += before;
        if (offset < fast) {
          fastNow += now;
          fastBefore += before;
        }
      }
      const fastAboveNow = fastNow / fast > slowNow / slow;
      const fastAboveBefore = fastBefore / fast > slowBefore / slow;
      if (fastAboveNow === fastAboveBefore) return null;
      const price = (candles[last] as { close: number }).close;
      return fastAboveNow
        ? {
            position: "long",
            priceTakeProfit: price * (1 + takeProfitPercent / 100),
            priceStopLoss: price * (1 - stopLossPercent / 100),
            minuteEstimatedTime: 720,
          }
        : {
            position: "short",
            priceTakeProfit: price * (1 - takeProfitPercent / 100),
            priceStopLoss: price * (1 + stopLossPercent / 100),
            minuteEstimatedTime: 720,
          };
    },
  };
}

/**
 * The position rules of the managed scenario: a trailing stop 0.5 % behind the best price once 0.3 % in
 * profit, and a take-profit ladder closing 30 % at +0.5 % and 30 % at +1 % (the rest at TP or SL).
 */
export const MANAGED_RULES = {
  trailingStop: { distancePercent: 0.5, activationPercent: 0.3 },
  takeProfitLadder: [
    { profitPercent: 0.5, closePercent: 30 },
    { profitPercent: 1, closePercent: 30 },
  ],
} as const satisfies Partial<ISignalDto>;

/** `strategy` with MANAGED_RULES on every signal. */
export function withManagedRules(strategy: IStrategySchema): IStrategySchema {
  return {
    ...strategy,
    getSignal: async (symbol, when) => {
      const signal = await strategy.getSignal(symbol, when);
      return signal === null ? null : { ...signal, ...MANAGED_RULES };
    },
  };
}

/** Backtests one SMA crossover over `minutes` of seeded data; returns every yielded result. */
export async function runSmaBacktest(options: {
  seed: number;
  minutes: number;
  interval: "1m" | "5m" | "15m";
  columns?: ICandleColumns;
  /** Adds MANAGED_RULES to every signal (the position-management scenario). */
  managed?: boolean;
}): Promise<IStrategyTickResult[]> {
  const columns = options.columns ?? benchColumns(options.seed, options.minutes);
  const engine = createEngine();
  engine.addExchange(createColumnExchange("bench", { BTCUSDT: columns }));
  engine.addFrame({
    frameName: "frame",
    interval: "1m",
    startDate: new Date(BENCH_START_MS),
    endDate: new Date(BENCH_START_MS + options.minutes * MINUTE_MS),
  });
  const strategy = smaCrossover("sma", options.interval, 8, 21);
  engine.addStrategy(options.managed === true ? withManagedRules(strategy) : strategy);
  const results: IStrategyTickResult[] = [];
  for await (const result of engine.Backtest.run(
    "BTCUSDT",
    { strategyName: "sma", exchangeName: "bench", frameName: "frame" },
    { warmupMinutes: BENCH_WARMUP_MINUTES },
  )) {
    results.push(result);
  }
  return results;
}

/** Parameters of one SMA crossover of the bench. */
export interface ISmaParams {
  interval: "1m" | "5m" | "15m";
  fast: number;
  slow: number;
  takeProfitPercent: number;
  stopLossPercent: number;
}

/** The walker's strategies: 5m / 15m alternately, fast 5 + i, slow 20 + 2i, TP 1 / 1.5 / 2 %, SL 1 %. */
export function walkerStrategyParams(strategyCount: number): ISmaParams[] {
  const intervals = ["5m", "15m"] as const;
  return Array.from({ length: strategyCount }, (_, index) => ({
    interval: intervals[index % 2] as "5m" | "15m",
    fast: 5 + index,
    slow: 20 + 2 * index,
    takeProfitPercent: 1 + (index % 3) * 0.5,
    stopLossPercent: 1,
  }));
}

/** Runs a walker of `strategyCount` SMA crossovers (different periods/intervals) over `minutes`. */
export async function runSmaWalker(options: {
  seed: number;
  minutes: number;
  strategyCount: number;
  columns?: ICandleColumns;
}) {
  const columns = options.columns ?? benchColumns(options.seed, options.minutes);
  const engine = createEngine();
  engine.addExchange(createColumnExchange("bench", { BTCUSDT: columns }));
  engine.addFrame({
    frameName: "frame",
    interval: "1m",
    startDate: new Date(BENCH_START_MS),
    endDate: new Date(BENCH_START_MS + options.minutes * MINUTE_MS),
  });
  const names: string[] = [];
  for (const [index, params] of walkerStrategyParams(options.strategyCount).entries()) {
    const name = `sma${index}`;
    names.push(name);
    engine.addStrategy(
      smaCrossover(
        name,
        params.interval,
        params.fast,
        params.slow,
        params.takeProfitPercent,
        params.stopLossPercent,
      ),
    );
  }
  engine.addWalker({
    walkerName: "walker",
    strategies: names,
    exchangeName: "bench",
    frameName: "frame",
    metric: "sharpeRatio",
  });
  const generator = engine.Walker.run(
    "BTCUSDT",
    { walkerName: "walker" },
    { warmupMinutes: BENCH_WARMUP_MINUTES },
  );
  for (;;) {
    const step = await generator.next();
    if (step.done) return step.value;
  }
}

/**
 * Worst case of the 1m interval: a strategy that computes SMA(8/21) from getCandles("1m", 22) on every
 * minute and never trades, so getSignal runs on all `minutes`. Returns the number of getSignal calls.
 */
export async function runEveryMinuteBacktest(options: {
  seed: number;
  minutes: number;
  columns?: ICandleColumns;
}) {
  const columns = options.columns ?? benchColumns(options.seed, options.minutes);
  const engine = createEngine();
  engine.addExchange(createColumnExchange("bench", { BTCUSDT: columns }));
  engine.addFrame({
    frameName: "frame",
    interval: "1m",
    startDate: new Date(BENCH_START_MS),
    endDate: new Date(BENCH_START_MS + options.minutes * MINUTE_MS),
  });
  const crossover = smaCrossover("inner", "1m", 8, 21);
  let calls = 0;
  let crossings = 0;
  engine.addStrategy({
    strategyName: "everyMinute",
    interval: "1m",
    getSignal: async (symbol, when) => {
      calls++;
      if ((await crossover.getSignal(symbol, when)) !== null) crossings++;
      return null;
    },
  });
  for await (const _ of engine.Backtest.run(
    "BTCUSDT",
    { strategyName: "everyMinute", exchangeName: "bench", frameName: "frame" },
    { warmupMinutes: BENCH_WARMUP_MINUTES },
  )) {
    // never trades
  }
  return { calls, crossings };
}
