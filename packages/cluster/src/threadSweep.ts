// runSweep: a parameter sweep on a worker-thread pool. Candles are loaded once here and shared with the
// threads as SharedArrayBuffer-backed columns; the parameter sets of each symbol are cut into batches
// (several per thread, for balance) and each batch runs in a fresh engine inside a thread.

import { BtError } from "@bt/core";
import { toSharedColumns } from "./sharedColumns";
import { type ISweepDataOptions, sweepColumns } from "./sweepData";
import { planSweep } from "./sweepPlan";
import { createSweepPool, type ISweepPool, threadCount } from "./sweepPool";
import { buildSweepResult } from "./sweepRanking";
import type { ISweepEntry, ISweepOptionsBase, ISweepResult, SweepParams } from "./sweepTypes";
import type { IThreadTask } from "./threadTask";

/** Options of runSweep: the shared sweep options, the candles, and the pool. */
export interface IThreadSweepOptions<P extends object = SweepParams>
  extends ISweepOptionsBase<P>,
    ISweepDataOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** Parameter sets per thread task; default about four tasks per thread and symbol. */
  batchSize?: number;
  /** Node options of the worker threads; default process.execArgv. */
  execArgv?: string[];
  /** A pool from createSweepPool to reuse across sweeps (kept open); `threads`/`execArgv` then come from it. */
  pool?: ISweepPool;
}

/** Cuts `items` into consecutive chunks of at most `size`. */
function chunk<T>(items: ReadonlyArray<T>, size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/**
 * Runs the sweep on `threads` worker threads; results equal runSweepSequential's.
 * @throws BtError VALIDATION / CONFIG for bad options (a `strategy.module` path is required), CANDLES / EXCHANGE for bad candles.
 * @example
 * const result = await runSweep({ strategy: { name: "sma", module: "./sma.strategy.ts" }, params: { fast: [5, 10], slow: [20, 50] },
 *   symbols: "BTCUSDT", frame: { frameName: "jan", startMs: Date.UTC(2025, 0, 1), endMs: Date.UTC(2025, 1, 1) }, dataSource: { type: "file", dir: "data" } });
 */
export async function runSweep<P extends object>(options: IThreadSweepOptions<P>): Promise<ISweepResult> {
  const startedAt = performance.now();
  const plan = planSweep(options);
  const module = options.strategy.module;
  if (typeof module !== "string" || module.length === 0) {
    throw new BtError(
      "CONFIG",
      "runSweep: worker threads load the strategy from a file: give strategy.module",
      {
        field: "strategy.module",
        value: module,
      },
    );
  }
  const threads = options.pool?.threads ?? threadCount(options.threads);
  const batchSize = options.batchSize ?? Math.max(1, Math.ceil(plan.paramSets.length / (threads * 4)));
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new BtError("VALIDATION", `runSweep: batchSize must be a positive integer, got ${batchSize}`, {
      field: "batchSize",
      value: batchSize,
    });
  }
  const shared = new Map<string, IThreadTask["columns"]>();
  for (const symbol of plan.symbols) {
    shared.set(symbol, toSharedColumns(await sweepColumns(options, symbol), `columns of ${symbol}`));
  }
  const pool =
    options.pool ?? createSweepPool({ threads, ...(options.execArgv ? { execArgv: options.execArgv } : {}) });
  const total = plan.paramSets.length * plan.symbols.length;
  let completed = 0;
  try {
    const bySymbol = await Promise.all(
      plan.symbols.map(async (symbol) => {
        const batches = await Promise.all(
          chunk(plan.paramSets, batchSize).map(async (paramSets) => {
            const entries = await pool.run({
              strategy: {
                name: options.strategy.name,
                module,
                ...(options.strategy.exportName ? { exportName: options.strategy.exportName } : {}),
              },
              root: process.cwd(),
              paramSets: paramSets as SweepParams[],
              symbol,
              columns: shared.get(symbol) as IThreadTask["columns"],
              frame: plan.frame,
              metric: plan.metric,
              backtest: plan.backtest,
              config: plan.config,
              exchangeName: plan.exchangeName,
              keepClosed: plan.keepClosed,
            });
            for (const entry of entries) options.onProgress?.({ completed: ++completed, total, entry });
            return entries;
          }),
        );
        return [symbol, batches.flat()] as readonly [string, ISweepEntry[]];
      }),
    );
    return buildSweepResult(bySymbol, plan.metric, plan.frame, performance.now() - startedAt);
  } finally {
    if (options.pool === undefined) await pool.destroy();
  }
}
