// The walker: one backtest per strategy on the same exchange, frame and symbol, over one shared
// candle store, then a ranking by the walker's metric with core's rankByMetric: a strategy whose run
// threw or whose status is "failed" never ranks above a working one, and the running best of the
// progress events is the head of the same ranking. A strategy that throws is reported on listenError
// and the others still run.

import { computeStatistics, emptyRunProblems, type IRunProblems, rankByMetric } from "@bt/core";
import { runBacktest } from "../backtest/backtestRunner";
import { planStore } from "../candles/storePlan";
import { toError } from "../events/eventBus";
import type { IWalkerProgressEvent, IWalkerResult, IWalkerStrategyResult } from "../events/events";
import { type IBacktestRunRecord, recordStatus } from "../run/backtestRecord";
import { type EngineState, runKey } from "../run/engineState";
import { resolveWalkerRun } from "../run/resolveRun";
import { type IBacktestOptions, resolveBacktestOptions } from "../run/runOptions";

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
  const run = resolveWalkerRun(state, symbol, context);
  const { walker, exchange, frame, metric } = run;
  const resolvedOptions = resolveBacktestOptions("Walker", options);
  const config = state.config;
  const startMs = frame.startDate.getTime();
  const endMs = frame.endDate.getTime();
  const lease = await state.stores.acquire({
    exchange,
    symbol,
    // One store for every strategy: it holds the longest warm-up any of them declares.
    ...(await planStore(
      exchange,
      symbol,
      frame,
      resolvedOptions.warmupMinutes,
      run.strategies.map((entry) => entry.strategy),
      config,
    )),
    batchSize: resolvedOptions.batchSize,
    gapPolicy: resolvedOptions.gapPolicy,
    logger: state.logger,
  });
  const results: IWalkerStrategyResult[] = [];
  try {
    for (const { strategy } of run.strategies) {
      const strategyName = strategy.strategyName;
      let record: IBacktestRunRecord | undefined;
      let strategyResult: IWalkerStrategyResult;
      try {
        const backtest = runBacktest(
          state,
          symbol,
          { strategyName, exchangeName: exchange.exchangeName, frameName: frame.frameName },
          // The user's options as given (checked above); the shared store already holds the warm-up.
          options,
          {
            lease,
            onRecord: (created) => {
              record = created;
            },
          },
        );
        for await (const _ of backtest) {
          // Results reach listeners through the bus; the walker reads the run's record.
        }
        const done = record as IBacktestRunRecord | undefined;
        const problems = done?.problems ?? emptyRunProblems();
        const stats = computeStatistics(done?.closed ?? [], {
          periodStartMs: startMs,
          periodEndMs: endMs,
          markedMaxDrawdownPercent: done?.markedMaxDrawdownPercent,
        });
        const status = done === undefined ? "ok" : recordStatus(done);
        strategyResult = {
          strategyName,
          stats,
          metricValue: stats[metric],
          error: null,
          status,
          problems,
        };
      } catch (error) {
        state.bus.emitError(error, { source: "walker", walkerName: walker.walkerName, strategyName, symbol });
        const problems: IRunProblems =
          (record as IBacktestRunRecord | undefined)?.problems ?? emptyRunProblems();
        strategyResult = {
          strategyName,
          stats: null,
          metricValue: null,
          error: toError(error),
          status: "failed",
          problems,
        };
      }
      results.push(strategyResult);
      const best = bestOf(rankByMetric(results, metric));
      const progress: IWalkerProgressEvent = {
        walkerName: walker.walkerName,
        symbol,
        exchangeName: exchange.exchangeName,
        frameName: frame.frameName,
        metric,
        strategyName,
        strategyResult,
        strategiesTested: results.length,
        totalStrategies: run.strategies.length,
        bestStrategy: best?.strategyName ?? null,
        bestMetric: best?.metricValue ?? null,
      };
      if (state.bus.walker.observed) state.bus.walker.next(progress);
      yield progress;
    }
  } finally {
    lease.release();
  }
  const ranked = rankByMetric(results, metric);
  const best = bestOf(ranked);
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

/**
 * The head of a ranking (core's rankByMetric) when it can be named best:
 * status "ok" and a metric value. Null otherwise (nothing works, or no strategy has a value).
 */
function bestOf(ranked: ReadonlyArray<IWalkerStrategyResult>): IWalkerStrategyResult | null {
  const head = ranked[0];
  return head !== undefined && head.status === "ok" && Number.isFinite(head.metricValue) ? head : null;
}
