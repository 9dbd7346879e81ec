// What the coordinator and the workers agree on: the Redis URL (BT_REDIS_URL), queue name and key
// prefix defaults, the job payload and result shapes, deterministic job ids, and Redis connections
// (with a reachability check that fails fast with a clear message).

import { createHash } from "node:crypto";
import { BtError, describeValue, type IGlobalConfig, type WalkerMetric } from "@bt/core";
import type {
  ISweepEntry,
  ISweepFrame,
  SweepBacktestOptions,
  SweepDataSource,
  SweepParams,
} from "./sweepTypes";

/** Default queue name shared by coordinators and workers. */
export const DEFAULT_QUEUE_NAME = "bt-sweep";
/** Default BullMQ key prefix. */
export const DEFAULT_KEY_PREFIX = "bt";
/** Job name of one backtest. */
export const BACKTEST_JOB_NAME = "backtest";

/** The Redis URL: BT_REDIS_URL, else redis://127.0.0.1:6379. */
export function defaultRedisUrl(): string {
  return process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** The payload of one cluster job: one parameter set on one symbol over one frame. */
export interface IClusterJobData {
  runId: string;
  strategy: { name: string; module: string; exportName?: string };
  params: SweepParams;
  strategyName: string;
  symbol: string;
  frame: Required<ISweepFrame>;
  dataSource: SweepDataSource;
  metric: WalkerMetric;
  backtest: SweepBacktestOptions;
  /** The run's resolved config (every job carries it; workers never use their own defaults). */
  config: IGlobalConfig;
  exchangeName: string;
  keepClosed: boolean;
}

/** What a worker returns for a job (BullMQ stores it as the job's return value). */
export interface IClusterJobResult {
  jobId: string;
  /** The worker that ran it: `host:pid` unless named. */
  worker: string;
  /** A random id of this execution: two results of one job with different ids would be a double run. */
  executionId: string;
  /** Wall time of the backtest in ms. */
  elapsedMs: number;
  entry: ISweepEntry;
}

/**
 * Checks a queue name, key prefix or run id (BullMQ forbids ":" in names and ids).
 * @throws BtError VALIDATION for an empty value or one containing ":".
 */
export function checkName(field: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || value.includes(":")) {
    throw new BtError(
      "VALIDATION",
      `cluster: ${field} must be a non-empty string without ":", got ${describeValue(value)}`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

/** The deterministic job id of a backtest of a run: the same run, symbol, strategy and frame give the same id. */
export function clusterJobId(runId: string, symbol: string, strategyName: string, frameName: string): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([symbol, strategyName, frameName]))
    .digest("hex");
  return `${runId}-${digest.slice(0, 24)}`;
}

/** BullMQ connection options of a redis:// or rediss:// URL (BullMQ opens and closes its own connections). */
export interface IRedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

/**
 * Connection options for BullMQ from a Redis URL (maxRetriesPerRequest null, as blocking commands need).
 * @throws BtError CONFIG for a URL that is not redis:// or rediss://.
 */
export function redisConnectionOptions(url: string): IRedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new BtError("CONFIG", `cluster: invalid Redis URL ${describeValue(url)}`, {
      field: "redisUrl",
      value: url,
      cause: error,
    });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new BtError(
      "CONFIG",
      `cluster: the Redis URL must start with redis:// or rediss://, got ${describeValue(url)}`,
      {
        field: "redisUrl",
        value: url,
      },
    );
  }
  const options: IRedisConnectionOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: parsed.port === "" ? 6379 : Number(parsed.port),
    maxRetriesPerRequest: null,
  };
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "") options.db = Number(db);
  if (parsed.protocol === "rediss:") options.tls = {};
  return options;
}

/**
 * Pings Redis once with a short timeout.
 * @throws BtError CONFIG naming the URL when Redis cannot be reached.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  // ioredis loads on first use: a process that never touches Redis (a thread sweep) never pays for it.
  const { Redis } = await import("ioredis");
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on("error", () => {
    // Reported below through the rejected connect/ping.
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new BtError(
      "CONFIG",
      `cluster: Redis at ${url} is unreachable (${(error as Error)?.message ?? error}); start Redis or set BT_REDIS_URL`,
      { field: "redisUrl", value: url, adapter: "redis", retryable: true, cause: error },
    );
  } finally {
    probe.disconnect();
  }
}
