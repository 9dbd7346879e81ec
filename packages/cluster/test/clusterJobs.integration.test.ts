// Cluster behaviour with an in-process worker on the real Redis: failed jobs become failed entries,
// job ids are deterministic (a re-run with the same runId reuses finished jobs), and cleanup removes
// only this run's keys.

import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { getConfig, setConfig } from "@bt/engine";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertRedisReachable,
  defaultRedisUrl,
  type IClusterWorker,
  type IClusterWorkerEvent,
  runClusterSweep,
  runSweepSequential,
  startClusterWorker,
} from "../src/index.ts";
import fixtureCandles, { FRAME_START_MS, WARMUP_MINUTES } from "./fixtures/candles.ts";
import smaStrategy from "./fixtures/smaStrategy.ts";

const strategyModule = fileURLToPath(new URL("./fixtures/smaStrategy.ts", import.meta.url));
const candleModule = fileURLToPath(new URL("./fixtures/candles.ts", import.meta.url));
const redisUrl = defaultRedisUrl();
const tag = randomUUID().slice(0, 8);
const prefix = `bt-test-jobs-${tag}`;
const queueName = `jobs-${tag}`;
const frame = { frameName: "day", startMs: FRAME_START_MS, endMs: FRAME_START_MS + 86_400_000 };
const events: IClusterWorkerEvent[] = [];
let worker: IClusterWorker | undefined;
let redis: Redis | undefined;

async function ownKeys(): Promise<string[]> {
  return (await redis?.keys(`${prefix}:*`)) ?? [];
}

beforeAll(async () => {
  await assertRedisReachable(redisUrl);
  redis = new Redis(redisUrl);
  worker = await startClusterWorker({
    redisUrl,
    queueName,
    prefix,
    concurrency: 2,
    execArgv: ["--conditions=@bt/source"],
    onJob: (event) => events.push(event),
  });
});

afterAll(async () => {
  await worker?.close();
  const keys = await ownKeys();
  if (keys.length > 0) await redis?.del(...keys);
  redis?.disconnect();
});

describe("runClusterSweep jobs", () => {
  it("reuses finished jobs when re-run with the same runId, and removes only its own jobs", async () => {
    const options = {
      strategy: { name: "sma", module: strategyModule },
      params: { fast: [3, 5], slow: [13, 21] },
      symbols: ["BTCUSDT", "ETHUSDT"],
      frame,
      dataSource: { type: "module", path: candleModule } as const,
      backtest: { warmupMinutes: WARMUP_MINUTES },
      redisUrl,
      queueName,
      prefix,
      runId: `resume-${tag}`,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
    };
    const first = await runClusterSweep({ ...options, cleanup: "none" });
    expect(first.jobs.every((job) => job.worker === worker?.name)).toBe(true);
    const executed = events.filter((event) => event.type === "completed").length;
    expect(executed).toBe(8);
    const second = await runClusterSweep({ ...options, cleanup: "jobs" });
    // Same ids: nothing ran again, the stored results came back.
    expect(events.filter((event) => event.type === "completed")).toHaveLength(executed);
    expect(second.jobs.map((job) => job.jobId)).toEqual(first.jobs.map((job) => job.jobId));
    expect(second.symbols).toEqual(first.symbols);
    const sequential = await runSweepSequential({
      ...options,
      strategy: { name: "sma", factory: smaStrategy },
      columns: { BTCUSDT: fixtureCandles("BTCUSDT"), ETHUSDT: fixtureCandles("ETHUSDT") },
    });
    expect(second.symbols).toEqual(sequential.symbols);
    const jobKeys = (await ownKeys()).filter((key) => key.includes(options.runId));
    expect(jobKeys).toEqual([]);
  });

  it("resumes: enqueues only the pairs missing from `resume` and ranks like a fresh run", async () => {
    const options = {
      params: { fast: [3, 5], slow: [13, 21] },
      symbols: ["BTCUSDT", "ETHUSDT"],
      frame,
      backtest: { warmupMinutes: WARMUP_MINUTES },
    };
    const fresh = await runSweepSequential({
      ...options,
      strategy: { name: "sma", factory: smaStrategy },
      columns: { BTCUSDT: fixtureCandles("BTCUSDT"), ETHUSDT: fixtureCandles("ETHUSDT") },
    });
    const resume = fresh.symbols.flatMap((symbol) => symbol.ranking.filter((_, index) => index % 2 === 1));
    const before = events.filter((event) => event.type === "completed").length;
    const progress: number[] = [];
    const runId = `resumed-${tag}`;
    const resumed = await runClusterSweep({
      ...options,
      strategy: { name: "sma", module: strategyModule },
      dataSource: { type: "module", path: candleModule },
      redisUrl,
      queueName,
      prefix,
      runId,
      resume,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
      onProgress: (event) => progress.push(event.completed),
    });
    expect(events.filter((event) => event.type === "completed").length - before).toBe(4);
    expect(resumed.jobs).toHaveLength(4);
    expect(progress).toEqual([5, 6, 7, 8]);
    expect(resumed.resumedCount).toBe(4);
    expect(resumed.symbols).toEqual(fresh.symbols);
    expect((await ownKeys()).filter((key) => key.includes(runId))).toEqual([]);
  });

  it("gives the sequential ranking under a non-default config set with setConfig (jobs carry the config)", async () => {
    const options = {
      strategy: { name: "sma", module: strategyModule },
      params: { fast: [3, 5], slow: [13] },
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule } as const,
      backtest: { warmupMinutes: WARMUP_MINUTES },
      redisUrl,
      queueName,
      prefix,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
    };
    const sequentialOptions = {
      ...options,
      strategy: { name: "sma", factory: smaStrategy },
      columns: { BTCUSDT: fixtureCandles("BTCUSDT") },
    };
    const defaults = await runSweepSequential(sequentialOptions);
    const before = getConfig();
    setConfig({ CC_PERCENT_FEE: 1 });
    try {
      const cluster = await runClusterSweep({ ...options, runId: `config-${tag}`, cleanup: "jobs" });
      const sequential = await runSweepSequential(sequentialOptions);
      expect(cluster.symbols).toEqual(sequential.symbols);
      expect(cluster.symbols).not.toEqual(defaults.symbols);
    } finally {
      setConfig(before);
    }
  });

  it("turns a throwing factory into error entries and an unloadable module into failed jobs", async () => {
    const broken = await runClusterSweep({
      strategy: { name: "broken", module: strategyModule, exportName: "brokenStrategy" },
      params: [{ fast: 3, slow: 13 }],
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule },
      redisUrl,
      queueName,
      prefix,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
    });
    expect(broken.symbols[0]?.ranking[0]?.error?.message).toBe("broken strategy for fast=3");

    // Regression: a job whose every getSignal failed was reported completed with 0 trades.
    const throwing = await runClusterSweep({
      strategy: { name: "throws", module: strategyModule, exportName: "alwaysThrowsStrategy" },
      params: [{ fast: 3, slow: 13 }],
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule },
      backtest: { warmupMinutes: WARMUP_MINUTES },
      redisUrl,
      queueName,
      prefix,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
    });
    const failedEntry = throwing.symbols[0]?.ranking[0];
    expect(failedEntry?.stats).toBeNull();
    expect(failedEntry?.error?.message).toMatch(
      /^every getSignal call failed \(\d+ of \d+\): getSignal always throws/,
    );
    expect(throwing.jobs[0]?.worker).toBeNull();
    expect(
      events.filter((event) => event.type === "completed" && event.strategyName.startsWith("throws")),
    ).toEqual([]);

    const failedJobs: string[] = [];
    const missing = await runClusterSweep({
      strategy: { name: "missing", module: "./does-not-exist.strategy.ts" },
      params: [{ fast: 3 }, { fast: 5 }],
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule },
      redisUrl,
      queueName,
      prefix,
      attempts: 2,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
      onJobEvent: (event) => {
        if (event.type === "failed") failedJobs.push(event.jobId);
      },
    });
    expect(failedJobs).toHaveLength(2);
    for (const entry of missing.symbols[0]?.ranking ?? []) {
      expect(entry.stats).toBeNull();
      expect(entry.error?.message).toMatch(/cannot load the strategy module/);
    }
    expect(missing.jobs.every((job) => job.worker === null)).toBe(true);
    // Two attempts per job of the missing module; the broken factory and the throwing strategy fail at
    // once (a deterministic failure is not retried).
    expect(events.filter((event) => event.type === "failed")).toHaveLength(6);
  });

  it("fails the job of a strategy that ends its thread, then runs the next jobs on a fresh pool (regression: the job hung)", async () => {
    const exiting = await runClusterSweep({
      strategy: { name: "exit", module: strategyModule, exportName: "exitingStrategy" },
      params: [{ fast: 3, slow: 13 }],
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule },
      redisUrl,
      queueName,
      prefix,
      attempts: 1,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
    });
    expect(exiting.symbols[0]?.ranking[0]?.error?.message).toMatch(/worker thread exited \(code 3\)/);
    const after = await runClusterSweep({
      strategy: { name: "sma", module: strategyModule },
      params: [
        { fast: 3, slow: 13 },
        { fast: 5, slow: 21 },
      ],
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule },
      backtest: { warmupMinutes: WARMUP_MINUTES },
      redisUrl,
      queueName,
      prefix,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
    });
    expect(after.symbols[0]?.ranking.map((entry) => entry.error)).toEqual([null, null]);
  });
});
