// `bt optimize --cluster` (built binary) with a `bt worker` child on the real Redis: the coordinator is
// SIGKILLed mid-study, rerun with the same --run-id it resumes from its journal (and the batch's jobs
// the worker finished meanwhile), no trial's backtest runs twice, the trials equal a thread run's, and
// the run's keys are removed.

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertRedisReachable, defaultRedisUrl } from "@bt/cluster";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN_PATH, REPO_ROOT, requireBuiltCli, runBt } from "./builtCli";
import {
  calledParams,
  type IOptimizeOutput,
  killAfterRecords,
  lines,
  startBt,
  trialsOf,
  WIDE_SPACE,
  writeSpace,
} from "./studyE2e";

const FRAME = ["--from", "2025-01-05", "--to", "2025-01-12"];
const redisUrl = defaultRedisUrl();
const tag = randomUUID().slice(0, 8);
const queueName = `cli-optimize-${tag}`;
const dir = mkdtempSync(join(tmpdir(), "bt-optimize-cluster-"));
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
      "study-worker",
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
      if (workerOutput.includes("ready study-worker")) {
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

describe("bt optimize --cluster (built binary, real Redis)", () => {
  it("resumes a SIGKILLed coordinator by run id: no backtest twice, the thread run's trials, keys removed", async () => {
    const space = writeSpace(dir, { space: WIDE_SPACE, trials: 12, batchSize: 4, seed: 5 });
    const base = [
      "optimize",
      space,
      ...FRAME,
      "--state",
      dir,
      "--json",
      "--mc-runs",
      "0",
      "--baseline-runs",
      "0",
    ];
    const runId = `cl-${tag}`;
    const journal = join(dir, "studies", `${runId}.jsonl`);
    const cluster = [...base, "--cluster", "--redis", redisUrl, "--queue", queueName, "--run-id", runId];

    const first = startBt(cluster, {});
    await killAfterRecords(first.child, journal, 2);
    expect((await first.exited).signal).toBe("SIGKILL");
    const done = lines(journal).length - 1;
    expect(done).toBeLessThan(12);

    const second = runBt(cluster);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resumed: ${done} of 12 trials already done`);
    const resumed = JSON.parse(second.stdout) as IOptimizeOutput;
    expect(resumed.runId).toBe(runId);
    expect(resumed.resumedTrials).toBe(done);
    // Every distinct parameter set ran exactly once on the worker, plus the best once more (closed
    // signals kept): the killed coordinator's jobs finished or were collected from Redis.
    const distinct = new Set(resumed.trials.map((trial) => JSON.stringify(trial.params)));
    const calls = calledParams(workerCalls);
    expect(calls).toHaveLength(distinct.size + 1);
    expect(new Set(calls)).toEqual(distinct);

    const threads = runBt([...base, "--threads", "2"]);
    expect(threads.status, threads.stderr).toBe(0);
    expect(trialsOf(resumed)).toEqual(trialsOf(JSON.parse(threads.stdout) as IOptimizeOutput));

    const redis = new Redis(redisUrl);
    try {
      expect((await redis.keys(`bt:${queueName}:*`)).filter((key) => key.includes(runId))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 180_000);
});
