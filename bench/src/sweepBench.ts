// Sweep throughput of @bt/cluster's worker-thread runner (backtests per second) with 1 and 2 threads on
// seeded data, and the scaling ratio. Rounds interleave 1 and 2 threads (the order alternates); each
// timed span runs from before the pool is created to the last result, so thread start-up, the strategy
// module's compilation (cached by @bt/cluster) and module loading in the workers are included, as a user
// pays them. This file is also the strategy module the threads load.

import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { createSweepPool, type ISweepResult, runSweep } from "@bt/cluster";
import type { IStrategySchema } from "@bt/core";
import { median } from "./benchStats";
import { BENCH_START_MS, BENCH_WARMUP_MINUTES, benchColumns, MINUTE_MS, smaCrossover } from "./scenarios";

/** Days of 1m candles in every backtest of the sweep. */
export const SWEEP_DAYS = 30;
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

/** Figures of the sweep benchmark (medians over the rounds). */
export interface ISweepBenchResult {
  backtests: number;
  rounds: number;
  sweep1ThreadPerSec: number;
  sweep2ThreadsPerSec: number;
  /** sweep2ThreadsPerSec / sweep1ThreadPerSec. */
  sweepScaling: number;
  /**
   * Each round's 1- and 2-thread backtests/s in run order, with `cpuMs`: CPU time of the whole process
   * (every thread: main, workers, V8's compiler and GC threads) over the same span. A cold sweep of this
   * size spends much of it on V8 optimising code, once per thread, so 2 threads need more CPU than 1.
   */
  perRound: Array<{ threads: number; perSec: number; cpuMs: number }>;
  /**
   * What this machine gave 2 threads at the time: the same fixed busy loop in 2 worker threads vs 1
   * (2 × one's ms / two's ms), median over the rounds, each measured right after the round's sweeps. Near 2
   * on idle cores; near 1 when something else keeps a core busy (then sweepScaling cannot exceed it).
   */
  machineScaling: number;
}

/** A worker that runs a fixed integer loop (≈ 0.3 s) and reports when done: no I/O, no allocation. */
const BUSY_WORKER = `const { parentPort } = require("node:worker_threads");
let x = 0;
for (let i = 0; i < 8e7; i++) x = (x + i * 7) % 1000003;
parentPort.postMessage(x);`;

/** ms until `count` busy workers (started together) have all finished. */
async function busyWorkers(count: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(BUSY_WORKER, { eval: true, execArgv: [] });
          worker.once("message", () => {
            worker.terminate().then(() => resolve(), reject);
          });
          worker.once("error", reject);
        }),
    ),
  );
  return performance.now() - started;
}

function summary(result: ISweepResult): string {
  const symbol = result.symbols[0];
  return JSON.stringify(symbol?.ranking.map((entry) => [entry.strategyName, entry.stats?.totalPnl ?? null]));
}

/** Runs `rounds` interleaved 1- and 2-thread sweeps (pool start-up included) and returns the medians. */
export async function runSweepBench(rounds: number): Promise<ISweepBenchResult> {
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
  const perThreads: Record<number, number[]> = { 1: [], 2: [] };
  const perRound: Array<{ threads: number; perSec: number; cpuMs: number }> = [];
  const machine: number[] = [];
  let reference: string | undefined;
  let backtests = 0;
  for (let round = 0; round < rounds; round++) {
    for (const threads of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      // The threads run the built packages as a compiled program's would: without the bench's own tsx
      // loader flags (the strategy module, this TypeScript file, is compiled by @bt/cluster itself).
      const pool = createSweepPool({ threads, execArgv: [] });
      try {
        const result = await runSweep({ ...options, params: SWEEP_GRID, pool });
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        backtests = result.backtestCount;
        const perSec = result.backtestCount / seconds;
        perThreads[threads]?.push(perSec);
        perRound.push({ threads, perSec: round2(perSec), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
        const ranking = summary(result);
        if (reference !== undefined && ranking !== reference) {
          throw new Error("sweep bench: 1 and 2 threads gave different rankings");
        }
        reference = ranking;
      } finally {
        await pool.destroy();
      }
    }
    const oneThreadMs = await busyWorkers(1);
    machine.push((2 * oneThreadMs) / (await busyWorkers(2)));
  }
  const one = median(perThreads[1] ?? []);
  const two = median(perThreads[2] ?? []);
  return {
    backtests,
    rounds,
    sweep1ThreadPerSec: round2(one),
    sweep2ThreadsPerSec: round2(two),
    sweepScaling: round2(two / one),
    perRound,
    machineScaling: round2(median(machine)),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
