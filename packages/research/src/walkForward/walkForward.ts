// Walk-forward optimisation: the frame is cut into folds (rolling or anchored train windows, each
// followed by its test window); every fold optimises the parameters again on its train window with a
// study, runs the winner once on its test window, and the out-of-sample trades of all folds are
// stitched into one equity curve. Each fold reports its efficiency: out-of-sample return per day over
// in-sample return per day.

import type { ISweepEntry, ISweepFrame, ISweepResult } from "@bt/cluster";
import {
  BtError,
  computeStatistics,
  DAY_MS,
  describeValue,
  type IStatistics,
  type IStrategyTickResultClosed,
} from "@bt/core";
import { walkForwardFolds } from "../folds";
import {
  type IStudyOptions,
  type IStudyResult,
  type IStudyRunnable,
  type IStudySweep,
  runStudy,
} from "../study/study";

/** How the frame is cut into folds. */
export interface IWalkForwardFoldOptions {
  folds: number;
  /** "rolling" (default): each train window is the trainMs before its test; "anchored": train from the frame's start. */
  mode?: "rolling" | "anchored";
  trainMs?: number;
  testMs?: number;
}

/** One fold: its windows, its study, and the winner in and out of sample per symbol. */
export interface IWalkForwardFold {
  index: number;
  train: ISweepFrame;
  test: ISweepFrame;
  study: IStudyResult;
  /** Per symbol: the winner on the train window (with closed signals) and on the test window. */
  symbols: Array<{
    symbol: string;
    inSample: ISweepEntry | null;
    outOfSample: ISweepEntry | null;
    /** OOS total PnL per day / IS total PnL per day; null with `efficiencyProblem`. */
    efficiency: number | null;
    efficiencyProblem: string | null;
  }>;
}

/** The stitched out-of-sample result of one symbol over every fold's test window. */
export interface IWalkForwardStitched {
  symbol: string;
  closed: IStrategyTickResultClosed[];
  stats: IStatistics;
  /** Compounded closed-trade equity (1 = start) after each out-of-sample trade, with its close time. */
  equity: Array<{ timeMs: number; equity: number }>;
}

/** What runWalkForwardStudy returns. */
export interface IWalkForwardStudyResult {
  mode: "rolling" | "anchored";
  folds: IWalkForwardFold[];
  stitched: IWalkForwardStitched[];
  elapsedMs: number;
}

function perDay(stats: IStatistics | null | undefined, frame: ISweepFrame): number | null {
  if (!stats) return null;
  return stats.totalPnl / ((frame.endMs - frame.startMs) / DAY_MS);
}

function efficiencyOf(
  inSample: ISweepEntry | null,
  outOfSample: ISweepEntry | null,
  train: ISweepFrame,
  test: ISweepFrame,
): { efficiency: number | null; efficiencyProblem: string | null } {
  if (inSample === null) return { efficiency: null, efficiencyProblem: "no winner in sample" };
  if (outOfSample?.error)
    return { efficiency: null, efficiencyProblem: `out of sample failed: ${outOfSample.error.message}` };
  const isDaily = perDay(inSample.stats, train);
  const oosDaily = perDay(outOfSample?.stats, test);
  if (isDaily === null || oosDaily === null)
    return { efficiency: null, efficiencyProblem: "a run has no statistics" };
  if (isDaily <= 0) {
    return { efficiency: null, efficiencyProblem: "in-sample return ≤ 0: the ratio is not meaningful" };
  }
  return { efficiency: oosDaily / isDaily, efficiencyProblem: null };
}

function entryOf(result: ISweepResult | null, symbol: string): ISweepEntry | null {
  return result?.symbols.find((item) => item.symbol === symbol)?.ranking[0] ?? null;
}

/**
 * Runs a walk-forward optimisation: for each fold a study on its train window (`options.frame` is the
 * whole span), then the fold's winner on its test window, with the same runner.
 * @throws BtError VALIDATION for bad folds or study options; whatever the runner throws.
 * @example
 * const wf = await runWalkForwardStudy(runSweepSequential, { ...sweep, frame: wholeSpan, space, trials: 30,
 *   folds: { folds: 4, mode: "rolling", testMs: 7 * DAY_MS } });
 */
export async function runWalkForwardStudy<const O extends IStudyRunnable>(
  run: (options: O & IStudySweep) => Promise<ISweepResult>,
  options: O &
    IStudyOptions & {
      folds: IWalkForwardFoldOptions;
      /** Called when a fold starts (index, count). */
      onFold?: (index: number, count: number) => void;
    },
): Promise<IWalkForwardStudyResult> {
  const startedAt = performance.now();
  const { folds: foldOptions, onFold, journal, runOptions, ...rest } = options;
  // The test-window run gets the runner's options only, none of the study's.
  const {
    space: _space,
    trials: _trials,
    sampler: _sampler,
    tpe: _tpe,
    seed: _seed,
    objective: _objective,
    batchSize: _batchSize,
    journalHeader: _journalHeader,
    keepBest: _keepBest,
    onTrial: _onTrial,
    onStudyProgress: _onStudyProgress,
    ...sweepBase
  } = rest;
  const mode = foldOptions?.mode ?? "rolling";
  if (mode !== "rolling" && mode !== "anchored") {
    throw new BtError(
      "VALIDATION",
      `walk-forward: folds.mode must be "rolling" or "anchored", got ${describeValue(mode)}`,
      {
        field: "folds.mode",
        value: mode,
      },
    );
  }
  const { frame } = options;
  const windows = walkForwardFolds({
    startMs: frame.startMs,
    endMs: frame.endMs,
    folds: foldOptions.folds,
    mode,
    ...(foldOptions.trainMs === undefined ? {} : { trainMs: foldOptions.trainMs }),
    ...(foldOptions.testMs === undefined ? {} : { testMs: foldOptions.testMs }),
  });
  const symbols = typeof options.symbols === "string" ? [options.symbols] : [...options.symbols];
  const folds: IWalkForwardFold[] = [];
  for (const window of windows) {
    onFold?.(window.index, windows.length);
    const name = `${frame.frameName}-fold${window.index + 1}`;
    const train: ISweepFrame = { ...frame, frameName: `${name}-train`, ...window.train };
    const test: ISweepFrame = { ...frame, frameName: `${name}-test`, ...window.test };
    const foldRunOptions = (label: string) => runOptions?.(`f${window.index}-${label}`) ?? {};
    const study = await runStudy(run, {
      ...rest,
      frame: train,
      keepBest: true,
      runOptions: foldRunOptions,
      ...(journal === undefined
        ? {}
        : { journal: `${journal.replace(/\.jsonl$/, "")}.fold${window.index + 1}.jsonl` }),
    } as unknown as O & IStudyOptions);
    const outOfSample = study.best
      ? await run({
          ...sweepBase,
          frame: test,
          params: [study.best.params],
          keepClosed: true,
          metric: "sharpeRatio",
          ...foldRunOptions("test"),
        } as unknown as O & IStudySweep)
      : null;
    folds.push({
      index: window.index,
      train,
      test,
      study,
      symbols: symbols.map((symbol) => {
        const inSample = entryOf(study.bestRun, symbol);
        const out = entryOf(outOfSample, symbol);
        return { symbol, inSample, outOfSample: out, ...efficiencyOf(inSample, out, train, test) };
      }),
    });
  }
  const first = folds[0]?.test.startMs ?? frame.startMs;
  const last = folds[folds.length - 1]?.test.endMs ?? frame.endMs;
  const stitched = symbols.map((symbol) => {
    const closed = folds
      .flatMap((fold) => fold.symbols.find((item) => item.symbol === symbol)?.outOfSample?.closed ?? [])
      .sort((a, b) => a.timestamp - b.timestamp);
    let equity = 1;
    return {
      symbol,
      closed,
      stats: computeStatistics(closed, { periodStartMs: first, periodEndMs: last }),
      equity: closed.map((result) => {
        equity *= 1 + result.pnl.pnlPercentage / 100;
        return { timeMs: result.timestamp, equity };
      }),
    };
  });
  return { mode, folds, stitched, elapsedMs: performance.now() - startedAt };
}
