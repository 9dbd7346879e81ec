// `bt sweep --cluster` (built binary) with a `bt worker` child process on the real Redis: the
// coordinator is SIGKILLed mid-run, rerun with the same --run-id it resumes from its journal (and the
// jobs the worker finished meanwhile), no backtest runs twice, the ranking equals a thread run's, and
// the run's keys are removed.

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertRedisReachable, defaultRedisUrl, type ISweepResult } from "@bt/cluster";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN_PATH, REPO_ROOT, requireBuiltCli, runBt } from "./builtCli";
import { lines } from "./studyE2e";

const COUNTING = fileURLToPath(new URL("./fixtures/countingSweepStrategy.ts", import.meta.url));
const FRAME = ["--from", "2025-01-05", "--to", "2025-01-12"];
const redisUrl = defaultRedisUrl();
const tag = randomUUID().slice(0, 8);
const queueName = `cli-sweep-${tag}`;
const dir = mkdtempSync(join(tmpdir(), "bt-sweep-cluster-"));
const workerCalls = join(dir, "worker-calls.txt");
let worker: ChildProcess | undefined;
let workerOutput = "";

beforeAll(async () => {
  requireBuiltCli();
  await assertRedisReachable(redisUrl);
  worker = spawn(
    process.execPath,
    [
      BIN_PATH,
      "worker",
      "--redis",
      redisUrl,
      "--queue",
      queueName,
      "--concurrency",
      "1",
      "--name",
      "sweep-worker",
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, BT_TEST_SWEEP_CALLS: workerCalls, BT_TEST_SWEEP_DELAY_MS: "250" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  worker.stderr?.on("data", (chunk) => {
    workerOutput += String(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bt worker did not start:\n${workerOutput}`)), 30_000);
    worker?.stdout?.on("data", (chunk) => {
      workerOutput += String(chunk);
      if (workerOutput.includes("ready sweep-worker")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
});

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill("SIGKILL");
  // The CLI uses BullMQ's default prefix "bt"; the queue name is this file's own.
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`bt:${queueName}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("bt sweep --cluster (built binary, real Redis)", () => {
  it("resumes a SIGKILLed coordinator by run id: no backtest twice, the thread run's ranking, keys removed", async () => {
    const grid = join(dir, "grid.json");
    writeFileSync(
      grid,
      JSON.stringify({
        strategy: { module: COUNTING, name: "count" },
        params: { fast: [3, 5, 8], slow: [13, 21] },
        symbols: ["BTCUSDT", "ETHUSDT"],
      }),
    );
    const base = ["sweep", grid, ...FRAME, "--state", dir, "--json"];
    const runId = `cl-${tag}`;
    const journal = join(dir, "sweeps", `${runId}.jsonl`);
    const cluster = [...base, "--cluster", "--redis", redisUrl, "--queue", queueName, "--run-id", runId];

    const first = spawn(process.execPath, [BIN_PATH, ...cluster], { cwd: REPO_ROOT, stdio: "ignore" });
    const exited = new Promise<string | null>((resolve) =>
      first.on("exit", (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 90_000;
    while (lines(journal).length < 2) {
      if (Date.now() > deadline || first.exitCode !== null)
        throw new Error(`no journaled entry:\n${workerOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const done = lines(journal).length - 1;
    expect(done).toBeLessThan(12);

    const second = runBt(cluster);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resumed: ${done} of 12 backtests already done`);
    const resumed = JSON.parse(second.stdout) as ISweepResult & { runId: string };
    expect(resumed.runId).toBe(runId);
    expect(resumed.resumedCount).toBe(done);
    // Every backtest ran exactly once on the worker: the killed coordinator's jobs finished or were
    // collected from Redis, the journaled ones were not enqueued again.
    expect(lines(workerCalls)).toHaveLength(12);

    const threads = runBt([...base, "--threads", "2"]);
    expect(threads.status, threads.stderr).toBe(0);
    const reference = JSON.parse(threads.stdout) as ISweepResult;
    expect(resumed.symbols).toEqual(reference.symbols);

    const redis = new Redis(redisUrl);
    try {
      expect((await redis.keys(`bt:${queueName}:*`)).filter((key) => key.includes(runId))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 180_000);

  it("refuses --cluster without candle files, saying why", () => {
    const grid = join(dir, "grid2.json");
    writeFileSync(grid, JSON.stringify({ strategy: COUNTING, params: { fast: [3], slow: [13] } }));
    const csvExchange = fileURLToPath(new URL("./fixtures/csvExchange.ts", import.meta.url));
    const run = runBt(["sweep", grid, "--cluster", "--exchange", csvExchange, ...FRAME, "--state", dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--cluster needs candle files: cluster workers read candles from a folder/);
  });
});
