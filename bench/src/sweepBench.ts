// Sweep throughput of @bt/cluster's worker-thread runner (backtests per second) with 1 and 2 threads on
// seeded data, and the scaling ratio. Each pool is warmed with one untimed sweep (thread start, tsx
// and module loading), then the best of TIMED_ROUNDS sweeps counts (the machine may be shared). This
// file is also the strategy module the threads load.

import { fileURLToPath } from "node:url";
import { createSweepPool, type ISweepResult, runSweep } from "@bt/cluster";
import type { IStrategySchema } from "@bt/core";
import { BENCH_START_MS, BENCH_WARMUP_MINUTES, benchColumns, MINUTE_MS, smaCrossover } from "./scenarios";

/** Days of 1m candles in every backtest of the sweep. */
export const SWEEP_DAYS = 30;
/** Timed sweeps per thread count; the fastest is reported. */
export const TIMED_ROUNDS = 3;
/** The timed grid: 4 × 4 × 2 = 32 backtests. */
export const SWEEP_GRID = { fast: [5, 8, 13, 21], slow: [34, 55, 89, 144], takeProfitPercent: [1, 2] };

/** Strategy factory the worker threads load from this file: the bench's SMA crossover on 5m. */
export function sweepSmaStrategy(params: {
  fast: number;
  slow: number;
  takeProfitPercent: number;
}): Omit<IStrategySchema, "strategyName"> {
  const { strategyName: _unused, ...schema } = smaCrossover(
    "sweep",
    "5m",
    params.fast,
    params.slow,
    params.takeProfitPercent,
    1,
  );
  return schema;
}

/** Figures of the sweep benchmark. */
export interface ISweepBenchResult {
  backtests: number;
  sweep1ThreadPerSec: number;
  sweep2ThreadsPerSec: number;
  /** sweep2ThreadsPerSec / sweep1ThreadPerSec. */
  sweepScaling: number;
}

function summary(result: ISweepResult): string {
  const symbol = result.symbols[0];
  return JSON.stringify(symbol?.ranking.map((entry) => [entry.strategyName, entry.stats?.totalPnl ?? null]));
}

/** Runs the sweep on 1 and 2 threads (warm pools) and returns backtests/s and the scaling ratio. */
export async function runSweepBench(): Promise<ISweepBenchResult> {
  const minutes = SWEEP_DAYS * 1440;
  const columns = { BTCUSDT: benchColumns(20250101, minutes) };
  const options = {
    strategy: {
      name: "sma",
      module: fileURLToPath(import.meta.url),
      exportName: "sweepSmaStrategy",
    },
    symbols: "BTCUSDT",
    frame: { frameName: "bench", startMs: BENCH_START_MS, endMs: BENCH_START_MS + minutes * MINUTE_MS },
    columns,
    backtest: { warmupMinutes: BENCH_WARMUP_MINUTES },
    keepClosed: false,
  };
  const perSecond: number[] = [];
  let reference: string | undefined;
  let backtests = 0;
  for (const threads of [1, 2]) {
    const pool = createSweepPool({ threads });
    try {
      // Warm-up: enough one-backtest tasks that every thread has started and loaded the strategy module.
      await runSweep({
        ...options,
        params: { fast: [5, 8, 13, 21], slow: [34, 55], takeProfitPercent: [1] },
        pool,
        batchSize: 1,
      });
      let best = 0;
      for (let round = 0; round < TIMED_ROUNDS; round++) {
        const started = performance.now();
        const result = await runSweep({ ...options, params: SWEEP_GRID, pool });
        const seconds = (performance.now() - started) / 1000;
        backtests = result.backtestCount;
        best = Math.max(best, result.backtestCount / seconds);
        const ranking = summary(result);
        if (reference !== undefined && ranking !== reference) {
          throw new Error("sweep bench: 1 and 2 threads gave different rankings");
        }
        reference = ranking;
      }
      perSecond.push(best);
    } finally {
      await pool.destroy();
    }
  }
  const [one = 0, two = 0] = perSecond;
  return {
    backtests,
    sweep1ThreadPerSec: Math.round(one * 100) / 100,
    sweep2ThreadsPerSec: Math.round(two * 100) / 100,
    sweepScaling: Math.round((two / one) * 100) / 100,
  };
}
