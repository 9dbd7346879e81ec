// Is the best parameter set just luck? For one symbol's best run: Monte Carlo bands of its closed trades
// (shuffled and bootstrapped), its deflated Sharpe ratio given how many parameter sets were tried, and a
// random-entry baseline (the same exits at random entry times) with an empirical p-value.

import {
  type ISequentialSweepOptions,
  type ISweepEntry,
  runSweepSequential,
  type SweepStrategySchema,
} from "@bt/cluster";
import { type CandleInterval, type IStrategyTickResultClosed, sampleStdDev } from "@bt/core";
import { getAveragePrice } from "@bt/engine";
import { type IMonteCarloResult, monteCarloTrades } from "../monteCarlo";
import { empiricalPValue } from "../pValue";
import { createRng, deriveSeed } from "../rng";
import { deflatedSharpeRatio, type IDeflatedSharpe } from "../sharpeSignificance";
import { type IObjective, scoreStatistics } from "./objective";

/** The random-entry baseline of one run: scores of random entries with its exits, and the p-value. */
export type IRandomEntryBaseline =
  | {
      status: "ok";
      runs: number;
      /** Entry decisions are drawn on this interval's boundaries. */
      interval: CandleInterval;
      /** Scores of the baseline runs that could be scored. */
      scores: number[];
      /** Baseline runs whose score is N/A (e.g. too few trades), left out of the p-value. */
      unscored: number;
      observed: number;
      /** (1 + #{baseline ≥ observed}) / (1 + scored runs). */
      pValue: number;
    }
  | { status: "na"; reason: string };

/** Robustness of one symbol's best run. */
export interface IRunRobustness {
  symbol: string;
  strategyName: string;
  trades: number;
  shuffle: IMonteCarloResult | null;
  bootstrap: IMonteCarloResult | null;
  /** Null with `monteCarloProblem` when there are fewer than 2 trades. */
  monteCarloProblem: string | null;
  deflatedSharpe: IDeflatedSharpe;
  /** Parameter sets tried (the N of the deflated Sharpe ratio). */
  trialCount: number;
  baseline: IRandomEntryBaseline;
}

/** Options of the robustness checks. */
export interface IRobustnessOptions {
  /** Default 1,000 per method; 0 skips the Monte Carlo bands. */
  monteCarloRuns?: number;
  /** Random-entry runs; default 100; 0 skips the baseline. */
  baselineRuns?: number;
  /** Decision interval of the random entries; default the frame's interval. */
  baselineInterval?: CandleInterval;
  seed?: number | string;
}

/** What the baseline needs to backtest: the sweep's candles, frame and settings (in this thread). */
export type BaselineSweepOptions = Omit<
  ISequentialSweepOptions,
  "strategy" | "params" | "symbols" | "metric" | "keepClosed" | "onProgress" | "resume"
>;

interface IExitTemplate {
  position: "long" | "short";
  takeProfit: number;
  stopLoss: number;
  minutes: number;
}

function exitTemplate(result: IStrategyTickResultClosed): IExitTemplate {
  const { signal } = result;
  return {
    position: signal.position,
    takeProfit: signal.originalTakeProfit / signal.priceOpen - 1,
    stopLoss: signal.originalStopLoss / signal.priceOpen - 1,
    minutes: signal.minuteEstimatedTime,
  };
}

/**
 * A strategy that enters at `count` random times of the frame (drawn from `seed`), each time with the
 * next of the shuffled exit templates (take profit and stop loss as the same fractions of the entry price,
 * the same holding limit). A time that falls while a position is open is skipped.
 */
function randomEntryStrategy(
  templates: ReadonlyArray<IExitTemplate>,
  frame: { startMs: number; endMs: number },
  interval: CandleInterval,
  seed: number,
): SweepStrategySchema {
  const rng = createRng(seed);
  const order = rng.shuffle(templates.map((_, index) => index));
  const span = frame.endMs - frame.startMs;
  const times = order.map(() => frame.startMs + rng.next() * span).sort((a, b) => a - b);
  let next = 0;
  let used = 0;
  return {
    interval,
    getSignal: async (symbol, when) => {
      const now = when.getTime();
      if (next >= times.length || (times[next] as number) > now) return null;
      while (next < times.length && (times[next] as number) <= now) next += 1;
      const template = templates[order[used] as number] as IExitTemplate;
      used += 1;
      const price = await getAveragePrice(symbol);
      return {
        position: template.position,
        priceTakeProfit: price * (1 + template.takeProfit),
        priceStopLoss: price * (1 + template.stopLoss),
        minuteEstimatedTime: template.minutes,
        note: "random entry",
      };
    },
  };
}

/**
 * Backtests `runs` random-entry strategies with the exits of `closed` on `symbol`, scores them with the
 * study's objective and compares them with `observed` (the run's own score).
 */
export async function randomEntryBaseline(
  sweep: BaselineSweepOptions,
  input: {
    symbol: string;
    closed: ReadonlyArray<IStrategyTickResultClosed>;
    observed: number | null;
    objective: IObjective;
    runs: number;
    interval: CandleInterval;
    seed: number | string;
  },
): Promise<IRandomEntryBaseline> {
  if (input.runs === 0) return { status: "na", reason: "skipped (0 baseline runs)" };
  if (input.closed.length === 0) return { status: "na", reason: "no closed trades to take exits from" };
  if (input.observed === null) return { status: "na", reason: "the run's own score is N/A" };
  const templates = input.closed.map(exitTemplate);
  const result = await runSweepSequential({
    ...sweep,
    strategy: {
      name: "random-entry",
      factory: ({ run }: { run: number }) =>
        randomEntryStrategy(templates, sweep.frame, input.interval, deriveSeed(input.seed, "baseline", run)),
    },
    params: Array.from({ length: input.runs }, (_, run) => ({ run })),
    symbols: [input.symbol],
    keepClosed: false,
  });
  const entries: ISweepEntry[] = result.symbols[0]?.ranking ?? [];
  const failed = entries.find((entry) => entry.error !== null);
  if (failed) return { status: "na", reason: `a baseline run failed: ${failed.error?.message}` };
  const scores: number[] = [];
  for (const entry of entries) {
    const score = scoreStatistics(input.objective, entry.stats);
    if (score.value !== null) scores.push(score.value);
  }
  if (scores.length === 0) {
    return { status: "na", reason: `none of the ${input.runs} baseline runs could be scored` };
  }
  return {
    status: "ok",
    runs: input.runs,
    interval: input.interval,
    scores,
    unscored: entries.length - scores.length,
    observed: input.observed,
    pValue: empiricalPValue(input.observed, scores, "higher"),
  };
}

/**
 * The robustness of `best` (a run with its closed signals) among `tried`, the runs of every parameter
 * set tried on the same symbol (their per-trade Sharpe ratios give the variance the deflated Sharpe needs).
 */
export async function assessRobustness(
  sweep: BaselineSweepOptions,
  input: {
    best: ISweepEntry;
    tried: ReadonlyArray<{ stats: ISweepEntry["stats"] }>;
    objective: IObjective;
    options?: IRobustnessOptions;
  },
): Promise<IRunRobustness> {
  const { best, tried, objective, options = {} } = input;
  const seed = options.seed ?? 1;
  const returns = best.closed.map((result) => result.pnl.pnlPercentage);
  const runs = options.monteCarloRuns ?? 1000;
  const monteCarlo = (method: "shuffle" | "bootstrap") =>
    returns.length < 2 || runs === 0
      ? null
      : monteCarloTrades({ returnsPercent: returns, runs, seed: deriveSeed(seed, method), method });
  const sharpes = tried.flatMap((run) => (run.stats?.sharpeRatio == null ? [] : [run.stats.sharpeRatio]));
  const std = sampleStdDev(sharpes);
  const variance = std === null ? null : std * std;
  const score = scoreStatistics(objective, best.stats);
  return {
    symbol: best.symbol,
    strategyName: best.strategyName,
    trades: returns.length,
    shuffle: monteCarlo("shuffle"),
    bootstrap: monteCarlo("bootstrap"),
    monteCarloProblem:
      runs === 0
        ? "skipped (0 Monte Carlo runs)"
        : returns.length < 2
          ? `${returns.length} closed trade(s), needs ≥ 2`
          : null,
    deflatedSharpe: deflatedSharpeRatio({
      returns,
      trials: tried.length,
      trialSharpeVariance: variance,
    }),
    trialCount: tried.length,
    baseline: await randomEntryBaseline(sweep, {
      symbol: best.symbol,
      closed: best.closed,
      observed: score.value,
      objective,
      runs: options.baselineRuns ?? 100,
      interval: options.baselineInterval ?? sweep.frame.interval ?? "1m",
      seed: deriveSeed(seed, "baseline"),
    }),
  };
}
