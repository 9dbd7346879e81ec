// The walker: one backtest per strategy on the same exchange, frame and symbol, over one shared
// candle store, then a ranking by the walker's metric (computeStatistics / rankByMetric of
// @bt/report-markdown). A strategy that throws is reported on listenError and the others still run.

import { alignUp, BtError, describeValue, type IStrategyTickResultClosed, type WalkerMetric } from "@bt/core";
import { computeStatistics, rankByMetric } from "@bt/report-markdown";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_WARMUP_MINUTES,
  type IBacktestOptions,
  runBacktest,
  storeWindow,
} from "../backtest/backtestRunner";
import { toError } from "../events/eventBus";
import type { IWalkerProgressEvent, IWalkerResult, IWalkerStrategyResult } from "../events/events";
import { type EngineState, runKey } from "../run/engineState";

/** Which walker to run. */
export interface IWalkerContext {
  walkerName: string;
}

/**
 * Runs every strategy of the walker; yields a progress event after each one and returns (as the
 * generator's return value, also emitted on listenDoneWalker and kept for Walker.getData) the ranking.
 * @throws BtError SCHEMA for unknown names (before anything runs), CANDLES / EXCHANGE for bad data.
 */
export async function* runWalker(
  state: EngineState,
  symbol: string,
  context: IWalkerContext,
  options: IBacktestOptions = {},
): AsyncGenerator<IWalkerProgressEvent, IWalkerResult, undefined> {
  if (typeof symbol !== "string" || symbol.length === 0) {
    throw new BtError(
      "VALIDATION",
      `Walker.run: symbol must be a non-empty string, got ${describeValue(symbol)}`,
      {
        field: "symbol",
        value: symbol,
      },
    );
  }
  const walker = state.walkers.get(context?.walkerName, `Walker.run(${symbol}) walkerName`, "walkerName");
  const walkerRef = `walker ${describeValue(walker.walkerName)}`;
  const exchange = state.exchanges.get(walker.exchangeName, `${walkerRef} exchangeName`, "exchangeName");
  const frame = state.frames.get(walker.frameName, `${walkerRef} frameName`, "frameName");
  walker.strategies.forEach((name, index) => {
    const strategy = state.strategies.get(name, `${walkerRef} strategies[${index}]`, `strategies[${index}]`);
    if (strategy.riskName !== undefined) {
      state.risks.get(strategy.riskName, `strategy ${describeValue(name)} riskName`, "riskName");
    }
    if (strategy.sizingName !== undefined) {
      state.sizings.get(strategy.sizingName, `strategy ${describeValue(name)} sizingName`, "sizingName");
    }
  });
  const metric: WalkerMetric = walker.metric ?? "sharpeRatio";
  const config = state.config;
  const startMs = frame.startDate.getTime();
  const endMs = frame.endDate.getTime();
  const window = storeWindow(
    startMs,
    endMs,
    alignUp(startMs, frame.interval),
    options.warmupMinutes ?? DEFAULT_WARMUP_MINUTES,
    config.CC_AVG_PRICE_CANDLES_COUNT,
  );
  const lease = await state.stores.acquire({
    exchange,
    symbol,
    ...window,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    gapPolicy: options.gapPolicy ?? "error",
    priceCandleCount: config.CC_AVG_PRICE_CANDLES_COUNT,
    logger: state.logger,
  });
  const results: IWalkerStrategyResult[] = [];
  let bestStrategy: string | null = null;
  let bestMetric: number | null = null;
  try {
    for (const strategyName of walker.strategies) {
      const closed: IStrategyTickResultClosed[] = [];
      let strategyResult: IWalkerStrategyResult;
      try {
        const run = runBacktest(
          state,
          symbol,
          { strategyName, exchangeName: exchange.exchangeName, frameName: frame.frameName },
          options,
          { lease, onClosed: (result) => closed.push(result) },
        );
        for await (const _ of run) {
          // Results reach listeners through the bus; the walker only needs the closed ones.
        }
        const stats = computeStatistics(closed, { periodStartMs: startMs, periodEndMs: endMs });
        strategyResult = { strategyName, stats, metricValue: stats[metric], error: null };
        state.backtestClosed.set(runKey(symbol, strategyName), closed);
        state.backtestPeriods.set(runKey(symbol, strategyName), {
          periodStartMs: startMs,
          periodEndMs: endMs,
        });
      } catch (error) {
        state.bus.emitError(error, { source: "walker", walkerName: walker.walkerName, strategyName, symbol });
        strategyResult = { strategyName, stats: null, metricValue: null, error: toError(error) };
      }
      results.push(strategyResult);
      const value = strategyResult.metricValue;
      if (
        value !== null &&
        (bestMetric === null || (metric === "maxDrawdown" ? value < bestMetric : value > bestMetric))
      ) {
        bestMetric = value;
        bestStrategy = strategyName;
      }
      const progress: IWalkerProgressEvent = {
        walkerName: walker.walkerName,
        symbol,
        exchangeName: exchange.exchangeName,
        frameName: frame.frameName,
        metric,
        strategyName,
        strategyResult,
        strategiesTested: results.length,
        totalStrategies: walker.strategies.length,
        bestStrategy,
        bestMetric,
      };
      if (state.bus.walker.observed) state.bus.walker.next(progress);
      yield progress;
    }
  } finally {
    lease.release();
  }
  const succeeded = results.filter(
    (entry): entry is IWalkerStrategyResult & { stats: NonNullable<IWalkerStrategyResult["stats"]> } =>
      entry.stats !== null,
  );
  const ranked = [...rankByMetric(succeeded, metric), ...results.filter((entry) => entry.stats === null)];
  const best = ranked[0] && ranked[0].metricValue !== null ? ranked[0] : undefined;
  const final: IWalkerResult = {
    walkerName: walker.walkerName,
    symbol,
    exchangeName: exchange.exchangeName,
    frameName: frame.frameName,
    metric,
    bestStrategy: best?.strategyName ?? null,
    bestMetric: best?.metricValue ?? null,
    bestStats: best?.stats ?? null,
    results: ranked,
  };
  state.walkerResults.set(runKey(symbol, walker.walkerName), final);
  if (state.bus.doneWalker.observed) state.bus.doneWalker.next(final);
  return final;
}
