// Running a parameter sweep from the CLI, for `bt sweep` and the commands built on it: the runner the
// flags choose (worker threads, one thread in-process, or cluster workers on Redis), the run id and its
// journal (every finished backtest appended, so a killed run resumes where it stopped), and progress
// with an ETA on stderr. The command renders the result; this module only runs it.

import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import {
  DEFAULT_QUEUE_NAME,
  defaultRedisUrl,
  type IClusterSweepResult,
  type IRunJournal,
  type ISweepEntry,
  type ISweepOptionsBase,
  type ISweepProgress,
  type ISweepResult,
  openRunJournal,
  runClusterSweep,
  runSweep,
  runSweepSequential,
  type StrategyFactory,
  toParamSets,
} from "@bt/cluster";
import { BtError, type IExchangeSchema } from "@bt/core";
import { badInput, CliError } from "./cliError";
import type { ICliIo } from "./cliIo";
import { flagOption, type IParsedArgs, stringOption } from "./parsedArgs";
import { createProgressReporter } from "./progressBar";
import { compiledUserModulePath, importUserModule } from "./userModuleLoader";

/** Where the backtests of a sweep run. */
export type SweepRunnerChoice =
  /** Worker threads of this process; 1 runs in this thread (any exchange). */
  | { kind: "threads"; threads: number }
  /** Jobs on a BullMQ queue, run by `bt worker` processes. */
  | { kind: "cluster"; redisUrl: string; queueName: string };

/** Where the candles of a sweep come from. */
export type SweepCandles =
  /** A folder of candle files (--exchange file): every runner can read it. */
  | { kind: "files"; dir: string }
  /** Any other exchange (a ccxt venue, a module): in-process runs only. */
  | { kind: "exchange"; schema: IExchangeSchema; label: string };

/** The run id and journal of a sweep. */
export interface ISweepRunIdentity {
  runId: string;
  /** True when --run-id was given (the run may resume). */
  given: boolean;
  /** The journal file, absolute. */
  journalPath: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Reads --threads, --cluster, --redis and --queue.
 * @throws CliError (exit 2) for a bad count, --redis/--queue without --cluster, or --cluster with --threads.
 */
export function resolveSweepRunner(args: IParsedArgs, candles: SweepCandles): SweepRunnerChoice {
  const threadsText = stringOption(args, "threads");
  const cluster = flagOption(args, "cluster");
  const redis = stringOption(args, "redis");
  const queue = stringOption(args, "queue");
  if (!cluster && (redis !== undefined || queue !== undefined)) {
    throw badInput(
      `${redis !== undefined ? "--redis" : "--queue"} needs --cluster`,
      "add --cluster to run on bt worker processes",
    );
  }
  if (cluster) {
    if (threadsText !== undefined) {
      throw badInput(
        "--cluster and --threads were both given",
        "cluster workers choose their threads: bt worker --concurrency N",
      );
    }
    if (candles.kind !== "files") {
      throw badInput(
        `--cluster needs candle files: cluster workers read candles from a folder, not from --exchange ${candles.label}`,
        "use --exchange file --data <dir> with a folder every worker can read (bt data import / download fill one)",
      );
    }
    const queueName = queue ?? DEFAULT_QUEUE_NAME;
    if (queueName === "" || queueName.includes(":")) {
      throw badInput(
        `bad --queue ${JSON.stringify(queueName)}: must be non-empty without ":"`,
        "e.g. --queue nightly-sweep",
      );
    }
    return { kind: "cluster", redisUrl: redis ?? defaultRedisUrl(), queueName };
  }
  if (threadsText === undefined) {
    // Worker threads read candle files; another exchange runs in this thread.
    return { kind: "threads", threads: candles.kind === "files" ? availableParallelism() : 1 };
  }
  const threads = Number(threadsText);
  if (!Number.isInteger(threads) || threads < 1) {
    throw badInput(
      `bad --threads ${JSON.stringify(threadsText)}: must be a positive integer`,
      "e.g. --threads 4 (1 runs in this process)",
    );
  }
  if (threads > 1 && candles.kind !== "files") {
    throw badInput(
      `--threads ${threads} needs candle files: worker threads read candles from a folder, not from --exchange ${candles.label}`,
      "use --threads 1, or import the candles (bt data import / download) and sweep them with --exchange file --data <dir>",
    );
  }
  return { kind: "threads", threads };
}

/**
 * The run id (--run-id, or a new 6-hex-digit one) and its journal (--journal, or
 * <state>/<folder>/<id>.jsonl; folder "sweeps" by default, "studies" for optimize and walkforward).
 * @throws CliError (exit 2) for a run id that is not a plain name.
 */
export function resolveSweepRunIdentity(
  args: IParsedArgs,
  stateDir: string,
  cwd: string,
  folder = "sweeps",
): ISweepRunIdentity {
  const given = stringOption(args, "runId");
  if (given !== undefined && !RUN_ID.test(given)) {
    throw badInput(
      `bad --run-id ${JSON.stringify(given)}: letters, digits, "_", "-" and "." only (at most 64, not starting with a sign)`,
      "e.g. --run-id 3f2a9c, as printed at the start of the run",
    );
  }
  const runId = given ?? randomBytes(3).toString("hex");
  const journal = stringOption(args, "journal");
  return {
    runId,
    given: given !== undefined,
    journalPath: journal === undefined ? join(stateDir, folder, `${runId}.jsonl`) : resolve(cwd, journal),
  };
}

/** What a CLI sweep needs besides the sweep options themselves. */
export interface ICliSweepRun<H extends object> {
  /** The sweep (resume and onProgress are the runner's). */
  sweep: Omit<ISweepOptionsBase, "resume" | "onProgress" | "strategy"> & {
    strategy: { name: string; module: string; exportName: string };
  };
  runner: SweepRunnerChoice;
  candles: SweepCandles;
  identity: ISweepRunIdentity;
  /** Everything that defines the run: a journal with another header is refused. */
  header: H;
  /** Journal kind (first line), e.g. "sweep". */
  journalKind: string;
  /** The command as the user reruns it, e.g. `bt sweep grid.ts` (the resume hint appends --run-id). */
  commandText: string;
  io: ICliIo;
  /** Plain progress lines even on a terminal (--json). */
  plainProgress: boolean;
}

/** A finished CLI sweep. */
export interface ICliSweepOutcome {
  result: ISweepResult | IClusterSweepResult;
  runId: string;
  journalPath: string;
  /** Backtests taken from the journal instead of being run. */
  resumedCount: number;
}

/**
 * Loads the strategy module in this process and checks its export is a function (a factory), so a bad
 * module is one clear error before any backtest; the factory is not called.
 * @throws CliError (exit 2) naming the module and the export.
 */
export async function checkStrategyModule(strategy: { module: string; exportName: string }, cwd: string) {
  const namespace = await importUserModule("strategy", strategy.module, cwd);
  const value = namespace[strategy.exportName];
  if (typeof value !== "function") {
    throw badInput(
      `strategy module ${strategy.module}: its ${strategy.exportName === "default" ? "default export" : `export ${JSON.stringify(strategy.exportName)}`} is ${value === undefined ? "missing" : `a ${typeof value}`}, not a factory (params) => strategy schema`,
      "export default (params) => ({ interval, getSignal }) — a StrategyFactory of @bt/cluster",
    );
  }
  return value as (params: object) => unknown;
}

async function openJournal<H extends object>(run: ICliSweepRun<H>): Promise<IRunJournal<H, ISweepEntry>> {
  try {
    return await openRunJournal<H, ISweepEntry>(run.identity.journalPath, run.header, {
      kind: run.journalKind,
    });
  } catch (error) {
    if (BtError.isInstance(error) && error.code === "VALIDATION") {
      throw badInput(
        error.message,
        `run id ${run.identity.runId} was started with other settings: rerun with the same grid file and flags, or start a new run without --run-id`,
        error,
      );
    }
    if (BtError.isInstance(error) && error.code === "STATE") {
      throw new CliError(error.message, {
        hint: "move the journal away (or give --journal <file>) to start the run afresh",
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Runs a sweep with the chosen runner: prints the run id and the resume command on stderr, resumes
 * from the run's journal, appends each finished backtest to it, draws progress with an ETA.
 * @throws CliError for bad input (a journal of another run), BtError for runner failures.
 */
export async function runCliSweep<H extends object>(run: ICliSweepRun<H>): Promise<ICliSweepOutcome> {
  const { io, identity } = run;
  const journal = await openJournal(run);
  io.stderr.write(`run id ${identity.runId} · resume with: ${run.commandText} --run-id ${identity.runId}\n`);
  const resume = [...journal.records];
  const appends: Array<Promise<void>> = [];
  let appendError: unknown;
  const progress = await createProgressReporter(io, { plain: run.plainProgress });
  let resumedCount = 0;
  const onProgress = (event: ISweepProgress) => {
    const write = journal.append(event.entry);
    write.catch((error: unknown) => {
      appendError ??= error;
    });
    appends.push(write);
    const label = `${event.entry.strategyName} on ${event.entry.symbol}${resumedCount > 0 ? ` (${resumedCount} resumed)` : ""}`;
    progress.update(label, event.completed - resumedCount, event.total - resumedCount);
  };
  try {
    const base = { ...run.sweep, resume, onProgress };
    const symbolCount = typeof run.sweep.symbols === "string" ? 1 : run.sweep.symbols.length;
    const backtests = toParamSets(run.sweep.params).length * symbolCount;
    resumedCount = resume.length;
    if (journal.resumed) {
      io.stderr.write(
        `resumed: ${resumedCount} of ${backtests} backtests already done (journal ${journal.path})\n`,
      );
    }
    let result: ISweepResult | IClusterSweepResult;
    if (run.runner.kind === "cluster") {
      if (run.candles.kind !== "files") throw new CliError("--cluster needs candle files");
      io.stderr.write(
        `cluster: ${backtests - resumedCount} jobs on queue ${run.runner.queueName} at ${run.runner.redisUrl}; start workers with: bt worker --redis ${run.runner.redisUrl} --queue ${run.runner.queueName}\n`,
      );
      result = await runClusterSweep({
        ...base,
        dataSource: { type: "file", dir: run.candles.dir },
        redisUrl: run.runner.redisUrl,
        queueName: run.runner.queueName,
        runId: identity.runId,
        onJobEvent: (event) => {
          if (event.type === "stalled") {
            io.stderr.write(
              `note: job ${event.jobId} stalled (its worker died or blocked); it is handed to another worker\n`,
            );
          }
        },
      });
    } else if (run.runner.threads === 1) {
      // The CLI's loader (its @bt/* fallback for a loose file or a bt init project) in this thread.
      const factory = await checkStrategyModule(run.sweep.strategy, io.cwd);
      result = await runSweepSequential({
        ...base,
        strategy: { ...run.sweep.strategy, factory: factory as StrategyFactory },
        ...(run.candles.kind === "files"
          ? { dataSource: { type: "file" as const, dir: run.candles.dir } }
          : { exchange: run.candles.schema }),
      });
    } else {
      if (run.candles.kind !== "files") throw new CliError("worker threads need candle files");
      // Threads import the module as the CLI compiled it, so its @bt/* imports resolve as in this process.
      const module = await compiledUserModulePath(run.sweep.strategy.module, io.cwd);
      result = await runSweep({
        ...base,
        strategy: { ...run.sweep.strategy, module },
        threads: run.runner.threads,
        dataSource: { type: "file", dir: run.candles.dir },
      });
    }
    await Promise.allSettled(appends);
    if (appendError !== undefined) throw appendError;
    return { result, runId: identity.runId, journalPath: journal.path, resumedCount: result.resumedCount };
  } catch (error) {
    await Promise.allSettled(appends);
    if (BtError.isInstance(error) && error.code === "VALIDATION" && error.field?.startsWith("resume")) {
      throw new CliError(`journal ${journal.path} does not fit this sweep: ${error.message}`, {
        hint: "move the journal away to start the run afresh",
        cause: error,
      });
    }
    throw error;
  } finally {
    progress.finish();
    await journal.close();
  }
}
