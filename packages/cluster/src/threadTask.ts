// The task a sweep worker thread runs: resolve the strategy module (cached per thread), wrap the
// shared 1m columns in an exchange schema and run one batch in a fresh engine. Loaded by
// threadWorker.mjs (from source through tsx, from dist as built JavaScript).

import type { ICandleColumns, IGlobalConfig, WalkerMetric } from "@bt/core";
import { createColumnExchange } from "./columnExchange";
import { resolveStrategyFactory } from "./strategyModule";
import { runSweepBatch } from "./sweepBatch";
import type { ISweepEntry, ISweepFrame, SweepBacktestOptions, SweepParams } from "./sweepTypes";

/** One thread task: a batch of parameter sets on one symbol; `columns` are SharedArrayBuffer-backed. */
export interface IThreadTask {
  strategy: { name: string; module: string; exportName?: string };
  /** Directory relative module paths resolve against. */
  root: string;
  paramSets: SweepParams[];
  symbol: string;
  columns: ICandleColumns;
  frame: Required<ISweepFrame>;
  metric: WalkerMetric;
  backtest: SweepBacktestOptions;
  /** The sweep's resolved config: a thread's own @bt/engine copy never sees the parent's setConfig. */
  config: Readonly<IGlobalConfig>;
  exchangeName: string;
  keepClosed: boolean;
}

/** Runs one thread task and returns its entries in parameter-set order. */
export async function runThreadTask(task: IThreadTask): Promise<ISweepEntry[]> {
  const factory = await resolveStrategyFactory(task.strategy, task.root);
  return runSweepBatch({
    strategyName: task.strategy.name,
    factory,
    paramSets: task.paramSets,
    symbol: task.symbol,
    exchange: createColumnExchange(task.exchangeName, { [task.symbol]: task.columns }),
    frame: task.frame,
    metric: task.metric,
    backtest: task.backtest,
    config: task.config,
    keepClosed: task.keepClosed,
  });
}
