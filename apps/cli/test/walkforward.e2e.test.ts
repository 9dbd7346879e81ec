// `bt walkforward` (built binary) on the bundled data: the fold table with its efficiency column, the
// stitched out-of-sample statistics and equity, the --json shape, a rerun by run id resuming every
// fold from its journal, and bad fold flags exiting 2 naming the flag and the value.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runBt } from "./builtCli";

const EXAMPLE_SPACE = `${REPO_ROOT}examples/strategies/sma.space.ts`;
const QUICK = ["--folds", "2", "--trials", "8", "--threads", "2"];
const folders: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bt-walkforward-e2e-"));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

interface IWalkForwardOutput {
  kind: "walkforward";
  version: number;
  runId: string;
  journals: string[];
  mode: string;
  folds: Array<{
    index: number;
    train: { startMs: number; endMs: number };
    test: { startMs: number; endMs: number };
    best: { params: Record<string, number> } | null;
    study: { trials: unknown[] };
    symbols: Array<{
      symbol: string;
      outOfSample: { stats: { tradeCount: number } | null; closedCount: number } | null;
      efficiency: number | null;
      efficiencyProblem: string | null;
    }>;
  }>;
  stitched: Array<{ symbol: string; tradeCount: number; stats: { tradeCount: number }; equity: unknown[] }>;
}

describe("bt walkforward (built binary)", () => {
  it("prints the fold table with efficiency, the stitched out-of-sample statistics and equity", () => {
    const run = runBt(["walkforward", EXAMPLE_SPACE, ...QUICK, "--state", tempDir()]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^# Walk-forward sma \(run [0-9a-f]{6}\)/);
    expect(run.stdout).toContain(
      "| Fold | Train | Test | Symbol | Best parameters | IS objective | OOS total PnL | OOS trades | Efficiency |",
    );
    expect(run.stdout).toMatch(/\n\| 1 \| 2025-01-05 → 2025-01-14T08:00Z \| 2025-01-14T08:00Z → /);
    expect(run.stdout).toMatch(/\n\| 2 \| .* \| BTCUSDT \| fastPeriod=\d+, slowPeriod=\d+ \| /);
    // Each efficiency cell is a ratio or N/A with its reason.
    for (const row of run.stdout.split("\n").filter((line) => /^\| [12] \| 2025/.test(line))) {
      expect(row).toMatch(/\| (-?\d+\.\d{3}|N\/A \(.+\)) \|$/);
    }
    expect(run.stdout).toMatch(/## BTCUSDT: stitched out of sample \(\d+ trades, /);
    expect(run.stdout).toMatch(/Equity \(compounded closed trades, 1 = start\): `[▁▂▃▄▅▆▇█]+` final /);
    expect(run.stdout).toContain("| Metric | Value |");
    expect(run.stderr).toMatch(/progress 100\.0% 16\/16 .*fold 2\/2 trial 8\/8/);
  }, 60_000);

  it("has the --json shape, and a rerun by run id resumes every fold from its journal", () => {
    const state = tempDir();
    const args = ["walkforward", EXAMPLE_SPACE, ...QUICK, "--state", state, "--json", "--run-id", "wf1"];
    const run = runBt(args);
    expect(run.status, run.stderr).toBe(0);
    const output = JSON.parse(run.stdout) as IWalkForwardOutput;
    expect(output.kind).toBe("walkforward");
    expect(output.version).toBe(1);
    expect(output.runId).toBe("wf1");
    expect(output.mode).toBe("rolling");
    expect(output.journals).toEqual([1, 2].map((fold) => join(state, "studies", `wf1.fold${fold}.jsonl`)));
    expect(output.folds).toHaveLength(2);
    const [first, second] = output.folds;
    expect(first?.train.endMs).toBe(first?.test.startMs);
    expect(second?.test.startMs).toBe(first?.test.endMs);
    expect(first?.study.trials).toHaveLength(8);
    const symbol = first?.symbols[0];
    expect(symbol?.symbol).toBe("BTCUSDT");
    expect(symbol?.efficiency === null).toBe(symbol?.efficiencyProblem !== null);
    const outOfSampleTrades = output.folds.reduce(
      (sum, fold) => sum + (fold.symbols[0]?.outOfSample?.closedCount ?? 0),
      0,
    );
    expect(output.stitched[0]?.tradeCount).toBe(outOfSampleTrades);
    expect(output.stitched[0]?.stats.tradeCount).toBe(outOfSampleTrades);
    expect(output.stitched[0]?.equity).toHaveLength(outOfSampleTrades);

    const again = runBt(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain("fold 1: resumed: 8 of 8 trials already done");
    expect(again.stderr).toContain("fold 2: resumed: 8 of 8 trials already done");
    const resumed = JSON.parse(again.stdout) as IWalkForwardOutput;
    expect(resumed.folds.map((fold) => fold.best)).toEqual(output.folds.map((fold) => fold.best));
    expect(resumed.stitched).toEqual(output.stitched);
  }, 60_000);

  it("rejects bad fold flags with exit 2, naming the flag and the value", () => {
    const state = tempDir();
    const cases: Array<[string[], RegExp]> = [
      [["--folds", "0"], /bad --folds "0": must be a positive integer/],
      [["--mode", "sliding"], /bad --mode "sliding"/],
      [["--train", "7y"], /bad --train "7y": not a duration/],
      [["--test", "30d"], /--test 30d × --folds 4 leaves no train window/],
      [["--train", "13d", "--test", "1d", "--folds", "2"], /--train 13d: trainMs must be at most/],
    ];
    for (const [extra, message] of cases) {
      const run = runBt(["walkforward", EXAMPLE_SPACE, "--state", state, ...extra]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  }, 60_000);
});
