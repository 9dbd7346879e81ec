// One batch of a sweep on one symbol: a fresh engine instance (createEngine) with the exchange, the
// frame, one strategy per parameter set and a walker over them, run once over one candle load. Every
// runner (sequential, thread task, cluster job) goes through here, so their results are the same.

import type { IExchangeSchema, IGlobalConfig, WalkerMetric } from "@bt/core";
import { createEngine, type IWalkerStrategyResult } from "@bt/engine";
import { combinationName } from "./combinationName";
import { failedRunError, toSweepError } from "./sweepError";
import type {
  ISweepEntry,
  ISweepError,
  ISweepFrame,
  StrategyFactory,
  SweepBacktestOptions,
  SweepParams,
} from "./sweepTypes";

/** Everything one batch needs; the exchange serves the symbol's 1m candles. */
export interface ISweepBatch<P extends object = SweepParams> {
  strategyName: string;
  factory: StrategyFactory<P>;
  paramSets: ReadonlyArray<P>;
  symbol: string;
  exchange: IExchangeSchema;
  frame: Required<ISweepFrame>;
  metric: WalkerMetric;
  backtest: SweepBacktestOptions;
  /** The config the batch's engine runs with (resolved by the sweep plan). */
  config: Readonly<IGlobalConfig>;
  keepClosed: boolean;
}

const WALKER_NAME = "sweep";

/**
 * Backtests every parameter set of the batch with the engine's walker; entries in parameter-set order.
 * A factory or strategy that throws, or a run whose every getSignal call threw, gives an entry with
 * `error` (never a plausible 0-trade result); bad candles reject the whole batch.
 * @throws BtError CANDLES / EXCHANGE when the symbol's candles cannot be loaded.
 */
export async function runSweepBatch<P extends object>(batch: ISweepBatch<P>): Promise<ISweepEntry[]> {
  const engine = createEngine({ config: batch.config });
  engine.addExchange(batch.exchange);
  engine.addFrame({
    frameName: batch.frame.frameName,
    interval: batch.frame.interval,
    startDate: new Date(batch.frame.startMs),
    endDate: new Date(batch.frame.endMs),
  });
  const names = batch.paramSets.map((params) => combinationName(batch.strategyName, params as SweepParams));
  const failures = new Map<string, ISweepError>();
  const registered: string[] = [];
  batch.paramSets.forEach((params, index) => {
    const name = names[index] as string;
    try {
      engine.addStrategy({ ...batch.factory(params), strategyName: name });
      registered.push(name);
    } catch (error) {
      failures.set(name, toSweepError(error));
    }
  });
  const results = new Map<string, IWalkerStrategyResult>();
  if (registered.length > 0) {
    engine.addWalker({
      walkerName: WALKER_NAME,
      strategies: registered,
      exchangeName: batch.exchange.exchangeName,
      frameName: batch.frame.frameName,
      metric: batch.metric,
    });
    const run = engine.Walker.run(batch.symbol, { walkerName: WALKER_NAME }, batch.backtest);
    let step = await run.next();
    while (step.done !== true) step = await run.next();
    for (const result of step.value.results) results.set(result.strategyName, result);
  }
  return batch.paramSets.map((params, index): ISweepEntry => {
    const name = names[index] as string;
    const result = results.get(name);
    const error =
      failures.get(name) ??
      (result?.error
        ? toSweepError(result.error)
        : result?.status === "failed"
          ? failedRunError(result.problems)
          : null);
    const stats = error === null ? (result?.stats ?? null) : null;
    return {
      strategyName: name,
      params: params as SweepParams,
      symbol: batch.symbol,
      frameName: batch.frame.frameName,
      stats,
      metricValue: stats === null ? null : (result?.metricValue ?? null),
      closed: stats !== null && batch.keepClosed ? engine.Backtest.getData(batch.symbol, name).closed : [],
      error,
    };
  });
}
