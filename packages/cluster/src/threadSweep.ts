// runSweep: a parameter sweep on a worker-thread pool. Candles are loaded once here and shared with the
// threads as SharedArrayBuffer-backed columns; the runs are cut into tasks by sweepSchedule (largest
// first, shrinking to single runs at the end) and each task runs in a fresh engine inside a thread.
// Entries go back to parameter-set order, so the result never depends on threads or task sizes; entries
// resumed from an earlier run are not scheduled at all.

import { BtError } from "@bt/core";
import { toSharedColumns } from "./sharedColumns";
import { createSweepCollector } from "./sweepCollector";
import { type ISweepDataOptions, sweepColumns } from "./sweepData";
import { planSweep } from "./sweepPlan";
import { createSweepPool, type ISweepPool, threadCount } from "./sweepPool";
import { scheduleSweepTasks, sweepCandleCount } from "./sweepSchedule";
import type { ISweepEntry, ISweepOptionsBase, ISweepResult, SweepParams } from "./sweepTypes";
import type { IThreadTask } from "./threadTask";

/** Options of runSweep: the shared sweep options, the candles, and the pool. */
export interface IThreadSweepOptions<P extends object = SweepParams>
  extends ISweepOptionsBase<P>,
    ISweepDataOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** Parameter sets per thread task; default guided sizes (large first, single runs at the end). */
  batchSize?: number;
  /** Node options of the worker threads; default process.execArgv. */
  execArgv?: string[];
  /** A pool from createSweepPool to reuse across sweeps (kept open); `threads`/`execArgv` then come from it. */
  pool?: ISweepPool;
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
  const batchSize = options.batchSize;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new BtError("VALIDATION", `runSweep: batchSize must be a positive integer, got ${batchSize}`, {
      field: "batchSize",
      value: batchSize,
    });
  }
  const collector = createSweepCollector(plan, options.onProgress);
  // Everything resumed: no thread, no candle is needed.
  if (plan.pending.length === 0) return collector.result(performance.now() - startedAt);
  // A pool of its own starts first: its threads load the engine while the candles load here, and its
  // start-up is part of elapsedMs.
  const pool =
    options.pool ?? createSweepPool({ threads, ...(options.execArgv ? { execArgv: options.execArgv } : {}) });
  // On the first failed task the tasks not started are dropped (a shared pool goes on serving others).
  const cancel = new AbortController();
  const running: Array<Promise<unknown>> = [];
  try {
    const shared = new Map<string, IThreadTask["columns"]>();
    for (const { symbol } of plan.pending) {
      shared.set(symbol, toSharedColumns(await sweepColumns(options, symbol), `columns of ${symbol}`));
    }
    const tasks = scheduleSweepTasks({
      symbols: plan.pending.map(({ symbol, indices }) => ({
        symbol,
        indices,
        candles: sweepCandleCount(
          shared.get(symbol) as IThreadTask["columns"],
          plan.frame.startMs,
          plan.frame.endMs,
          plan.backtest.warmupMinutes,
        ),
      })),
      paramSetCount: plan.paramSets.length,
      threads,
      ...(batchSize === undefined ? {} : { batchSize }),
    });
    const strategy = {
      name: options.strategy.name,
      module,
      ...(options.strategy.exportName ? { exportName: options.strategy.exportName } : {}),
    };
    const root = process.cwd();
    for (const planned of tasks) {
      const task = pool
        .run(
          {
            strategy,
            root,
            paramSets: planned.indices.map((index) => plan.paramSets[index]) as SweepParams[],
            symbol: planned.symbol,
            columns: shared.get(planned.symbol) as IThreadTask["columns"],
            frame: plan.frame,
            metric: plan.metric,
            backtest: plan.backtest,
            config: plan.config,
            exchangeName: plan.exchangeName,
            keepClosed: plan.keepClosed,
          },
          { signal: cancel.signal },
        )
        .then((entries) => {
          if (entries.length !== planned.indices.length) {
            throw new BtError(
              "STATE",
              `runSweep: a thread task on ${planned.symbol} returned ${entries.length} entries for ${planned.indices.length} parameter sets`,
            );
          }
          planned.indices.forEach((index, offset) => {
            collector.add(planned.symbol, index, entries[offset] as ISweepEntry);
          });
        });
      task.catch(() => cancel.abort());
      running.push(task);
    }
    await Promise.all(running);
    return collector.result(performance.now() - startedAt);
  } catch (error) {
    // No task of this sweep may still be running (or reporting progress) once it has failed.
    cancel.abort();
    await Promise.allSettled(running);
    throw error;
  } finally {
    if (options.pool === undefined) await pool.dispose();
  }
}
