// `bt optimize <space file>`: an optimisation study (@bt/research's runStudy: TPE, random or grid
// sampling in batches) on worker threads, in this process or on `bt worker` processes, journaled by run
// id so a killed study resumes with exactly the missing trials; then the robustness of the best run per
// symbol, the study report (markdown) and a summary, or JSON. Exit 1 when any trial failed.

import { join } from "node:path";
import { formatRatio, writeReport } from "@bt/report-markdown";
import {
  type IRunRobustness,
  type IStudyResult,
  type IStudyTrial,
  objectiveDisplayValue,
  renderStudyReport,
  runStudy,
} from "@bt/research";
import { EXIT_FAILURE, EXIT_OK } from "../cliError";
import type { ICliIo } from "../cliIo";
import { dumpFileName } from "../dumpFileName";
import type { IParsedArgs } from "../parsedArgs";
import { createProgressReporter, formatDuration } from "../progressBar";
import { commandText } from "../runFileSetup";
import {
  type IPreparedStudy,
  prepareStudy,
  studyJournalError,
  studyRobustness,
  studyRunOptions,
} from "../studyCommand";
import type { StudySweepOptions } from "../studyRunner";

/** Version of the --json / --dump output of bt optimize. */
export const OPTIMIZE_OUTPUT_VERSION = 1;

/** A trial's parameters as `fast=5, slow=20`. */
export function paramsText(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(", ");
}

/** The stderr lines of failed trials and the closing line; empty when none failed. */
export function failedTrialLines(command: string, trials: ReadonlyArray<IStudyTrial>): string[] {
  const failed = trials.filter((trial) => trial.status === "failed");
  if (failed.length === 0) return [];
  return [
    ...failed.map(
      (trial) => `failed: trial ${trial.number} ${trial.strategyName}: ${trial.reason ?? "(no message)"}`,
    ),
    `bt ${command}: ${failed.length} of ${trials.length} trials failed (listed above; never ranked) — hint: fix the strategy or narrow the space; run one parameter set with bt backtest to see its stack`,
  ];
}

/** The short summary under the report: best parameters, objective, trials and time. */
export function studySummary(study: IStudyResult): string {
  const ok = study.trials.filter((trial) => trial.status === "ok").length;
  const failed = study.trials.filter((trial) => trial.status === "failed").length;
  const best =
    study.best === null
      ? "best: none (no trial could be scored)"
      : `best: trial ${study.best.number} ${paramsText(study.best.params)} · ${study.objective.label} ${formatRatio(objectiveDisplayValue(study.objective, study.best.value))}`;
  return [
    "Summary",
    `  ${best}`,
    `  trials: ${study.trials.length} (${ok} scored, ${study.trials.length - ok - failed} N/A, ${failed} failed${study.resumedTrials > 0 ? `, ${study.resumedTrials} resumed` : ""}) · backtests run: ${study.backtests} · elapsed ${formatDuration(study.elapsedMs)}`,
    "",
  ].join("\n");
}

/** The study without the best run's closed signals (its statistics stay). */
export function studyJson(study: IStudyResult) {
  const { bestRun, ranking, ...rest } = study;
  return {
    ...rest,
    /** Trial numbers, best first (scored, then N/A, then failed). */
    ranking: ranking.map((trial) => trial.number),
    bestRun:
      bestRun === null
        ? null
        : {
            ...bestRun,
            symbols: bestRun.symbols.map((symbol) => ({
              ...symbol,
              ranking: symbol.ranking.map(({ closed, ...entry }) => ({
                ...entry,
                closedCount: closed.length,
              })),
            })),
          },
  };
}

/**
 * Runs the study with progress on stderr (resume line first); closes the runner.
 * @throws CliError for bad input, BtError for runner failures.
 */
export async function runCliStudy(
  prepared: IPreparedStudy,
  io: ICliIo,
  plain: boolean,
): Promise<{ study: IStudyResult; robustness: IRunRobustness[] }> {
  const { setup, settings, runner } = prepared;
  const { identity } = setup;
  io.stderr.write(
    `run id ${identity.runId} · resume with: ${commandText(prepared.command, prepared.fileArgument)} --run-id ${identity.runId}\n`,
  );
  const progress = await createProgressReporter(io, { plain });
  let announced = !prepared.resuming;
  const onProgress = (state: { completedTrials: number; totalTrials: number; resumedTrials: number }) => {
    if (!announced) {
      announced = true;
      io.stderr.write(
        `resumed: ${state.resumedTrials} of ${state.totalTrials} trials already done (journal ${identity.journalPath})\n`,
      );
    }
    const resumed = state.resumedTrials > 0 ? ` (${state.resumedTrials} resumed)` : "";
    progress.update(
      `trial ${state.completedTrials}/${state.totalTrials}${resumed}`,
      Math.max(0, state.completedTrials - state.resumedTrials),
      state.totalTrials - state.resumedTrials,
    );
  };
  try {
    const study = await runStudy<Omit<StudySweepOptions, "params">>((options) => runner.run(options), {
      ...studyRunOptions(prepared),
      onTrial: (_trial, state) => onProgress(state),
      onStudyProgress: onProgress,
    });
    progress.finish();
    if (prepared.resuming) await runner.removeLeftoverJobs(study, "");
    if (study.best !== null && (settings.monteCarloRuns > 0 || settings.baselineRuns > 0)) {
      io.stderr.write(
        `robustness: ${settings.monteCarloRuns} Monte Carlo runs, ${settings.baselineRuns} random-entry baseline runs per symbol (in this process)\n`,
      );
    }
    const robustness = await studyRobustness(study, prepared);
    return { study, robustness };
  } catch (error) {
    throw studyJournalError(error, identity.runId);
  } finally {
    progress.finish();
    await runner.close();
  }
}

/** Runs `bt optimize` with its parsed arguments; returns the exit code. */
export async function runOptimizeCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const prepared = await prepareStudy("optimize", args, io);
  const { setup, settings, file } = prepared;
  const { options, identity } = setup;
  const { study, robustness } = await runCliStudy(prepared, io, options.json);
  const report = renderStudyReport(study, {
    title: `Study ${file.name} (run ${identity.runId})`,
    top: settings.top,
    robustness,
  });
  const text = `${report}\n${studySummary(study)}`;
  const output = {
    kind: "optimize" as const,
    version: OPTIMIZE_OUTPUT_VERSION,
    name: file.name,
    runId: identity.runId,
    journal: identity.journalPath,
    runner:
      setup.runner.kind === "cluster" ? { kind: "cluster", queueName: setup.runner.queueName } : setup.runner,
    ...studyJson(study),
    robustness,
  };
  if (options.dumpDir !== undefined) {
    const base = join(options.dumpDir, "optimize", dumpFileName(file.name));
    await writeReport(`${base}.json`, `${JSON.stringify(output, null, 2)}\n`);
    await writeReport(`${base}.md`, text);
    io.stderr.write(`dump: ${base}.json\n`);
  }
  if (options.json) io.stdout.write(`${JSON.stringify(output)}\n`);
  else io.stdout.write(text);
  const failed = failedTrialLines("optimize", study.trials);
  for (const line of failed) io.stderr.write(`${line}\n`);
  return failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
