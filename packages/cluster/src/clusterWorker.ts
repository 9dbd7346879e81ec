// A cluster worker: a BullMQ Worker consuming backtest jobs from Redis and running them on a local
// worker-thread pool, so the main thread stays free to renew job locks. Candles are loaded once per
// data source and symbol and shared with the threads. A killed worker's active job stalls (its lock
// expires) and BullMQ hands it to another worker.

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { ICandleColumns } from "@bt/core";
import { BtError, describeValue } from "@bt/core";
import type { Job } from "bullmq";
import {
  assertRedisReachable,
  BACKTEST_JOB_NAME,
  checkName,
  DEFAULT_KEY_PREFIX,
  DEFAULT_QUEUE_NAME,
  defaultRedisUrl,
  type IClusterJobData,
  type IClusterJobResult,
  redisConnectionOptions,
} from "./clusterQueue";
import { loadSourceColumns } from "./dataSource";
import { toSharedColumns } from "./sharedColumns";
import { createSweepPool, isBrokenPoolError, threadCount } from "./sweepPool";

/** What happened to a job in this worker, for logs and tests. */
export interface IClusterWorkerEvent {
  type: "started" | "completed" | "failed";
  jobId: string;
  strategyName: string;
  symbol: string;
  /** 1 on the first run of the job, more when it was retried or taken over after a stall. */
  attempt: number;
  /** Backtest wall time in ms (completed only). */
  elapsedMs?: number;
  /** Failure message (failed only). */
  message?: string;
}

/** Options of startClusterWorker; every field has a default. */
export interface IClusterWorkerOptions {
  /** Redis URL; default BT_REDIS_URL or redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Queue to consume; default "bt-sweep" (the coordinator's queueName). */
  queueName?: string;
  /** BullMQ key prefix; default "bt". */
  prefix?: string;
  /** Jobs run at once, one worker thread each; default os.availableParallelism(). */
  concurrency?: number;
  /** Directory relative strategy and candle module paths resolve against; default the working directory. */
  root?: string;
  /** Job lock time in ms, renewed every half of it while the job runs; default 30,000. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (locks of dead workers), ms; default 30,000. */
  stalledIntervalMs?: number;
  /** Stalls a job survives before it fails; default 3. */
  maxStalledCount?: number;
  /** Worker name in results; default `host:pid`. */
  name?: string;
  /** Node options of the worker threads; default process.execArgv. */
  execArgv?: string[];
  /** Called when a job starts, completes or fails in this worker. */
  onJob?: (event: IClusterWorkerEvent) => void;
  /** Called with connection and internal errors (a job's own failure goes to onJob). */
  onError?: (error: Error) => void;
}

/** A running cluster worker. */
export interface IClusterWorker {
  /** The worker's name as it appears in results. */
  readonly name: string;
  readonly queueName: string;
  readonly concurrency: number;
  /** Stops taking jobs, waits for the running ones, then closes the threads and the connection. */
  close(): Promise<void>;
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new BtError(
      "VALIDATION",
      `startClusterWorker: ${field} must be a positive integer, got ${describeValue(value)}`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

/**
 * Connects to Redis and starts consuming backtest jobs of `queueName`.
 * @throws BtError CONFIG when Redis is unreachable, VALIDATION for bad options.
 * @example
 * const worker = await startClusterWorker({ queueName: "bt-sweep", concurrency: 2 });
 * process.on("SIGTERM", () => void worker.close());
 */
export async function startClusterWorker(options: IClusterWorkerOptions = {}): Promise<IClusterWorker> {
  const redisUrl = options.redisUrl ?? defaultRedisUrl();
  const queueName = checkName("queueName", options.queueName ?? DEFAULT_QUEUE_NAME);
  const prefix = checkName("prefix", options.prefix ?? DEFAULT_KEY_PREFIX);
  const concurrency = threadCount(options.concurrency);
  const lockDuration = positive("lockDurationMs", options.lockDurationMs, 30_000);
  const stalledInterval = positive("stalledIntervalMs", options.stalledIntervalMs, 30_000);
  const maxStalledCount = positive("maxStalledCount", options.maxStalledCount, 3);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const root = options.root ?? process.cwd();
  await assertRedisReachable(redisUrl);
  // bullmq (and ioredis under it) load on first use, never when the package is only imported.
  const { UnrecoverableError, Worker } = await import("bullmq");

  const startPool = () =>
    createSweepPool({
      threads: concurrency,
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    });
  let pool = startPool();
  let closed = false;
  /** Runs a task; when a thread died (the pool is unusable) the next jobs get a fresh pool. */
  const runTask = async (task: Parameters<typeof pool.run>[0]) => {
    const used = pool;
    try {
      return await used.run(task);
    } catch (error) {
      if (isBrokenPoolError(error) && used === pool && !closed) {
        pool = startPool();
        void used.dispose();
      }
      throw error;
    }
  };
  const shared = new Map<string, Promise<ICandleColumns>>();
  const columnsFor = (data: IClusterJobData): Promise<ICandleColumns> => {
    const key = JSON.stringify([data.dataSource, data.symbol]);
    let pending = shared.get(key);
    if (pending === undefined) {
      pending = loadSourceColumns(data.dataSource, data.symbol, root).then((columns) =>
        toSharedColumns(columns, `candles of ${data.symbol}`),
      );
      shared.set(key, pending);
      pending.catch(() => shared.delete(key));
    }
    return pending;
  };

  const processJob = async (job: Job<IClusterJobData, IClusterJobResult>): Promise<IClusterJobResult> => {
    const data = job.data;
    const jobId = job.id ?? "";
    if (job.name !== BACKTEST_JOB_NAME || typeof data?.strategy?.module !== "string") {
      throw new BtError(
        "CONFIG",
        `bt-worker: job ${jobId} is not a bt backtest job (name ${describeValue(job.name)})`,
      );
    }
    const describe = {
      jobId,
      strategyName: data.strategyName,
      symbol: data.symbol,
      attempt: job.attemptsStarted,
    };
    options.onJob?.({ type: "started", ...describe });
    const startedAt = performance.now();
    try {
      await job.updateProgress({ stage: "started", worker: name });
      const [entry] = await runTask({
        strategy: data.strategy,
        root,
        paramSets: [data.params],
        symbol: data.symbol,
        columns: await columnsFor(data),
        frame: data.frame,
        metric: data.metric,
        backtest: data.backtest,
        config: data.config,
        exchangeName: data.exchangeName,
        keepClosed: data.keepClosed,
      });
      if (entry === undefined) throw new BtError("STATE", `bt-worker: job ${jobId} produced no result`);
      // A backtest that failed (its strategy threw, or every getSignal call did) fails the job: it is
      // deterministic, so retrying it would only fail again.
      if (entry.error !== null) throw new UnrecoverableError(entry.error.message);
      const elapsedMs = performance.now() - startedAt;
      options.onJob?.({ type: "completed", ...describe, elapsedMs });
      return { jobId, worker: name, executionId: randomUUID(), elapsedMs, entry };
    } catch (error) {
      options.onJob?.({ type: "failed", ...describe, message: (error as Error)?.message ?? String(error) });
      throw error;
    }
  };

  const connection = redisConnectionOptions(redisUrl);
  const worker = new Worker<IClusterJobData, IClusterJobResult>(queueName, processJob, {
    connection,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: true,
  });
  worker.on("error", (error) => options.onError?.(error));
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    name,
    queueName,
    concurrency,
    close() {
      closing ??= (async () => {
        try {
          await worker.close();
        } finally {
          closed = true;
          await pool.dispose();
        }
      })();
      return closing;
    },
  };
}
