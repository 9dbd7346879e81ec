// The walker: one backtest per strategy on the same exchange, frame and symbol, over one shared
// candle store, then a ranking by the walker's metric with core's rankByMetric: a strategy whose run
// threw or whose status is "failed" never ranks above a working one, and the running best of the
// progress events is the head of the same ranking. A strategy that throws is reported on listenError
// and the others still run.

import {
  computeStatistics,
  emptyRunProblems,
  type IRunProblems,
  type IStrategyTickResultClosed,
  mergeRunProblems,
  type RunStatus,
  rankByMetric,
} from "@bt/core";
import { runBacktest } from "../backtest/backtestRunner";
import { planStore } from "../candles/storePlan";
import { toError } from "../events/eventBus";
import type { IWalkerProgressEvent, IWalkerResult, IWalkerStrategyResult } from "../events/events";
import { checkSymbols, type IPortfolioOptions, runPortfolio } from "../portfolio/portfolioRunner";
import { type IBacktestRunRecord, recordStatus } from "../run/backtestRecord";
import { type EngineState, runKey } from "../run/engineState";
import { type IResolvedWalkerRun, resolveWalkerRun } from "../run/resolveRun";
import { type IBacktestOptions, resolveBacktestOptions } from "../run/runOptions";

/** Which walker to run. */
export interface IWalkerContext {
  walkerName: string;
}

/** What a walker keeps of one strategy's run. */
interface IStrategyOutcome {
  closed: ReadonlyArray<IStrategyTickResultClosed>;
  problems: IRunProblems;
  status: RunStatus;
  markedMaxDrawdownPercent: number | undefined;
}

/**
 * How a walker runs one strategy. `seen.problems` is set as soon as the run has a record, so a run that
 * throws still reports what went wrong before.
 */
type RunStrategy = (strategyName: string, seen: { problems?: IRunProblems }) => Promise<IStrategyOutcome>;

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
  const { exchange, frame } = run;
  const resolvedOptions = resolveBacktestOptions("Walker", options);
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
      state.config,
    )),
    batchSize: resolvedOptions.batchSize,
    gapPolicy: resolvedOptions.gapPolicy,
    logger: state.logger,
  });
  try {
    return yield* walk(state, symbol, run, async (strategyName, seen) => {
      let record: IBacktestRunRecord | undefined;
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
            seen.problems = created.problems;
          },
        },
      );
      for await (const _ of backtest) {
        // Results reach listeners through the bus; the walker reads the run's record.
      }
      const done = record as IBacktestRunRecord | undefined;
      return {
        closed: done?.closed ?? [],
        problems: done?.problems ?? emptyRunProblems(),
        status: done === undefined ? "ok" : recordStatus(done),
        markedMaxDrawdownPercent: done?.markedMaxDrawdownPercent,
      };
    });
  } finally {
    lease.release();
  }
}

/**
 * The walker over a portfolio: every strategy runs on all `symbols` from one account (runPortfolio,
 * options.maxOpenPositions), ranked by the walker's metric over all its trades as one sequence by close
 * time (the heat report's Total row); the marked drawdown is the account's business (getPortfolioData),
 * so it is N/A here. Results are kept under the symbols joined by ",".
 * @throws BtError VALIDATION for bad symbols or options, SCHEMA for unknown names.
 */
export async function* runWalkerPortfolio(
  state: EngineState,
  symbols: ReadonlyArray<string>,
  context: IWalkerContext,
  options: IPortfolioOptions = {},
): AsyncGenerator<IWalkerProgressEvent, IWalkerResult, undefined> {
  const checked = checkSymbols("Walker.runPortfolio", symbols);
  const run = resolveWalkerRun(state, checked[0] as string, context);
  const { exchange, frame } = run;
  return yield* walk(state, checked.join(","), run, async (strategyName, seen) => {
    const portfolio = runPortfolio(
      state,
      checked,
      { strategyName, exchangeName: exchange.exchangeName, frameName: frame.frameName },
      options,
    );
    // The runs' records as they are filled: a run that throws still reports what went wrong before.
    const runs = () => state.portfolioRuns.get(strategyName)?.runs ?? [];
    try {
      for await (const _ of portfolio) {
        // Results reach listeners through the bus; the walker reads the runs' records.
      }
    } finally {
      seen.problems = mergeRunProblems(runs().map((entry) => entry.problems));
    }
    const records = runs();
    return {
      closed: records
        .flatMap((entry) => entry.closed)
        .sort((left, right) => left.timestamp - right.timestamp),
      problems: seen.problems,
      status: records.some((entry) => recordStatus(entry) === "failed") ? "failed" : "ok",
      markedMaxDrawdownPercent: undefined,
    };
  });
}

/** The walk itself: each strategy through `runOne`, progress after each, then the ranking. */
async function* walk(
  state: EngineState,
  symbol: string,
  run: IResolvedWalkerRun,
  runOne: RunStrategy,
): AsyncGenerator<IWalkerProgressEvent, IWalkerResult, undefined> {
  const { walker, exchange, frame, metric } = run;
  const startMs = frame.startDate.getTime();
  const endMs = frame.endDate.getTime();
  const results: IWalkerStrategyResult[] = [];
  for (const { strategy } of run.strategies) {
    const strategyName = strategy.strategyName;
    const seen: { problems?: IRunProblems } = {};
    let strategyResult: IWalkerStrategyResult;
    try {
      const outcome = await runOne(strategyName, seen);
      const stats = computeStatistics(outcome.closed, {
        periodStartMs: startMs,
        periodEndMs: endMs,
        markedMaxDrawdownPercent: outcome.markedMaxDrawdownPercent,
      });
      strategyResult = {
        strategyName,
        stats,
        metricValue: stats[metric],
        error: null,
        status: outcome.status,
        problems: outcome.problems,
      };
    } catch (error) {
      state.bus.emitError(error, { source: "walker", walkerName: walker.walkerName, strategyName, symbol });
      strategyResult = {
        strategyName,
        stats: null,
        metricValue: null,
        error: toError(error),
        status: "failed",
        problems: seen.problems ?? emptyRunProblems(),
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
