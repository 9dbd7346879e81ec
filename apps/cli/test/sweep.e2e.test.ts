// `bt sweep` (built binary): threads rank like one thread, the --json shape, failed parameter sets
// listed and exit 1, bad grid fields exit 2 naming the field, and a run SIGKILLed mid-way resumes by
// run id, running exactly the backtests its journal lacks and ranking like an uninterrupted run.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ISweepResult } from "@bt/cluster";
import { afterAll, describe, expect, it } from "vitest";
import { BIN_PATH, REPO_ROOT, requireBuiltCli, runBt } from "./builtCli";
import { lines } from "./studyE2e";

const EXAMPLE_GRID = `${REPO_ROOT}examples/strategies/sma.grid.ts`;
const COUNTING = fileURLToPath(new URL("./fixtures/countingSweepStrategy.ts", import.meta.url));
const FRAME = ["--from", "2025-01-05", "--to", "2025-01-12"];
const folders: string[] = [];

interface ISweepOutput extends ISweepResult {
  kind: "sweep";
  version: number;
  name: string;
  runId: string;
  journal: string;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bt-sweep-e2e-"));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Writes a JSON grid file over the counting strategy into `dir`. */
function writeGrid(dir: string, grid: Record<string, unknown>, name = "grid.json"): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ strategy: { module: COUNTING, name: "count" }, ...grid }));
  return path;
}

/** Starts the built bt; resolves its exit with the output. */
function startBt(args: string[], env: Record<string, string>) {
  requireBuiltCli();
  const child: ChildProcess = spawn(process.execPath, [BIN_PATH, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<{
    status: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on("exit", (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, exited };
}

/** Waits until the journal holds at least `records` records (plus its header line), then SIGKILLs. */
async function killAfterRecords(child: ChildProcess, journal: string, records: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (lines(journal).length < records + 1) {
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`the sweep ended or stalled before ${records} journaled records`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGKILL");
}

/** The rankings without wall time: what resuming must not change. */
function rankings(output: ISweepOutput) {
  return { metric: output.metric, frame: output.frame, symbols: output.symbols, count: output.backtestCount };
}

describe("bt sweep (built binary)", () => {
  it("ranks the example grid on 2 threads exactly as on 1, with the --json shape", () => {
    const state = tempDir();
    const threads = runBt(["sweep", EXAMPLE_GRID, ...FRAME, "--threads", "2", "--json", "--state", state]);
    expect(threads.status, threads.stderr).toBe(0);
    const single = runBt(["sweep", EXAMPLE_GRID, ...FRAME, "--threads", "1", "--json", "--state", state]);
    expect(single.status, single.stderr).toBe(0);
    const two = JSON.parse(threads.stdout) as ISweepOutput;
    const one = JSON.parse(single.stdout) as ISweepOutput;
    expect(two.kind).toBe("sweep");
    expect(two.version).toBe(1);
    expect(two.name).toBe("sma");
    expect(two.runId).toMatch(/^[0-9a-f]{6}$/);
    expect(two.runId).not.toBe(one.runId);
    expect(two.journal).toBe(join(state, "sweeps", `${two.runId}.jsonl`));
    expect(two.metric).toBe("sharpeRatio");
    expect(two.backtestCount).toBe(18);
    expect(two.resumedCount).toBe(0);
    expect(two.symbols.map((symbol) => symbol.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    const first = two.symbols[0];
    expect(first?.ranking).toHaveLength(9);
    expect(first?.bestStrategy).toBe(first?.ranking[0]?.strategyName);
    expect(first?.ranking[0]?.strategyName).toMatch(/^sma\[fastPeriod=\d+,slowPeriod=\d+\]$/);
    expect(first?.ranking[0]?.stats?.tradeCount).toBeGreaterThan(0);
    expect(rankings(two)).toEqual(rankings(one));
    expect(threads.stderr).toContain(
      `run id ${two.runId} · resume with: bt sweep ${EXAMPLE_GRID} --run-id ${two.runId}`,
    );
  });

  it("prints a ranking table per symbol, limited by --top, with the best strategy", () => {
    const run = runBt([
      "sweep",
      EXAMPLE_GRID,
      ...FRAME,
      "--symbols",
      "BTCUSDT",
      "--top",
      "3",
      "--state",
      tempDir(),
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^# Sweep sma \(run [0-9a-f]{6}\) — ranked by Sharpe ratio/);
    expect(run.stdout).toMatch(/## BTCUSDT — 9 backtests, best: sma\[/);
    expect(run.stdout).toMatch(/#\s+strategy\s+Sharpe ratio\s+Trades\s+Win rate\s+Total PnL\s+Max drawdown/);
    expect(run.stdout).toMatch(/\n3\s+sma\[/);
    expect(run.stdout).not.toMatch(/\n4\s+sma\[/);
    expect(run.stdout).toContain("6 more ranked parameter sets not shown (--top 3");
    expect(run.stdout).not.toContain("ETHUSDT");
  });

  it("shows the robustness of each symbol's best entry under its ranking; --mc-runs 0 --baseline-runs 0 skips it", () => {
    const state = tempDir();
    const run = runBt([
      "sweep",
      EXAMPLE_GRID,
      ...FRAME,
      "--threads",
      "2",
      "--baseline-runs",
      "10",
      "--state",
      state,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const sections = run.stdout.split(/\n(?=## (?:BTCUSDT|ETHUSDT) — )/);
    expect(sections).toHaveLength(3);
    for (const [index, symbol] of ["BTCUSDT", "ETHUSDT"].entries()) {
      const section = sections[index + 1] as string;
      const best = /best: (sma\[[^\]]+\])/.exec(section)?.[1];
      expect(section).toContain("## Robustness of the best run");
      expect(section).toContain(`### ${symbol}: ${best} (`);
      expect(section).toMatch(/\| shuffled order \| 1000 \|/);
      expect(section).toMatch(/the best of 9 trials expected from luck alone/);
      expect(section).toMatch(/Random-entry baseline: 10 runs .* p-value \*\*/);
    }
    const json = runBt([
      "sweep",
      EXAMPLE_GRID,
      ...FRAME,
      "--threads",
      "1",
      "--json",
      "--baseline-runs",
      "0",
      "--state",
      state,
    ]);
    expect(json.status, json.stderr).toBe(0);
    const output = JSON.parse(json.stdout) as ISweepOutput & {
      robustness: Array<{
        symbol: string;
        trialCount: number;
        baseline: { status: string; reason?: string };
      }>;
    };
    expect(output.robustness.map((item) => [item.symbol, item.trialCount])).toEqual([
      ["BTCUSDT", 9],
      ["ETHUSDT", 9],
    ]);
    expect(output.robustness[0]?.baseline).toEqual({ status: "na", reason: "skipped (0 baseline runs)" });
    const skipped = runBt([
      "sweep",
      EXAMPLE_GRID,
      ...FRAME,
      "--mc-runs",
      "0",
      "--baseline-runs",
      "0",
      "--state",
      state,
    ]);
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stdout).not.toContain("Robustness");
    expect(skipped.stderr).not.toContain("robustness of");
  }, 60_000);

  it("lists a failing parameter set as failed with its error, never ranked, and exits 1", () => {
    const dir = tempDir();
    const grid = writeGrid(dir, {
      params: [
        { fast: 5, slow: 20 },
        { fast: 7, slow: 20, fail: true },
        { fast: 10, slow: 30 },
      ],
    });
    const run = runBt(["sweep", grid, ...FRAME, "--threads", "2", "--json", "--state", dir]);
    expect(run.status).toBe(1);
    const output = JSON.parse(run.stdout) as ISweepOutput;
    const ranking = output.symbols[0]?.ranking ?? [];
    expect(ranking.map((entry) => entry.error === null)).toEqual([true, true, false]);
    expect(ranking[2]?.strategyName).toBe("count[fast=7,slow=20,fail=true]");
    expect(ranking[2]?.error?.message).toBe("this parameter set fails (fast=7)");
    expect(output.symbols[0]?.bestStrategy).not.toBe("count[fast=7,slow=20,fail=true]");
    expect(run.stderr).toContain(
      "failed: count[fast=7,slow=20,fail=true] on BTCUSDT: Error: this parameter set fails (fast=7)",
    );
    expect(run.stderr).toMatch(/bt sweep: 1 of 3 backtests failed/);
    const table = runBt(["sweep", grid, ...FRAME, "--threads", "1", "--state", dir]);
    expect(table.status).toBe(1);
    expect(table.stdout).toMatch(
      /\nfailed\s+count\[fast=7,slow=20,fail=true\]\s+Error: this parameter set fails/,
    );
  });

  it("rejects bad grid files and flags with exit 2, naming the field or flag and the value", () => {
    const dir = tempDir();
    const cases: Array<[Record<string, unknown> | string[], RegExp]> = [
      [
        { params: { fast: [], slow: [20] } },
        /grid file .*grid\.json: params\.fast is bad: .*"fast" must be a non-empty array/,
      ],
      [{ params: { fast: [5] }, metric: "bogus" }, /grid file .*: metric is not a ranking metric: "bogus"/],
      [{ params: { fast: [5] }, symbol: "BTCUSDT" }, /grid file .*: "symbol" is not a grid file field/],
      [
        { params: { fast: [5] }, strategy: "./missing.ts" },
        /grid file .*: strategy\.module not found: .*missing\.ts/,
      ],
      [{ strategy: { module: COUNTING } }, /grid file .*: params is missing/],
      [
        { params: { fast: [5] }, symbols: ["BTCUSDT", "BTCUSDT"] },
        /grid file .*: symbols lists BTCUSDT twice/,
      ],
    ];
    for (const [grid, message] of cases) {
      const path = writeGrid(dir, grid as Record<string, unknown>);
      const run = runBt(["sweep", path, "--state", dir]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const good = writeGrid(dir, { params: { fast: [5], slow: [20] } });
    const flags: Array<[string[], RegExp]> = [
      [["--threads", "0"], /bad --threads "0": must be a positive integer/],
      [["--top", "x"], /bad --top "x"/],
      [["--metric", "luck"], /bad --metric "luck"/],
      [["--run-id", "a:b"], /bad --run-id "a:b"/],
      [["--queue", "q"], /--queue needs --cluster/],
      [["--cluster", "--threads", "2"], /--cluster and --threads were both given/],
      [["--symbols", "NOPEUSDT"], /symbol NOPEUSDT has no candle files/],
    ];
    for (const [extra, message] of flags) {
      const run = runBt(["sweep", good, ...extra, "--state", dir]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it("resumes a SIGKILLed run by run id: runs exactly the missing backtests, ranks like an uninterrupted run", async () => {
    const dir = tempDir();
    const grid = writeGrid(dir, {
      params: { fast: [3, 5, 8], slow: [13, 21] },
      symbols: ["BTCUSDT", "ETHUSDT"],
    });
    const runId = "resume1";
    const journal = join(dir, "sweeps", `${runId}.jsonl`);
    const args = ["sweep", grid, ...FRAME, "--threads", "2", "--state", dir, "--json"];
    const firstCalls = join(dir, "calls-1.txt");
    const first = startBt([...args, "--run-id", runId], {
      BT_TEST_SWEEP_CALLS: firstCalls,
      BT_TEST_SWEEP_DELAY_MS: "300",
    });
    await killAfterRecords(first.child, journal, 1);
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stderr).toContain(`run id ${runId} · resume with: bt sweep ${grid} --run-id ${runId}`);
    const done = lines(journal).length - 1;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(12);

    const secondCalls = join(dir, "calls-2.txt");
    const second = runBt([...args, "--run-id", runId], { env: { BT_TEST_SWEEP_CALLS: secondCalls } });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resumed: ${done} of 12 backtests already done`);
    // Exactly the backtests the journal lacked ran again (the factory runs once per backtest).
    expect(lines(secondCalls)).toHaveLength(12 - done);
    const resumed = JSON.parse(second.stdout) as ISweepOutput;
    expect(resumed.runId).toBe(runId);
    expect(resumed.resumedCount).toBe(done);
    expect(lines(journal)).toHaveLength(13);

    const fresh = runBt(args, { env: {} });
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(rankings(resumed)).toEqual(rankings(JSON.parse(fresh.stdout) as ISweepOutput));

    // The journal belongs to its sweep: other settings under the same run id are refused, naming the field.
    const other = runBt([...args, "--run-id", runId, "--fee", "0.2"]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/the journal's config\.CC_PERCENT_FEE differs from this run's/);
  }, 180_000);
});
