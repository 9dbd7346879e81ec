// The reference runner: the whole sweep in this thread, one engine walker per symbol over every
// parameter set still to run (resumed entries are kept as they are). Accepts an in-memory factory and any
// exchange schema; the other runners must match it.

import type { IExchangeSchema } from "@bt/core";
import { createColumnExchange } from "./columnExchange";
import { resolveStrategyFactory } from "./strategyModule";
import { runSweepBatch } from "./sweepBatch";
import { createSweepCollector } from "./sweepCollector";
import { type ISweepDataOptions, sweepColumns } from "./sweepData";
import { planSweep } from "./sweepPlan";
import type { ISweepOptionsBase, ISweepResult, SweepParams } from "./sweepTypes";

/** Options of runSweepSequential: candles from `exchange`, else `columns` / `dataSource`. */
export interface ISequentialSweepOptions<P extends object = SweepParams>
  extends ISweepOptionsBase<P>,
    ISweepDataOptions {
  /** Any exchange schema serving 1m candles (e.g. createFileExchange or exchange-ccxt). */
  exchange?: IExchangeSchema;
}

/**
 * Runs the sweep sequentially in this thread (the engine's walker over every parameter set).
 * @throws BtError VALIDATION / CONFIG for bad options, CANDLES / EXCHANGE when candles cannot be loaded.
 * @example
 * const result = await runSweepSequential({ strategy: { name: "sma", factory: sma }, params: { fast: [5, 10], slow: [20, 50] },
 *   symbols: "BTCUSDT", frame: { frameName: "jan", startMs: Date.UTC(2025, 0, 1), endMs: Date.UTC(2025, 1, 1) }, columns });
 */
export async function runSweepSequential<P extends object>(
  options: ISequentialSweepOptions<P>,
): Promise<ISweepResult> {
  const startedAt = performance.now();
  const plan = planSweep(options);
  const factory = await resolveStrategyFactory(options.strategy);
  const collector = createSweepCollector(plan, options.onProgress);
  for (const { symbol, indices } of plan.pending) {
    const exchange =
      options.exchange ??
      createColumnExchange(plan.exchangeName, { [symbol]: await sweepColumns(options, symbol) });
    const entries = await runSweepBatch({
      strategyName: options.strategy.name,
      factory,
      paramSets: indices.map((index) => plan.paramSets[index] as P),
      symbol,
      exchange,
      frame: plan.frame,
      metric: plan.metric,
      backtest: plan.backtest,
      config: plan.config,
      keepClosed: plan.keepClosed,
    });
    entries.forEach((entry, offset) => {
      collector.add(symbol, indices[offset] as number, entry);
    });
  }
  return collector.result(performance.now() - startedAt);
}
