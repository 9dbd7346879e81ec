// The sweep runner a study (bt optimize, bt walkforward) hands to @bt/research: every batch of trials
// runs as one sweep on the runner the flags chose. Worker threads share ONE pool for the whole study
// (threads start once, candles load once per symbol), the in-process runner uses the CLI's loader,
// and the cluster gets a run id per batch (`<run id>-<label>`) so a killed coordinator's jobs are
// collected on resume. Also gives the in-process candle source the random-entry baseline needs.

import {
  clusterJobId,
  createSweepPool,
  DEFAULT_KEY_PREFIX,
  type ISweepOptionsBase,
  type ISweepPool,
  type ISweepResult,
  redisConnectionOptions,
  runClusterSweep,
  runSweep,
  runSweepSequential,
  type StrategyFactory,
  type SweepDataSource,
} from "@bt/cluster";
import type { IExchangeSchema } from "@bt/core";
import type { IStudyResult } from "@bt/research";
import { CliError } from "./cliError";
import type { ICliIo } from "./cliIo";
import { checkStrategyModule, type SweepCandles, type SweepRunnerChoice } from "./sweepRunner";
import { compiledUserModulePath } from "./userModuleLoader";

/** The options of one batch's sweep, as runStudy passes them (runId: from runOptions, cluster only). */
export type StudySweepOptions = ISweepOptionsBase & { runId?: string };

/** A study's runner and what goes with it. */
export interface ICliStudyRunner {
  /** Runs one sweep (a batch, the best trial again, a test window). */
  run(options: StudySweepOptions): Promise<ISweepResult>;
  /** Extra runner options per sweep label ("b0", "best", "f1-b0" …): the cluster's run id. */
  runOptions(label: string): { runId?: string };
  /** Candles for in-process runs (the random-entry baseline). */
  data: { dataSource: SweepDataSource } | { exchange: IExchangeSchema };
  /**
   * Cluster only: removes from Redis the jobs a killed coordinator left for trials the journal already
   * had (runStudy does not send them again, so the cluster's own cleanup never sees their ids);
   * `labelPrefix` is "" for a study, "f<i>-" for a walk-forward fold.
   */
  removeLeftoverJobs(study: IStudyResult, labelPrefix: string): Promise<void>;
  /** Closes the thread pool, if any. Idempotent. */
  close(): Promise<void>;
}

/**
 * The runner of a study for the chosen runner and candles; `runId` names the cluster runs.
 * @throws CliError for a strategy module that is not a factory (exit 2).
 */
export async function createCliStudyRunner(
  choice: SweepRunnerChoice,
  candles: SweepCandles,
  strategy: { name: string; module: string; exportName: string },
  runId: string,
  io: ICliIo,
): Promise<ICliStudyRunner> {
  const data =
    candles.kind === "files"
      ? { dataSource: { type: "file" as const, dir: candles.dir } }
      : { exchange: candles.schema };
  const none = { runOptions: () => ({}), close: async () => {}, removeLeftoverJobs: async () => {} };
  if (choice.kind === "cluster") {
    if (candles.kind !== "files") throw new CliError("--cluster needs candle files");
    return {
      data,
      runOptions: (label) => ({ runId: `${runId}-${label}` }),
      close: async () => {},
      removeLeftoverJobs: async (study, labelPrefix) => {
        // bullmq loads only here, as @bt/cluster loads it only for a cluster run.
        const { Queue } = await import("bullmq");
        const queue = new Queue(choice.queueName, {
          connection: redisConnectionOptions(choice.redisUrl),
          prefix: DEFAULT_KEY_PREFIX,
        });
        try {
          await Promise.all(
            study.trials.flatMap((trial) =>
              trial.runs.map((run) =>
                queue
                  .remove(
                    clusterJobId(
                      `${runId}-${labelPrefix}b${trial.batch}`,
                      run.symbol,
                      trial.strategyName,
                      study.frame.frameName,
                    ),
                  )
                  .catch(() => 0),
              ),
            ),
          );
        } finally {
          await queue.close().catch(() => undefined);
        }
      },
      run: (options) =>
        runClusterSweep({
          ...options,
          dataSource: { type: "file", dir: candles.dir },
          redisUrl: choice.redisUrl,
          queueName: choice.queueName,
          onJobEvent: (event) => {
            if (event.type === "stalled") {
              io.stderr.write(
                `note: job ${event.jobId} stalled (its worker died or blocked); it is handed to another worker\n`,
              );
            }
          },
        }),
    };
  }
  if (choice.threads === 1) {
    // The CLI's loader (its @bt/* fallback for a loose file or a bt init project) in this thread.
    const factory = (await checkStrategyModule(strategy, io.cwd)) as StrategyFactory;
    return {
      ...none,
      data,
      run: ({ runId: _runId, ...options }) =>
        runSweepSequential({ ...options, strategy: { ...strategy, factory }, ...data }),
    };
  }
  if (candles.kind !== "files") throw new CliError("worker threads need candle files");
  // Threads import the module as the CLI compiled it, so its @bt/* imports resolve as in this process.
  const module = await compiledUserModulePath(strategy.module, io.cwd);
  let pool: ISweepPool | undefined;
  return {
    data,
    runOptions: () => ({}),
    removeLeftoverJobs: async () => {},
    run: ({ runId: _runId, ...options }) => {
      pool ??= createSweepPool({ threads: choice.threads });
      return runSweep({
        ...options,
        strategy: { ...strategy, module },
        dataSource: { type: "file", dir: candles.dir },
        pool,
      });
    },
    close: async () => {
      await pool?.dispose();
      pool = undefined;
    },
  };
}
