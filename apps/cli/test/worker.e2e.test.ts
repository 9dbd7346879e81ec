// `bt worker` (built binary) consumes a parameter sweep queued on the real Redis by a coordinator and
// its results equal the in-process sequential sweep; SIGTERM stops it cleanly.

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { assertRedisReachable, defaultRedisUrl, runClusterSweep, runSweepSequential } from "@bt/cluster";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fixtureCandles, {
  FRAME_START_MS,
  WARMUP_MINUTES,
} from "../../../packages/cluster/test/fixtures/candles.ts";
import smaStrategy from "../../../packages/cluster/test/fixtures/smaStrategy.ts";
import { BIN_PATH, requireBuiltCli, runBt } from "./builtCli";
import { createOwnCopyProject } from "./ownCopyProject";

const fixtures = new URL("../../../packages/cluster/test/fixtures/", import.meta.url);
const strategyModule = fileURLToPath(new URL("smaStrategy.ts", fixtures));
const candleModule = fileURLToPath(new URL("candles.ts", fixtures));
const redisUrl = defaultRedisUrl();
const tag = randomUUID().slice(0, 8);
const prefix = `bt-test-cli-worker-${tag}`;
const queueName = `cli-${tag}`;
let worker: ChildProcess | undefined;
let output = "";

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
      "--prefix",
      prefix,
      "--name",
      "cli-worker",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  worker.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bt worker did not start:\n${output}`)), 30_000);
    worker?.stdout?.on("data", (chunk) => {
      output += String(chunk);
      if (output.includes("ready cli-worker")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
});

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill("SIGKILL");
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("bt worker (built binary)", () => {
  it("runs a strategy module from a project with its own @bt/engine copy: real trades, as in-process", async () => {
    // Before, every getCandles of such a module failed with "No execution context" (the module's engine
    // copy had its own context), the error was swallowed and every job completed with 0 trades.
    const project = createOwnCopyProject({ [strategyModule]: "smaStrategy.ts" });
    const options = {
      params: { fast: [3], slow: [13, 21] },
      symbols: ["BTCUSDT"],
      frame: { frameName: "day", startMs: FRAME_START_MS, endMs: FRAME_START_MS + 86_400_000 },
      backtest: { warmupMinutes: WARMUP_MINUTES },
    };
    const distributed = await runClusterSweep({
      ...options,
      strategy: { name: "sma", module: `${project}/smaStrategy.ts` },
      dataSource: { type: "module", path: candleModule },
      redisUrl,
      queueName,
      prefix,
      runId: `cli-own-${tag}`,
      pollIntervalMs: 200,
      timeoutMs: 90_000,
    });
    const sequential = await runSweepSequential({
      ...options,
      strategy: { name: "sma", factory: smaStrategy },
      columns: { BTCUSDT: fixtureCandles("BTCUSDT") },
    });
    expect(distributed.jobs).toHaveLength(2);
    expect(output).not.toMatch(/No execution context/);
    expect(JSON.stringify(distributed.symbols)).toMatch(/"tradeCount":[1-9]/);
    expect(distributed.symbols).toEqual(sequential.symbols);
  });

  it("runs the queued sweep, matching the sequential run, and stops on SIGTERM", async () => {
    const options = {
      params: { fast: [3, 5], slow: [13, 21] },
      symbols: ["BTCUSDT"],
      frame: { frameName: "day", startMs: FRAME_START_MS, endMs: FRAME_START_MS + 86_400_000 },
      backtest: { warmupMinutes: WARMUP_MINUTES },
    };
    const distributed = await runClusterSweep({
      ...options,
      strategy: { name: "sma", module: strategyModule },
      dataSource: { type: "module", path: candleModule },
      redisUrl,
      queueName,
      prefix,
      runId: `cli-${tag}`,
      pollIntervalMs: 200,
      timeoutMs: 90_000,
    });
    const sequential = await runSweepSequential({
      ...options,
      strategy: { name: "sma", factory: smaStrategy },
      columns: { BTCUSDT: fixtureCandles("BTCUSDT") },
    });
    expect(distributed.jobs).toHaveLength(4);
    expect(distributed.jobs.every((job) => job.worker === "cli-worker")).toBe(true);
    expect(distributed.symbols).toEqual(sequential.symbols);
    expect(output).toMatch(/completed .* attempt=1/);

    const exited = new Promise<number | null>((resolve) => worker?.on("exit", (code) => resolve(code)));
    worker?.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("rejects a bad flag with one line and exit code 2", () => {
    const run = runBt(["worker", "--concurrency", "many"]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^bt worker: .*--concurrency must be an integer, got "many"/);
  });
});
