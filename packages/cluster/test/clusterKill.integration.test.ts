// Acceptance: 3 worker processes on the real Redis, a 60-job sweep, one worker SIGKILLed mid-job; every
// result arrives exactly once and the ranking equals the sequential run's.

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertRedisReachable,
  defaultRedisUrl,
  type IClusterJobEvent,
  runClusterSweep,
  runSweepSequential,
} from "../src/index.ts";
import fixtureCandles, { FIXTURE_DAYS, FRAME_START_MS, WARMUP_MINUTES } from "./fixtures/candles.ts";
import smaStrategy from "./fixtures/smaStrategy.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const strategyModule = fileURLToPath(new URL("./fixtures/smaStrategy.ts", import.meta.url));
const candleModule = fileURLToPath(new URL("./fixtures/candles.ts", import.meta.url));
const redisUrl = defaultRedisUrl();
const runTag = randomUUID().slice(0, 8);
const prefix = `bt-test-cluster-${runTag}`;
const queueName = `kill-${runTag}`;
const frame = {
  frameName: "march",
  startMs: FRAME_START_MS,
  endMs: FRAME_START_MS + FIXTURE_DAYS * 1440 * 60_000,
};
// 5 × 6 × 2 = 60 jobs; each lasts at least BT_TEST_JOB_DELAY_MS (150 ms) so the kill lands inside one.
const params = {
  fast: [3, 4, 5, 6, 8],
  slow: [13, 17, 21, 26, 34, 40],
  takeProfitPercent: [1, 1.5],
  interval: ["1m"],
};

interface IWorkerProcess {
  name: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  onLine?: (line: string) => void;
}

const workers: IWorkerProcess[] = [];

function startWorker(name: string): IWorkerProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@bt/source",
      "test/fixtures/workerProcess.ts",
      ...["--redis", redisUrl, "--queue", queueName, "--prefix", prefix, "--name", name],
      ...[
        "--concurrency",
        "1",
        "--lock-duration",
        "2000",
        "--stalled-interval",
        "1000",
        "--max-stalled",
        "5",
      ],
    ],
    {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, BT_TEST_JOB_DELAY_MS: "150" },
    },
  );
  const worker: IWorkerProcess = {
    name,
    child,
    lines: [],
    exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const line of parts) {
      worker.lines.push(line);
      worker.onLine?.(line);
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  workers.push(worker);
  return worker;
}

function waitForLine(worker: IWorkerProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const existing = worker.lines.find((line) => pattern.test(line));
  if (existing !== undefined) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `${worker.name}: no line matching ${pattern} in ${timeoutMs} ms; got ${worker.lines.join(" | ")}`,
          ),
        ),
      timeoutMs,
    );
    const previous = worker.onLine;
    worker.onLine = (line) => {
      previous?.(line);
      if (pattern.test(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    };
  });
}

async function deleteOwnKeys(): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  // A clear failure, never a skip, when the configured Redis is down.
  await assertRedisReachable(redisUrl);
});

afterAll(async () => {
  for (const worker of workers)
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
  await deleteOwnKeys();
});

describe("runClusterSweep with 3 worker processes", () => {
  it("survives a worker SIGKILLed mid-job: every result exactly once, ranking equal to the sequential run", async () => {
    const sequential = await runSweepSequential({
      strategy: { name: "sma", factory: smaStrategy },
      params,
      symbols: "BTCUSDT",
      frame,
      columns: { BTCUSDT: fixtureCandles("BTCUSDT") },
      backtest: { warmupMinutes: WARMUP_MINUTES },
    });
    expect(sequential.backtestCount).toBe(60);

    const started = ["w0", "w1", "w2"].map(startWorker);
    await Promise.all(started.map((worker) => waitForLine(worker, /^ready /)));
    const victim = started[0] as IWorkerProcess;

    // Kill the victim right after it starts a job, once a few jobs are done everywhere.
    let victimJob: string | undefined;
    const completedLines = () =>
      workers.flatMap((worker) => worker.lines.filter((line) => line.startsWith("completed ")));
    victim.onLine = (line) => {
      const match = /^started (\S+) /.exec(line);
      if (match && victimJob === undefined && completedLines().length >= 9) {
        victimJob = match[1];
        victim.child.kill("SIGKILL");
      }
    };

    const jobEvents: IClusterJobEvent[] = [];
    const result = await runClusterSweep({
      strategy: { name: "sma", module: strategyModule },
      params,
      symbols: "BTCUSDT",
      frame,
      dataSource: { type: "module", path: candleModule },
      backtest: { warmupMinutes: WARMUP_MINUTES },
      redisUrl,
      queueName,
      prefix,
      pollIntervalMs: 500,
      timeoutMs: 90_000,
      cleanup: "queue",
      onJobEvent: (event) => jobEvents.push(event),
    });
    await victim.exited;

    // The kill happened inside a job, and that job was finished by another worker.
    expect(victimJob).toBeDefined();
    expect(victim.child.signalCode).toBe("SIGKILL");
    expect(victim.lines.some((line) => line.startsWith(`completed ${victimJob} `))).toBe(false);
    expect(result.stalledJobIds).toContain(victimJob);
    const takenOver = result.jobs.find((job) => job.jobId === victimJob);
    expect(takenOver?.worker === "w1" || takenOver?.worker === "w2").toBe(true);

    // Exactly once: 60 distinct jobs, each completed by exactly one worker execution, no duplicate result.
    expect(result.jobs).toHaveLength(60);
    expect(new Set(result.jobs.map((job) => job.jobId)).size).toBe(60);
    const completions = completedLines().map((line) => line.split(" ")[1]);
    expect(completions).toHaveLength(60);
    expect(new Set(completions).size).toBe(60);
    expect(result.duplicateResults).toBe(0);
    expect(jobEvents.filter((event) => event.type === "completed")).toHaveLength(60);
    expect(jobEvents.filter((event) => event.type === "failed")).toHaveLength(0);

    // Same ranking, stats and closed signals as the sequential run.
    expect(result.symbols).toEqual(sequential.symbols);
    const jobMs = completedLines().map((line) => Number(/ (\d+)ms$/.exec(line)?.[1]));
    const perWorker = Object.fromEntries(
      ["w0", "w1", "w2"].map((name) => [name, result.jobs.filter((job) => job.worker === name).length]),
    );
    console.log(
      `cluster kill test: victim w0 killed in job ${victimJob} after ${perWorker.w0} results; w1 ${perWorker.w1}, w2 ${perWorker.w2}; stalled ${result.stalledJobIds.length}; ${Math.round(result.elapsedMs)} ms; job ${Math.min(...jobMs)}–${Math.max(...jobMs)} ms`,
    );

    // Stop the survivors gracefully; only this test's keys existed under its prefix.
    for (const worker of started.slice(1)) worker.child.kill("SIGTERM");
    expect(await Promise.all(started.slice(1).map((worker) => worker.exited))).toEqual([0, 0]);
    await deleteOwnKeys();
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it("fails with a clear CONFIG error when Redis is unreachable", async () => {
    await expect(
      runClusterSweep({
        strategy: { name: "sma", module: strategyModule },
        params: { fast: [3], slow: [13] },
        symbols: "BTCUSDT",
        frame,
        dataSource: { type: "module", path: candleModule },
        redisUrl: "redis://127.0.0.1:1",
      }),
    ).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining("redis://127.0.0.1:1 is unreachable"),
    });
  });
});
