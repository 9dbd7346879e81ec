// `bt sweep <grid file>`: backtests every parameter set of a grid file on every symbol (worker threads,
// one thread, or `bt worker` processes on Redis), resumable by run id through a journal, and prints a
// ranking per symbol (or JSON with --json). Exit 1 when any backtest failed (each failure listed).

import { join } from "node:path";
import type { ISweepResult } from "@bt/cluster";
import { isWalkerMetric, WALKER_METRICS } from "@bt/core";
import { writeReport } from "@bt/report-markdown";
import { assessRobustness, type IRunRobustness, resolveObjective } from "@bt/research";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";
import { dumpFileName } from "../dumpFileName";
import type { IParsedArgs } from "../parsedArgs";
import { flagOption, stringOption } from "../parsedArgs";
import { commandText, type IRunFileSetup, resolveRunFileSetup } from "../runFileSetup";
import { type IRunOutcome, printRunOutcome, type RunFailure } from "../runOutcome";
import { resolveRobustnessRuns } from "../studyCommand";
import { loadSweepFile } from "../sweepFile";
import { DEFAULT_SWEEP_TOP, failedSweepEntries, renderSweepReport, sweepErrorText } from "../sweepReport";
import { runCliSweep } from "../sweepRunner";

/** Version of the --json / --dump output of bt sweep. */
export const SWEEP_OUTPUT_VERSION = 1;

function topOption(args: IParsedArgs): number {
  const text = stringOption(args, "top");
  if (text === undefined) return DEFAULT_SWEEP_TOP;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1) {
    throw badInput(`bad --top ${JSON.stringify(text)}: must be a positive integer`, "e.g. --top 10");
  }
  return top;
}

/**
 * The robustness of each symbol's best entry among every entry of that symbol. The sweep keeps closed
 * signals (runners and journal), so the best entry needs no second run; the baseline runs here.
 */
async function sweepRobustness(
  result: ISweepResult,
  setup: IRunFileSetup,
  runs: { monteCarloRuns: number; baselineRuns: number },
  io: ICliIo,
): Promise<IRunRobustness[]> {
  if (runs.monteCarloRuns === 0 && runs.baselineRuns === 0) return [];
  const objective = resolveObjective({ metric: result.metric });
  const data =
    setup.candles.kind === "files"
      ? { dataSource: { type: "file" as const, dir: setup.candles.dir } }
      : { exchange: setup.candles.schema };
  const robustness: IRunRobustness[] = [];
  for (const symbol of result.symbols) {
    const best = symbol.ranking[0];
    if (symbol.bestStrategy === null || best === undefined || best.error !== null) continue;
    io.stderr.write(
      `robustness of ${best.strategyName} on ${symbol.symbol}: ${runs.monteCarloRuns} Monte Carlo runs, ${runs.baselineRuns} random-entry baseline runs (in this process)\n`,
    );
    robustness.push(
      await assessRobustness(
        {
          frame: setup.frame,
          backtest: setup.backtest,
          config: setup.config,
          exchangeName: setup.exchangeName,
          ...data,
        },
        {
          best,
          tried: symbol.ranking,
          objective,
          options: { monteCarloRuns: runs.monteCarloRuns, baselineRuns: runs.baselineRuns },
        },
      ),
    );
  }
  return robustness;
}

/** What `bt sweep --json` prints: the sweep's result with its run, runner and robustness. */
export type ISweepOutput = ISweepResult & {
  kind: "sweep";
  version: number;
  name: string;
  runId: string;
  journal: string;
  runner: { kind: "threads"; threads: number } | { kind: "cluster"; queueName: string };
  robustness: IRunRobustness[];
};

/** Runs `bt sweep` with its parsed arguments; returns the exit code. */
export async function runSweepCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const outcome = await runSweepRun(args, io);
  return printRunOutcome(outcome, flagOption(args, "json"), io);
}

/**
 * Runs the sweep `bt sweep` describes (progress on stderr, its journal and --dump written) and returns
 * its ranking record and report without printing them.
 * @throws CliError (exit 2) for bad input.
 */
export async function runSweepRun(args: IParsedArgs, io: ICliIo): Promise<IRunOutcome<ISweepOutput>> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput("expected exactly one grid file", "bt sweep <grid file> [options]; see bt sweep --help");
  }
  const top = topOption(args);
  const grid = await loadSweepFile(file, io.cwd);
  const metric = stringOption(args, "metric") ?? grid.metric ?? "sharpeRatio";
  if (!isWalkerMetric(metric)) {
    throw badInput(`bad --metric ${JSON.stringify(metric)}`, `one of ${WALKER_METRICS.join(", ")}`);
  }
  const robustnessRuns = resolveRobustnessRuns(args);
  const setup = await resolveRunFileSetup(args, io, grid, "sweeps");
  const { options, symbols, frame, candles, runner, identity, config, backtest, strategy } = setup;
  const sweep = {
    strategy,
    params: grid.params,
    symbols,
    frame,
    metric,
    backtest,
    config,
    exchangeName: setup.exchangeName,
  };
  // Everything that decides the results; a journal with another header belongs to another run.
  const header = {
    strategy: { ...strategy, contentHash: grid.strategy.contentHash },
    params: grid.params,
    symbols,
    frame,
    metric,
    config,
    backtest,
    data: setup.data,
  };
  const outcome = await runCliSweep({
    sweep,
    runner,
    candles,
    identity,
    header,
    journalKind: "sweep",
    commandText: commandText("sweep", file),
    io,
    plainProgress: options.json,
  });
  const { result } = outcome;
  const robustness = await sweepRobustness(result, setup, robustnessRuns, io);
  const output: ISweepOutput = {
    kind: "sweep",
    version: SWEEP_OUTPUT_VERSION,
    name: grid.name,
    runId: outcome.runId,
    journal: outcome.journalPath,
    runner: runner.kind === "cluster" ? { kind: "cluster", queueName: runner.queueName } : runner,
    ...result,
    robustness,
  };
  const text = renderSweepReport(result, { top, name: grid.name, runId: outcome.runId, robustness });
  if (options.dumpDir !== undefined) {
    const base = join(options.dumpDir, "sweep", dumpFileName(grid.name));
    await writeReport(`${base}.json`, `${JSON.stringify(output, null, 2)}\n`);
    await writeReport(`${base}.txt`, text);
    io.stderr.write(`dump: ${base}.json\n`);
  }
  const failed = failedSweepEntries(result);
  const problemText = failed
    .map((entry) => `failed: ${entry.strategyName} on ${entry.symbol}: ${sweepErrorText(entry)}\n`)
    .join("");
  const failure: RunFailure | null =
    failed.length > 0
      ? {
          kind: "threw",
          message: `bt sweep: ${failed.length} of ${result.backtestCount} backtests failed (listed above; never ranked) — hint: fix the strategy or the parameter sets; --verbose does not apply to sweep entries, run one with bt backtest to see its stack`,
        }
      : null;
  return { record: output, report: text, text, problemText, failure };
}
