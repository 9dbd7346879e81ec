// runClusterSweep: the coordinator of a sweep across machines. It enqueues one BullMQ job per parameter
// set and symbol (deterministic job ids), collects results from QueueEvents plus a periodic check of
// unfinished jobs (so a missed event never loses a result), keeps the first result per job id, and
// ranks exactly like the single-machine runners. Only this run's jobs (or its own queue) are removed.

import { randomUUID } from "node:crypto";
import { BtError, describeValue } from "@bt/core";
import {
  assertRedisReachable,
  BACKTEST_JOB_NAME,
  checkName,
  clusterJobId,
  DEFAULT_KEY_PREFIX,
  DEFAULT_QUEUE_NAME,
  defaultRedisUrl,
  type IClusterJobData,
  type IClusterJobResult,
  redisConnectionOptions,
} from "./clusterQueue";
import { createSweepCollector } from "./sweepCollector";
import { toSweepError } from "./sweepError";
import { planSweep } from "./sweepPlan";
import type {
  ISweepEntry,
  ISweepOptionsBase,
  ISweepResult,
  SweepDataSource,
  SweepParams,
} from "./sweepTypes";

/** A job event seen by the coordinator (progress of the whole cluster). */
export interface IClusterJobEvent {
  type: "started" | "stalled" | "completed" | "failed";
  jobId: string;
  /** The worker that took the job (started) or finished it (completed). */
  worker?: string;
}

/** Options of runClusterSweep: the shared sweep options plus the queue and the data source. */
export interface IClusterSweepOptions<P extends object = SweepParams> extends ISweepOptionsBase<P> {
  /** Where workers load candles; paths must exist on every worker machine (relative: against its root). */
  dataSource: SweepDataSource;
  /** Redis URL; default BT_REDIS_URL or redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Queue the workers consume; default "bt-sweep". */
  queueName?: string;
  /** BullMQ key prefix; default "bt". */
  prefix?: string;
  /** Id of this run, the first part of every job id; default a random UUID. Reusing one resumes that run. */
  runId?: string;
  /** Attempts per job when the backtest throws (a stall is not an attempt); default 3. */
  attempts?: number;
  /** Give up after this many ms with a BtError STATE; default no limit. */
  timeoutMs?: number;
  /** How often unfinished jobs are checked directly in Redis, ms; default 1,000. */
  pollIntervalMs?: number;
  /** After the run: "jobs" removes this run's jobs (default), "queue" obliterates the whole queue (a queue of its own), "none" keeps them. */
  cleanup?: "jobs" | "queue" | "none";
  /** Called on job starts, stalls, completions and failures. */
  onJobEvent?: (event: IClusterJobEvent) => void;
}

/** One job of a cluster run and who finished it. */
export interface IClusterJobRecord {
  jobId: string;
  symbol: string;
  strategyName: string;
  /** The worker whose result was kept; null when the job failed. */
  worker: string | null;
}

/** A sweep result plus what happened in the cluster. */
export interface IClusterSweepResult extends ISweepResult {
  runId: string;
  queueName: string;
  /** The jobs this call enqueued (entries taken from `resume` have none). */
  jobs: IClusterJobRecord[];
  /** Jobs reported stalled (a worker died or blocked past its lock) and handed to another worker. */
  stalledJobIds: string[];
  /** Results for an already-finished job from a different execution (ignored; 0 when no job ran twice). */
  duplicateResults: number;
}

interface IPlannedJob {
  jobId: string;
  symbol: string;
  index: number;
  data: IClusterJobData;
}

function parseResult(value: unknown): IClusterJobResult | undefined {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (typeof parsed !== "object" || parsed === null || !("entry" in parsed)) return undefined;
  return parsed as IClusterJobResult;
}

/**
 * Runs the sweep on whatever cluster workers consume `queueName`; the ranking equals runSweep's.
 * @throws BtError CONFIG when Redis is unreachable or the strategy has no module, VALIDATION for bad options, STATE on timeout.
 * @example
 * const result = await runClusterSweep({ strategy: { name: "sma", module: "strategies/sma.ts" }, params: { fast: [5, 10], slow: [20, 50] },
 *   symbols: ["BTCUSDT"], frame, dataSource: { type: "file", dir: "data" } });
 */
export async function runClusterSweep<P extends object>(
  options: IClusterSweepOptions<P>,
): Promise<IClusterSweepResult> {
  const startedAt = performance.now();
  const plan = planSweep(options);
  const module = options.strategy.module;
  if (typeof module !== "string" || module.length === 0) {
    throw new BtError(
      "CONFIG",
      "runClusterSweep: workers load the strategy from a file: give strategy.module",
      {
        field: "strategy.module",
        value: module,
      },
    );
  }
  if (typeof options.dataSource !== "object" || options.dataSource === null) {
    throw new BtError(
      "CONFIG",
      `runClusterSweep: give a dataSource workers can load, got ${describeValue(options.dataSource)}`,
      {
        field: "dataSource",
        value: options.dataSource,
      },
    );
  }
  const redisUrl = options.redisUrl ?? defaultRedisUrl();
  const queueName = checkName("queueName", options.queueName ?? DEFAULT_QUEUE_NAME);
  const prefix = checkName("prefix", options.prefix ?? DEFAULT_KEY_PREFIX);
  const runId = checkName("runId", options.runId ?? randomUUID());
  const attempts = options.attempts ?? 3;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const cleanup = options.cleanup ?? "jobs";
  const strategy = {
    name: options.strategy.name,
    module,
    ...(options.strategy.exportName ? { exportName: options.strategy.exportName } : {}),
  };

  const planned: IPlannedJob[] = [];
  for (const { symbol, indices } of plan.pending) {
    for (const index of indices) {
      const params = plan.paramSets[index] as P;
      const strategyName = plan.names[index] as string;
      const jobId = clusterJobId(runId, symbol, strategyName, plan.frame.frameName);
      planned.push({
        jobId,
        symbol,
        index,
        data: {
          runId,
          strategy,
          params: params as SweepParams,
          strategyName,
          symbol,
          frame: plan.frame,
          dataSource: options.dataSource,
          metric: plan.metric,
          backtest: plan.backtest,
          config: plan.config,
          exchangeName: plan.exchangeName,
          keepClosed: plan.keepClosed,
        },
      });
    }
  }
  const byId = new Map(planned.map((job) => [job.jobId, job]));
  const collector = createSweepCollector(plan, options.onProgress);
  const clusterResult = (jobs: IClusterJobRecord[], stalledJobIds: string[], duplicateResults: number) => ({
    ...collector.result(performance.now() - startedAt),
    runId,
    queueName,
    jobs,
    stalledJobIds,
    duplicateResults,
  });
  // Everything resumed: nothing to enqueue, Redis is not needed.
  if (planned.length === 0) return clusterResult([], [], 0);

  await assertRedisReachable(redisUrl);
  // bullmq (and ioredis under it) load on first use, never when the package is only imported.
  const { Job, Queue, QueueEvents } = await import("bullmq");
  const connection = redisConnectionOptions(redisUrl);
  const queue = new Queue<IClusterJobData, IClusterJobResult, string>(queueName, { connection, prefix });
  const events = new QueueEvents(queueName, { connection, prefix, autorun: false });

  const results = new Map<
    string,
    { entry: ISweepEntry; executionId: string | null; worker: string | null }
  >();
  const stalled = new Set<string>();
  let duplicateResults = 0;
  let settle: (() => void) | undefined;
  const allDone = new Promise<void>((resolve) => {
    settle = resolve;
  });

  const record = (jobId: string, entry: ISweepEntry, executionId: string | null, worker: string | null) => {
    const job = byId.get(jobId);
    if (job === undefined) return;
    const known = results.get(jobId);
    if (known !== undefined) {
      // The same completion can arrive twice (event and poll); another execution's result never counts.
      if (known.executionId !== executionId) duplicateResults++;
      return;
    }
    results.set(jobId, { entry, executionId, worker });
    options.onJobEvent?.({
      type: entry.error === null ? "completed" : "failed",
      jobId,
      ...(worker === null ? {} : { worker }),
    });
    collector.add(job.symbol, job.index, entry);
    if (results.size === planned.length) settle?.();
  };
  const recordCompleted = (jobId: string, value: unknown) => {
    const result = parseResult(value);
    if (result !== undefined) record(jobId, result.entry, result.executionId, result.worker);
  };
  const recordFailed = (jobId: string, reason: string) => {
    const job = byId.get(jobId);
    if (job === undefined) return;
    record(
      jobId,
      {
        strategyName: job.data.strategyName,
        params: job.data.params,
        symbol: job.symbol,
        frameName: plan.frame.frameName,
        stats: null,
        metricValue: null,
        closed: [],
        error: { name: "Error", message: reason },
      },
      null,
      null,
    );
  };

  events.on("completed", ({ jobId, returnvalue }) => recordCompleted(jobId, returnvalue));
  events.on("failed", ({ jobId, failedReason }) => recordFailed(jobId, failedReason));
  events.on("stalled", ({ jobId }) => {
    if (!byId.has(jobId)) return;
    stalled.add(jobId);
    options.onJobEvent?.({ type: "stalled", jobId });
  });
  events.on("progress", ({ jobId, data }) => {
    if (!byId.has(jobId) || typeof data !== "object" || data === null) return;
    const worker = (data as { worker?: unknown }).worker;
    options.onJobEvent?.({ type: "started", jobId, ...(typeof worker === "string" ? { worker } : {}) });
  });
  events.on("error", () => {
    // Connection hiccups: ioredis reconnects and the poll below covers any missed event.
  });

  const poll = async () => {
    const pending = planned.filter((job) => !results.has(job.jobId));
    for (let start = 0; start < pending.length; start += 200) {
      await Promise.all(
        pending.slice(start, start + 200).map(async ({ jobId }) => {
          const job = await Job.fromId<IClusterJobData, IClusterJobResult>(queue, jobId);
          if (job === undefined || !job.finishedOn) return;
          if (job.returnvalue !== null && job.returnvalue !== undefined)
            recordCompleted(jobId, job.returnvalue);
          else if ((await job.getState()) === "failed") recordFailed(jobId, job.failedReason);
        }),
      );
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let timeout: NodeJS.Timeout | undefined;
  try {
    void events.run().catch(() => {
      // Closing the events stops run(); errors surface through the poll.
    });
    await events.waitUntilReady();
    await queue.waitUntilReady();
    await queue.addBulk(
      planned.map((job) => ({
        name: BACKTEST_JOB_NAME,
        data: job.data,
        opts: {
          jobId: job.jobId,
          attempts,
          backoff: { type: "fixed", delay: 500 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    const pollLoop = async () => {
      try {
        await poll();
      } catch {
        // Retried at the next tick.
      }
      if (results.size < planned.length) timer = setTimeout(pollLoop, pollIntervalMs);
    };
    timer = setTimeout(pollLoop, pollIntervalMs);
    const waits: Array<Promise<void>> = [allDone];
    if (options.timeoutMs !== undefined) {
      waits.push(
        new Promise<void>((_, reject) => {
          timeout = setTimeout(
            () =>
              reject(
                new BtError(
                  "STATE",
                  `runClusterSweep: ${planned.length - results.size} of ${planned.length} jobs unfinished after ${options.timeoutMs} ms on queue ${queueName} (are workers running?)`,
                  { field: "timeoutMs", value: options.timeoutMs },
                ),
              ),
            options.timeoutMs,
          );
        }),
      );
    }
    await Promise.race(waits);
  } catch (error) {
    if (BtError.isInstance(error)) throw error;
    throw new BtError("STATE", `runClusterSweep: ${toSweepError(error).message}`, {
      adapter: "redis",
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    clearTimeout(timeout);
    await events.close().catch(() => undefined);
    try {
      if (cleanup === "queue") await queue.obliterate({ force: true });
      else if (cleanup === "jobs")
        // Every job id of the run, resumed ones included: an earlier, killed coordinator left them.
        await Promise.all(
          plan.symbols.flatMap((symbol) =>
            plan.names.map((strategyName) =>
              queue.remove(clusterJobId(runId, symbol, strategyName, plan.frame.frameName)).catch(() => 0),
            ),
          ),
        );
    } finally {
      await queue.close().catch(() => undefined);
    }
  }

  return clusterResult(
    planned.map((job) => ({
      jobId: job.jobId,
      symbol: job.symbol,
      strategyName: job.data.strategyName,
      worker: results.get(job.jobId)?.worker ?? null,
    })),
    [...stalled],
    duplicateResults,
  );
}
