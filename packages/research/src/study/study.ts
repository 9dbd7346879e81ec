// runStudy: an optimisation study over a search space. Trials are sampled in batches of a fixed size
// (trial n from its own seeded stream and the trials of the earlier batches), each batch runs through
// any sweep runner (in this thread, on worker threads, or on the cluster), and every finished trial is
// appended to a journal before it counts. The same seed and batch size give the same study whatever the
// runner or thread count, and a study killed at any instant resumes with exactly the trials missing.

import {
  combinationName,
  type ISweepEntry,
  type ISweepError,
  type ISweepFrame,
  type ISweepResult,
  type ISweepStrategy,
  openRunJournal,
} from "@bt/cluster";
import { BtError, describeValue, type IStatistics } from "@bt/core";
import { type IParamImportance, parameterImportance } from "../importance";
import { createRng, deriveSeed } from "../rng";
import {
  createGridSampler,
  createRandomSampler,
  createTpeSampler,
  type ISampler,
  type ITpeOptions,
} from "../samplers";
import { gridSize, type ParamSet, type SearchSpace } from "../searchSpace";
import { type IObjective, type IObjectiveOptions, resolveObjective, scoreStatistics } from "./objective";

/** The samplers a study can name (a custom ISampler object works too). */
export type SamplerKind = "tpe" | "random" | "grid";

/** What every sweep runner's options must carry for a study (the runner fills in the rest). */
export interface IStudyRunnable {
  strategy: ISweepStrategy<never> | ISweepStrategy;
  symbols: string | ReadonlyArray<string>;
  frame: ISweepFrame;
}

/** One symbol's backtest of a trial: its statistics, or its error. */
export interface IStudyTrialRun {
  symbol: string;
  stats: IStatistics | null;
  error: ISweepError | null;
}

/** One trial: a parameter set, its runs on every symbol, and its score. */
export interface IStudyTrial {
  /** 0-based, in sampling order. */
  number: number;
  batch: number;
  params: ParamSet;
  strategyName: string;
  /**
   * "ok": scored; "na": ran, but the objective is not computable (reason says why); "failed": a
   * backtest threw (reason carries its message).
   */
  status: "ok" | "na" | "failed";
  /** The mean score over the symbols (maximised), null unless status is "ok". */
  value: number | null;
  reason: string | null;
  runs: ReadonlyArray<IStudyTrialRun>;
  /** The earlier trial with the same parameters whose runs this one reuses, or null. */
  duplicateOf: number | null;
}

/** Progress of a study: trials and backtests done out of their totals. */
export interface IStudyProgress {
  completedTrials: number;
  totalTrials: number;
  /** Trials taken from the journal at the start. */
  resumedTrials: number;
  /** Backtests run by this process so far (resumed trials not counted). */
  backtests: number;
}

/** The study-specific options. */
export interface IStudyOptions {
  space: SearchSpace;
  /** Trials to finish (a grid study stops at the grid's size). */
  trials: number;
  /** Default "tpe". */
  sampler?: SamplerKind | ISampler;
  /** Options of the TPE sampler. */
  tpe?: ITpeOptions;
  /** Default 1: the same seed (and batch size) gives the same study. */
  seed?: number | string;
  objective?: IObjectiveOptions;
  /** Trials sampled together and run as one sweep; default 8. Part of the study's identity. */
  batchSize?: number;
  /** A JSON-lines journal: finished trials are appended (fsynced); an existing one is resumed. */
  journal?: string;
  /** More identity for the journal's header (e.g. the strategy file's hash); a mismatch refuses to resume. */
  journalHeader?: Readonly<Record<string, unknown>>;
  /** Extra runner options per sweep ("b0", "b1", …, "best"), e.g. a cluster runId. */
  runOptions?: (label: string) => object;
  /** Re-run the best trial with its closed signals (for robustness checks); default true. */
  keepBest?: boolean;
  onTrial?: (trial: IStudyTrial, progress: IStudyProgress) => void;
  /** Called after each backtest of the study (named apart from the runners' own onProgress). */
  onStudyProgress?: (progress: IStudyProgress) => void;
}

/** What the study sets in the runner's options of each sweep it runs. */
export interface IStudySweep {
  /** The sampled parameter sets; typed never[] so that any runner's parameter type takes them (the space gives their shape). */
  params: never[];
  keepClosed: boolean;
  metric: "sharpeRatio";
  onProgress?: (progress: { entry: ISweepEntry }) => void;
}

/** What runStudy returns. */
export interface IStudyResult {
  objective: IObjective;
  sampler: string;
  seed: number | string;
  batchSize: number;
  space: SearchSpace;
  /** Every trial, by number. */
  trials: IStudyTrial[];
  /** Scored trials best first, then N/A, then failed (each group by number). */
  ranking: IStudyTrial[];
  best: IStudyTrial | null;
  /** Each parameter's importance and partial dependence over the scored trials. */
  importance: IParamImportance[];
  /** The best trial's sweep with closed signals kept (null without a best, or with keepBest false). */
  bestRun: ISweepResult | null;
  resumedTrials: number;
  /** Backtests this process ran. */
  backtests: number;
  elapsedMs: number;
  frame: ISweepFrame;
  symbols: string[];
  strategyName: string;
}

interface IJournalTrial {
  number: number;
  params: ParamSet;
  runs: IStudyTrialRun[];
}

const JOURNAL_KIND = "bt-study";

function checkCount(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new BtError(
      "VALIDATION",
      `study: ${field} must be a positive integer, got ${describeValue(value)}`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

function makeSampler(options: IStudyOptions): ISampler {
  const sampler = options.sampler ?? "tpe";
  if (typeof sampler === "object") return sampler;
  switch (sampler) {
    case "tpe":
      return createTpeSampler(options.tpe);
    case "random":
      return createRandomSampler();
    case "grid":
      return createGridSampler(options.space);
    default:
      throw new BtError(
        "VALIDATION",
        `study: sampler must be "tpe", "random" or "grid", got ${describeValue(sampler)}`,
        { field: "sampler", value: sampler },
      );
  }
}

/** A trial's status and score from its runs (the mean over symbols). */
function scoreTrial(
  objective: IObjective,
  runs: ReadonlyArray<IStudyTrialRun>,
): Pick<IStudyTrial, "status" | "value" | "reason"> {
  const failed = runs.find((run) => run.error !== null);
  if (failed) {
    return { status: "failed", value: null, reason: `${failed.symbol}: ${failed.error?.message}` };
  }
  let sum = 0;
  for (const run of runs) {
    const score = scoreStatistics(objective, run.stats);
    if (score.value === null) return { status: "na", value: null, reason: `${run.symbol}: ${score.reason}` };
    sum += score.value;
  }
  return { status: "ok", value: sum / runs.length, reason: null };
}

function toRun(entry: ISweepEntry): IStudyTrialRun {
  return { symbol: entry.symbol, stats: entry.stats, error: entry.error };
}

/** Scored trials best first (ties by number), then N/A, then failed. */
export function rankTrials(trials: ReadonlyArray<IStudyTrial>): IStudyTrial[] {
  const tier = { ok: 0, na: 1, failed: 2 } as const;
  return [...trials].sort(
    (a, b) => tier[a.status] - tier[b.status] || (b.value ?? 0) - (a.value ?? 0) || a.number - b.number,
  );
}

/**
 * Runs an optimisation study: `options.trials` parameter sets from the sampler, each backtested on every
 * symbol by `run` (runSweepSequential, runSweep or runClusterSweep from @bt/cluster, with their options).
 * @throws BtError VALIDATION for bad options, STATE when the journal belongs to another study; whatever the runner throws.
 * @example
 * const study = await runStudy(runSweepSequential, { strategy: { name: "sma", factory }, columns, symbols: "BTCUSDT", frame,
 *   space: { fast: { type: "int", low: 2, high: 30 } }, trials: 40, seed: 7, objective: { metric: "sharpeRatio", minTrades: 10 } });
 */
export async function runStudy<const O extends IStudyRunnable>(
  run: (options: O & IStudySweep) => Promise<ISweepResult>,
  options: O & IStudyOptions,
): Promise<IStudyResult> {
  const startedAt = performance.now();
  const {
    space,
    sampler: _sampler,
    tpe: _tpe,
    seed = 1,
    objective: objectiveOptions,
    batchSize: batchOption = 8,
    journal: journalPath,
    journalHeader,
    runOptions,
    keepBest = true,
    onTrial,
    onStudyProgress,
    trials: trialOption,
    ...base
  } = options;
  const objective = resolveObjective(objectiveOptions);
  const sampler = makeSampler(options);
  const batchSize = checkCount("batchSize", batchOption);
  const grid = sampler.kind === "grid" ? gridSize(space) : null;
  const totalTrials = Math.min(checkCount("trials", trialOption), grid ?? Number.POSITIVE_INFINITY);
  const symbols = typeof base.symbols === "string" ? [base.symbols] : [...base.symbols];
  const strategyName = base.strategy.name;

  const journal =
    journalPath === undefined
      ? null
      : await openRunJournal<Record<string, unknown>, IJournalTrial>(
          journalPath,
          {
            ...journalHeader,
            space,
            sampler: sampler.kind,
            tpe: options.tpe ?? null,
            seed,
            batchSize,
            objective: {
              metric: objective.metric,
              minTrades: objective.minTrades,
              drawdownPenalty: objective.drawdownPenalty,
            },
            strategyName,
            symbols,
            frame: base.frame,
          },
          { kind: JOURNAL_KIND },
        );
  const stored = new Map<number, IJournalTrial>();
  for (const record of journal?.records ?? []) stored.set(record.number, record);

  const trials: IStudyTrial[] = [];
  const byName = new Map<string, IStudyTrial>();
  let backtests = 0;
  const resumedTrials = [...stored.keys()].filter((number) => number < totalTrials).length;
  const progress = (): IStudyProgress => ({
    completedTrials: trials.length,
    totalTrials,
    resumedTrials,
    backtests,
  });
  const finish = (number: number, batch: number, params: ParamSet, runs: ReadonlyArray<IStudyTrialRun>) => {
    const name = combinationName(strategyName, params);
    const earlier = byName.get(name);
    const trial: IStudyTrial = {
      number,
      batch,
      params,
      strategyName: name,
      ...scoreTrial(objective, runs),
      runs,
      duplicateOf: earlier && earlier.number !== number ? earlier.number : null,
    };
    if (!earlier) byName.set(name, trial);
    trials.push(trial);
    return trial;
  };

  try {
    for (let first = 0, batch = 0; first < totalTrials; first += batchSize, batch += 1) {
      const numbers = Array.from({ length: Math.min(batchSize, totalTrials - first) }, (_, i) => first + i);
      // The history of this batch: every trial of the earlier batches, in number order.
      const history = trials
        .filter((trial) => trial.number < first)
        .sort((a, b) => a.number - b.number)
        .map((trial) => ({ params: trial.params, value: trial.value }));
      const sampled = numbers.map((number) =>
        sampler.sample({
          space,
          history,
          rng: createRng(deriveSeed(seed, "trial", number)),
          trialNumber: number,
        }),
      );
      // Trials from the journal first (checked against what the sampler gives now), then the rest.
      // Per parameter set still to run: its parameters and the trial numbers that sampled it.
      const pending = new Map<string, { params: ParamSet; numbers: number[] }>();
      numbers.forEach((number, index) => {
        const params = sampled[index] as ParamSet;
        const name = combinationName(strategyName, params);
        const record = stored.get(number);
        if (record) {
          if (combinationName(strategyName, record.params) !== name) {
            throw new BtError(
              "STATE",
              `study: the journal's trial ${number} has ${combinationName(strategyName, record.params)} but this study samples ${name}: the journal belongs to another study (space, sampler, seed or batch size changed)`,
              { field: "journal", value: journal?.path },
            );
          }
          const trial = finish(number, batch, record.params, record.runs);
          onTrial?.(trial, progress());
          return;
        }
        const earlier = byName.get(name);
        if (earlier) {
          const trial = finish(number, batch, params, earlier.runs);
          onTrial?.(trial, progress());
          return;
        }
        const same = pending.get(name);
        if (same) same.numbers.push(number);
        else pending.set(name, { params, numbers: [number] });
      });
      if (pending.size === 0) continue;
      const entriesByName = new Map<string, ISweepEntry[]>();
      const appends: Array<Promise<void>> = [];
      const onEntry = (entry: ISweepEntry) => {
        backtests += 1;
        const entries = [...(entriesByName.get(entry.strategyName) ?? []), entry];
        entriesByName.set(entry.strategyName, entries);
        if (entries.length === symbols.length) {
          const runs = symbols.map((symbol) =>
            toRun(entries.find((item) => item.symbol === symbol) as ISweepEntry),
          );
          const { params, numbers: sampledBy } = pending.get(entry.strategyName) as {
            params: ParamSet;
            numbers: number[];
          };
          for (const number of sampledBy) {
            const trial = finish(number, batch, params, runs);
            if (journal) appends.push(journal.append({ number, params, runs }));
            onTrial?.(trial, progress());
          }
        }
        onStudyProgress?.(progress());
      };
      await run({
        ...base,
        params: [...pending.values()].map((item) => item.params),
        keepClosed: false,
        metric: "sharpeRatio",
        onProgress: ({ entry }: { entry: ISweepEntry }) => onEntry(entry),
        ...runOptions?.(`b${batch}`),
      } as unknown as O & IStudySweep);
      await Promise.all(appends);
    }
  } finally {
    await journal?.close();
  }

  trials.sort((a, b) => a.number - b.number);
  const ranking = rankTrials(trials);
  const best = ranking[0]?.status === "ok" ? ranking[0] : null;
  const bestRun =
    best && keepBest
      ? await run({
          ...base,
          params: [best.params],
          keepClosed: true,
          metric: "sharpeRatio",
          ...runOptions?.("best"),
        } as unknown as O & IStudySweep)
      : null;
  return {
    objective,
    sampler: sampler.kind,
    seed,
    batchSize,
    space,
    trials,
    ranking,
    best,
    importance: parameterImportance(
      space,
      trials
        .filter((trial) => trial.duplicateOf === null)
        .map((trial) => ({ params: trial.params, value: trial.value })),
    ),
    bestRun,
    resumedTrials,
    backtests,
    elapsedMs: performance.now() - startedAt,
    frame: base.frame,
    symbols,
    strategyName,
  };
}
