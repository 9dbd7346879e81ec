import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createSweepPool, runSweep } from "../src/index.ts";
import type { IThreadTask } from "../src/threadTask.ts";
import fixtureCandles, { FRAME_START_MS, WARMUP_MINUTES } from "./fixtures/candles.ts";

const run = promisify(execFile);
const strategyModule = fileURLToPath(new URL("./fixtures/smaStrategy.ts", import.meta.url));
const execArgv = ["--conditions=@bt/source"];
const frame = { frameName: "day", startMs: FRAME_START_MS, endMs: FRAME_START_MS + 86_400_000 };
const columns = { BTCUSDT: fixtureCandles("BTCUSDT") };
const sweep = {
  strategy: { name: "sma", module: strategyModule },
  params: [
    { fast: 3, slow: 13 },
    { fast: 5, slow: 21 },
  ],
  symbols: "BTCUSDT",
  frame,
  columns,
  backtest: { warmupMinutes: WARMUP_MINUTES },
  execArgv,
};

function task(params: Array<{ fast: number; slow: number }>): IThreadTask {
  return {
    strategy: { name: "sma", module: strategyModule },
    root: process.cwd(),
    paramSets: params,
    symbol: "BTCUSDT",
    columns: columns.BTCUSDT,
    frame: { ...frame, interval: "1m" },
    metric: "sharpeRatio",
    backtest: { warmupMinutes: WARMUP_MINUTES },
    config: {} as IThreadTask["config"],
    exchangeName: "sweep",
    keepClosed: false,
  };
}

describe("createSweepPool", () => {
  it("starts its threads once, keeps them across sweeps and leaves none after dispose (the process then exits)", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "--conditions=@bt/source",
        "--import",
        "tsx",
        fileURLToPath(new URL("./fixtures/poolThreadsChild.ts", import.meta.url)),
      ],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 90_000 },
    );
    const counts = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    expect(counts.started).toBeGreaterThanOrEqual(counts.before + 2);
    expect(counts.afterFirst).toBe(counts.started);
    expect(counts.afterSecond).toBe(counts.started);
    expect(counts.disposed).toBe(counts.before);
    expect(counts.startupMs).toBeGreaterThan(0);
    expect(counts.same).toBe(true);
    expect(counts.rejected).toBe("sweep pool: the pool was disposed");
  });

  it("fails a sweep whose task throws (a strategy module that cannot load) and keeps serving the next sweep", async () => {
    const pool = createSweepPool({ threads: 2, execArgv });
    try {
      await expect(
        runSweep({ ...sweep, strategy: { name: "sma", module: "./fixtures/missing.ts" }, pool }),
      ).rejects.toThrow(/cannot load the strategy module/);
      const result = await runSweep({ ...sweep, pool });
      expect(result.backtestCount).toBe(2);
      expect(result.symbols[0]?.ranking.every((entry) => entry.error === null)).toBe(true);
    } finally {
      await pool.dispose();
    }
  });

  it("fails a sweep loudly when a thread exits mid-task (regression: the task hung for ever in tinypool)", async () => {
    await expect(
      runSweep({
        ...sweep,
        strategy: { name: "exit", module: strategyModule, exportName: "exitingStrategy" },
        threads: 2,
      }),
    ).rejects.toMatchObject({
      code: "STATE",
      message: expect.stringMatching(/worker thread exited \(code 3\)/),
    });
    const pool = createSweepPool({ threads: 1, execArgv });
    const broken = runSweep({
      ...sweep,
      strategy: { name: "exit", module: strategyModule, exportName: "exitingStrategy" },
      pool,
    });
    await expect(broken).rejects.toMatchObject({ code: "STATE" });
    // The pool stays broken (its thread is gone) and says so; dispose still returns.
    await expect(pool.run(task([{ fast: 3, slow: 13 }]))).rejects.toMatchObject({ code: "STATE" });
    await pool.dispose();
  });

  it("runs tasks in the order given and drops aborted ones that have not started", async () => {
    const pool = createSweepPool({ threads: 1, execArgv });
    try {
      expect(pool.threads).toBe(1);
      expect(await pool.ready()).toBeGreaterThan(0);
      const controller = new AbortController();
      const order: string[] = [];
      const first = pool.run(task([{ fast: 3, slow: 13 }])).then((entries) => {
        order.push("first");
        return entries;
      });
      const dropped = pool.run(task([{ fast: 5, slow: 21 }]), { signal: controller.signal });
      const last = pool.run(task([{ fast: 8, slow: 34 }])).then((entries) => {
        order.push("last");
        return entries;
      });
      controller.abort();
      await expect(dropped).rejects.toMatchObject({
        code: "STATE",
        message: expect.stringMatching(/aborted/),
      });
      expect((await first)[0]?.strategyName).toBe("sma[fast=3,slow=13]");
      expect((await last)[0]?.strategyName).toBe("sma[fast=8,slow=34]");
      expect(order).toEqual(["first", "last"]);
    } finally {
      await pool.dispose();
    }
  });
});
