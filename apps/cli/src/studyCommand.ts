// What `bt optimize` and `bt walkforward` share: the space file and the flags that override it (trials,
// seed, sampler, objective, batch size, robustness runs), the run setup and the study runner, the
// journal header, the resume line, the mapping of a journal of another study to bad input, and the
// robustness of the best run per symbol (@bt/research's assessRobustness, in this process).

import { existsSync } from "node:fs";
import { BtError, isWalkerMetric, WALKER_METRICS } from "@bt/core";
import {
  assessRobustness,
  type IObjective,
  type IObjectiveOptions,
  type IRunRobustness,
  type IStudyResult,
  resolveObjective,
  type SamplerKind,
} from "@bt/research";
import { badInput } from "./cliError";
import type { ICliIo } from "./cliIo";
import type { IParsedArgs } from "./parsedArgs";
import { stringOption } from "./parsedArgs";
import { type IRunFileSetup, resolveRunFileSetup } from "./runFileSetup";
import { DEFAULT_TRIALS, type ILoadedSpaceFile, isSamplerKind, loadSpaceFile } from "./spaceFile";
import { createCliStudyRunner, type ICliStudyRunner } from "./studyRunner";

/** Best trials shown by default (--top). */
export const DEFAULT_STUDY_TOP = 10;

/** The study's settings: the space file's, overridden by flags. */
export interface IStudySettings {
  trials: number;
  sampler: SamplerKind;
  seed: number | string;
  objective: IObjectiveOptions;
  batchSize: number;
  monteCarloRuns: number;
  baselineRuns: number;
  top: number;
}

/** A prepared study command: the file, setup, settings, runner and journal header. */
export interface IPreparedStudy {
  command: "optimize" | "walkforward";
  /** The space file as given on the command line (for the resume hint). */
  fileArgument: string;
  file: ILoadedSpaceFile;
  setup: IRunFileSetup;
  settings: IStudySettings;
  runner: ICliStudyRunner;
  /** Identity beyond what runStudy puts in the header itself (space, sampler, seed, batch, objective, frame). */
  journalHeader: Record<string, unknown>;
  /** True when the journal existed before this run (it resumes). */
  resuming: boolean;
}

function integerFlag(args: IParsedArgs, name: string, flag: string, min: number): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min) {
    throw badInput(
      `bad ${flag} ${JSON.stringify(text)}: must be an integer ≥ ${min}`,
      `e.g. ${flag} ${Math.max(min, 10)}`,
    );
  }
  return value;
}

/**
 * Reads --mc-runs (default 1,000) and --baseline-runs (default 100); both 0 skip the robustness checks.
 * @throws CliError (exit 2) for a bad count, or --mc-runs 0 with baseline runs.
 */
export function resolveRobustnessRuns(args: IParsedArgs): { monteCarloRuns: number; baselineRuns: number } {
  const monteCarloRuns = integerFlag(args, "mcRuns", "--mc-runs", 0) ?? 1000;
  const baselineRuns = integerFlag(args, "baselineRuns", "--baseline-runs", 0) ?? 100;
  if (monteCarloRuns === 0 && baselineRuns > 0) {
    // @bt/research's Monte Carlo needs ≥ 1 run; it has no switch to skip only that part.
    throw badInput(
      "--mc-runs 0 with baseline runs: the robustness checks need Monte Carlo runs",
      "give --mc-runs 0 --baseline-runs 0 to skip the robustness section, or --mc-runs ≥ 1",
    );
  }
  return { monteCarloRuns, baselineRuns };
}

/**
 * Reads the study flags over the space file's fields.
 * @throws CliError (exit 2) naming the flag and its value.
 */
export function resolveStudySettings(args: IParsedArgs, file: ILoadedSpaceFile): IStudySettings {
  const sampler = stringOption(args, "sampler") ?? file.sampler ?? "tpe";
  if (!isSamplerKind(sampler)) {
    throw badInput(`bad --sampler ${JSON.stringify(sampler)}`, "one of tpe, random, grid");
  }
  const seedText = stringOption(args, "seed");
  let seed: number | string = file.seed ?? 1;
  if (seedText !== undefined) {
    if (seedText.trim() === "") throw badInput('bad --seed "": must not be empty', "e.g. --seed 7");
    // An integer seed stays a number, so `--seed 7` is the study of `seed: 7` in a file.
    seed = /^-?\d+$/.test(seedText) && Number.isSafeInteger(Number(seedText)) ? Number(seedText) : seedText;
  }
  const metric = stringOption(args, "objective");
  if (metric !== undefined && metric !== "profitDrawdown" && !isWalkerMetric(metric)) {
    throw badInput(
      `bad --objective ${JSON.stringify(metric)}`,
      `one of ${[...WALKER_METRICS, "profitDrawdown"].join(", ")}`,
    );
  }
  const minTrades = integerFlag(args, "minTrades", "--min-trades", 0);
  const penaltyText = stringOption(args, "drawdownPenalty");
  let drawdownPenalty: number | undefined;
  if (penaltyText !== undefined) {
    drawdownPenalty = Number(penaltyText);
    if (penaltyText.trim() === "" || !Number.isFinite(drawdownPenalty) || drawdownPenalty < 0) {
      throw badInput(
        `bad --drawdown-penalty ${JSON.stringify(penaltyText)}: must be a number ≥ 0`,
        "e.g. --drawdown-penalty 0.5",
      );
    }
  }
  const objective: IObjectiveOptions = {
    ...file.objective,
    ...(metric === undefined ? {} : { metric: metric as IObjectiveOptions["metric"] }),
    ...(minTrades === undefined ? {} : { minTrades }),
    ...(drawdownPenalty === undefined ? {} : { drawdownPenalty }),
  };
  const { monteCarloRuns, baselineRuns } = resolveRobustnessRuns(args);
  return {
    trials: integerFlag(args, "trials", "--trials", 1) ?? file.trials ?? DEFAULT_TRIALS,
    sampler,
    seed,
    objective,
    batchSize: integerFlag(args, "batch", "--batch", 1) ?? file.batchSize ?? 8,
    monteCarloRuns,
    baselineRuns,
    top: integerFlag(args, "top", "--top", 1) ?? DEFAULT_STUDY_TOP,
  };
}

/**
 * Loads the space file, resolves the setup and settings and creates the runner (close it when done).
 * @throws CliError (exit 2) for bad input.
 */
export async function prepareStudy(
  command: "optimize" | "walkforward",
  args: IParsedArgs,
  io: ICliIo,
): Promise<IPreparedStudy> {
  const path = args.positionals[0];
  if (path === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one space file",
      `bt ${command} <space file> [options]; see bt ${command} --help`,
    );
  }
  const file = await loadSpaceFile(path, io.cwd);
  const settings = resolveStudySettings(args, file);
  const setup = await resolveRunFileSetup(args, io, file, "studies");
  const runner = await createCliStudyRunner(
    setup.runner,
    setup.candles,
    setup.strategy,
    setup.identity.runId,
    io,
  );
  // runStudy adds the space, sampler, seed, batch size, objective, strategy name, symbols and frame;
  // `trials` is left out so a rerun may extend the study.
  const journalHeader = {
    command,
    strategyModule: { ...setup.strategy, contentHash: file.strategy.contentHash },
    data: setup.data,
    config: setup.config,
    backtest: setup.backtest,
    exchangeName: setup.exchangeName,
  };
  return {
    command,
    fileArgument: path,
    file,
    setup,
    settings,
    runner,
    journalHeader,
    resuming: existsSync(setup.identity.journalPath),
  };
}

/** A journal of another run (other settings under this run id) is bad input; anything else is rethrown. */
/**
 * The runner and study options optimize and walkforward share: the run file's setup, the study settings,
 * the journal and its header, and the runner's per-sweep options.
 */
export function studyRunOptions(prepared: IPreparedStudy) {
  const { setup, settings, file, runner } = prepared;
  return {
    strategy: setup.strategy,
    symbols: setup.symbols,
    frame: setup.frame,
    backtest: setup.backtest,
    config: setup.config,
    exchangeName: setup.exchangeName,
    space: file.space,
    trials: settings.trials,
    sampler: settings.sampler,
    seed: settings.seed,
    objective: settings.objective,
    batchSize: settings.batchSize,
    journal: setup.identity.journalPath,
    journalHeader: prepared.journalHeader,
    runOptions: runner.runOptions,
  };
}

export function studyJournalError(error: unknown, runId: string): unknown {
  if (
    BtError.isInstance(error) &&
    ((error.code === "VALIDATION" && error.message.startsWith("run journal ")) ||
      (error.code === "STATE" && error.field === "journal"))
  ) {
    return badInput(
      error.message,
      `run id ${runId} was started with other settings: rerun with the same space file and flags (only --trials may grow), or start a new run without --run-id`,
      error,
    );
  }
  return error;
}

/** The objective a study scores with (the settings' options resolved). */
export function studyObjective(settings: IStudySettings): IObjective {
  return resolveObjective(settings.objective);
}

/**
 * The robustness of a study's best run on each symbol (none when the study has no best, or both run
 * counts are 0); `tried` are the distinct trials' runs of the symbol.
 */
export async function studyRobustness(
  study: IStudyResult,
  prepared: Pick<IPreparedStudy, "setup" | "settings" | "runner">,
  frame = prepared.setup.frame,
): Promise<IRunRobustness[]> {
  const { settings, setup, runner } = prepared;
  if (study.bestRun === null || (settings.monteCarloRuns === 0 && settings.baselineRuns === 0)) return [];
  const robustness: IRunRobustness[] = [];
  for (const symbol of study.symbols) {
    const best = study.bestRun.symbols.find((item) => item.symbol === symbol)?.ranking[0];
    if (best === undefined || best.error !== null) continue;
    const tried = study.trials
      .filter((trial) => trial.duplicateOf === null)
      .flatMap((trial) => trial.runs.filter((run) => run.symbol === symbol));
    robustness.push(
      await assessRobustness(
        {
          frame,
          backtest: setup.backtest,
          config: setup.config,
          exchangeName: setup.exchangeName,
          ...runner.data,
        },
        {
          best,
          tried,
          objective: study.objective,
          options: {
            monteCarloRuns: settings.monteCarloRuns,
            baselineRuns: settings.baselineRuns,
            seed: settings.seed,
          },
        },
      ),
    );
  }
  return robustness;
}
