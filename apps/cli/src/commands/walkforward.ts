// `bt walkforward <space file>`: walk-forward optimisation (@bt/research's runWalkForwardStudy): the
// frame cut into folds, a study on each train window (journaled per fold by run id, so a killed run
// resumes), its winner backtested on the test window, the out-of-sample trades stitched. Prints the
// fold table, the stitched statistics and equity per symbol (walkForwardReport.ts), or JSON.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ISweepEntry } from "@bt/cluster";
import { BtError } from "@bt/core";
import { writeReport } from "@bt/report-markdown";
import { runWalkForwardStudy, walkForwardFolds } from "@bt/research";
import { badInput, EXIT_FAILURE, EXIT_OK } from "../cliError";
import type { ICliIo } from "../cliIo";
import { dumpFileName } from "../dumpFileName";
import { parseDuration } from "../parseDuration";
import type { IParsedArgs } from "../parsedArgs";
import { stringOption } from "../parsedArgs";
import { createProgressReporter } from "../progressBar";
import { commandText } from "../runFileSetup";
import { prepareStudy, studyJournalError, studyRunOptions } from "../studyCommand";
import type { StudySweepOptions } from "../studyRunner";
import { renderWalkForwardStudyReport } from "../walkForwardReport";
import { failedTrialLines, studyJson } from "./optimize";

/** Version of the --json / --dump output of bt walkforward. */
export const WALKFORWARD_OUTPUT_VERSION = 1;

const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  folds: "--folds",
  trainMs: "--train",
  testMs: "--test",
  mode: "--mode",
  frame: "--from/--to",
};

function foldOptions(args: IParsedArgs) {
  const foldsText = stringOption(args, "folds") ?? "4";
  const folds = Number(foldsText);
  if (!Number.isInteger(folds) || folds < 1) {
    throw badInput(`bad --folds ${JSON.stringify(foldsText)}: must be a positive integer`, "e.g. --folds 4");
  }
  const mode = stringOption(args, "mode") ?? "rolling";
  if (mode !== "rolling" && mode !== "anchored") {
    throw badInput(`bad --mode ${JSON.stringify(mode)}`, "rolling (default) or anchored");
  }
  const train = stringOption(args, "train");
  const test = stringOption(args, "test");
  return {
    folds,
    mode: mode as "rolling" | "anchored",
    ...(train === undefined ? {} : { trainMs: parseDuration("--train", train) }),
    ...(test === undefined ? {} : { testMs: parseDuration("--test", test) }),
  };
}

const withoutClosed = (entry: ISweepEntry | null) => {
  if (entry === null) return null;
  const { closed, ...rest } = entry;
  return { ...rest, closedCount: closed.length };
};

/** Runs `bt walkforward` with its parsed arguments; returns the exit code. */
export async function runWalkForwardCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const folds = foldOptions(args);
  const prepared = await prepareStudy("walkforward", args, io);
  const { setup, runner, file } = prepared;
  const { options, identity } = setup;
  // The folds are checked before any backtest, each problem named by its flag.
  try {
    walkForwardFolds({ startMs: setup.frame.startMs, endMs: setup.frame.endMs, ...folds });
  } catch (error) {
    await runner.close();
    if (!BtError.isInstance(error) || error.code !== "VALIDATION") throw error;
    const given = (name: string) => stringOption(args, name);
    // A train window derived from --test (span − folds · test) that does not fit is --test's problem.
    const flag =
      error.field === "trainMs" && given("train") === undefined && given("test") !== undefined
        ? `--test ${given("test")} × --folds ${folds.folds} leaves no train window`
        : `${FLAG_OF_FIELD[error.field ?? ""] ?? error.field ?? "--folds"}${
            error.field === "trainMs" && given("train") !== undefined
              ? ` ${given("train")}`
              : error.field === "testMs" && given("test") !== undefined
                ? ` ${given("test")}`
                : ""
          }`;
    throw badInput(
      `${flag}: ${error.message.replace(/^walk-forward: /, "")} (frame ${new Date(setup.frame.startMs).toISOString()} → ${new Date(setup.frame.endMs).toISOString()})`,
      "fewer folds, shorter --train/--test, or a longer --from/--to",
      error,
    );
  }
  const base = identity.journalPath.replace(/\.jsonl$/, "");
  const foldJournal = (index: number) => `${base}.fold${index + 1}.jsonl`;
  io.stderr.write(
    `run id ${identity.runId} · resume with: ${commandText("walkforward", prepared.fileArgument)} --run-id ${identity.runId}\n`,
  );
  const resumingFolds = new Set(
    Array.from({ length: folds.folds }, (_, index) => index).filter((index) =>
      existsSync(foldJournal(index)),
    ),
  );
  const progress = await createProgressReporter(io, { plain: options.json });
  let fold = 0;
  let announced = -1;
  const onProgress = (state: { completedTrials: number; totalTrials: number; resumedTrials: number }) => {
    if (announced !== fold && resumingFolds.has(fold)) {
      announced = fold;
      io.stderr.write(
        `fold ${fold + 1}: resumed: ${state.resumedTrials} of ${state.totalTrials} trials already done (journal ${foldJournal(fold)})\n`,
      );
    }
    progress.update(
      `fold ${fold + 1}/${folds.folds} trial ${state.completedTrials}/${state.totalTrials}`,
      fold * state.totalTrials + state.completedTrials,
      folds.folds * state.totalTrials,
    );
  };
  let result: Awaited<ReturnType<typeof runWalkForwardStudy>>;
  try {
    result = await runWalkForwardStudy<Omit<StudySweepOptions, "params">>((sweep) => runner.run(sweep), {
      ...studyRunOptions(prepared),
      folds,
      onFold: (index) => {
        fold = index;
      },
      onTrial: (_trial, state) => onProgress(state),
      onStudyProgress: onProgress,
    });
  } catch (error) {
    throw studyJournalError(error, identity.runId);
  } finally {
    progress.finish();
    await runner.close();
  }
  for (const item of result.folds) {
    if (resumingFolds.has(item.index)) await runner.removeLeftoverJobs(item.study, `f${item.index}-`);
  }
  const text = renderWalkForwardStudyReport(result, {
    title: `Walk-forward ${file.name} (run ${identity.runId})`,
  });
  const output = {
    kind: "walkforward" as const,
    version: WALKFORWARD_OUTPUT_VERSION,
    name: file.name,
    runId: identity.runId,
    journals: result.folds.map((item) => foldJournal(item.index)),
    runner:
      setup.runner.kind === "cluster" ? { kind: "cluster", queueName: setup.runner.queueName } : setup.runner,
    mode: result.mode,
    elapsedMs: result.elapsedMs,
    folds: result.folds.map((item) => ({
      index: item.index,
      train: item.train,
      test: item.test,
      best: item.study.best,
      study: studyJson(item.study),
      symbols: item.symbols.map((symbol) => ({
        ...symbol,
        inSample: withoutClosed(symbol.inSample),
        outOfSample: withoutClosed(symbol.outOfSample),
      })),
    })),
    stitched: result.stitched.map(({ closed, ...rest }) => ({ ...rest, tradeCount: closed.length })),
  };
  if (options.dumpDir !== undefined) {
    const dump = join(options.dumpDir, "walkforward", dumpFileName(file.name));
    await writeReport(`${dump}.json`, `${JSON.stringify(output, null, 2)}\n`);
    await writeReport(`${dump}.md`, text);
    io.stderr.write(`dump: ${dump}.json\n`);
  }
  if (options.json) io.stdout.write(`${JSON.stringify(output)}\n`);
  else io.stdout.write(text);
  const problems: string[] = [];
  for (const item of result.folds) {
    for (const line of failedTrialLines("walkforward", item.study.trials).slice(0, -1)) {
      problems.push(`fold ${item.index + 1}: ${line}`);
    }
    for (const symbol of item.symbols) {
      if (symbol.outOfSample?.error) {
        problems.push(
          `fold ${item.index + 1}: failed: out-of-sample run of ${symbol.outOfSample.strategyName} on ${symbol.symbol}: ${symbol.outOfSample.error.message}`,
        );
      }
    }
  }
  if (problems.length > 0) {
    for (const line of problems) io.stderr.write(`${line}\n`);
    io.stderr.write(
      `bt walkforward: ${problems.length} failed trials or test runs (listed above; never ranked)\n`,
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}
