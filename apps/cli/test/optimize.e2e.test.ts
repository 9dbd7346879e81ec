// `bt optimize` (built binary): the same seed gives the same trials twice and on 1 or 2 threads, the
// --json shape, a failing trial shown as failed with exit 1, bad space fields and flags exit 2 naming
// them, and a study SIGKILLed mid-way resumes by run id, running exactly the missing trials and ending
// with the trials of an uninterrupted study.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runBt } from "./builtCli";
import {
  COUNTING,
  calledParams,
  type IOptimizeOutput,
  killAfterRecords,
  lines,
  startBt,
  trialsOf,
  WIDE_SPACE,
  writeSpace,
} from "./studyE2e";

const EXAMPLE_SPACE = `${REPO_ROOT}examples/strategies/sma.space.ts`;
const FRAME = ["--from", "2025-01-05", "--to", "2025-01-12"];
const NO_ROBUSTNESS = ["--mc-runs", "0", "--baseline-runs", "0"];
const folders: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bt-optimize-e2e-"));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("bt optimize (built binary)", () => {
  it("gives the same trials for the same seed, twice on 2 threads and on 1 thread, with the --json shape", () => {
    const state = tempDir();
    const space = writeSpace(state, { space: WIDE_SPACE });
    const args = ["optimize", space, ...FRAME, "--seed", "7", "--trials", "12", "--batch", "4"];
    const runs = [
      runBt([...args, "--threads", "2", "--json", "--state", state, ...NO_ROBUSTNESS]),
      runBt([...args, "--threads", "2", "--json", "--state", state, ...NO_ROBUSTNESS]),
      runBt([...args, "--threads", "1", "--json", "--state", state, ...NO_ROBUSTNESS]),
    ];
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    const [a, b, c] = runs.map((run) => JSON.parse(run.stdout) as IOptimizeOutput) as [
      IOptimizeOutput,
      IOptimizeOutput,
      IOptimizeOutput,
    ];
    expect(a.kind).toBe("optimize");
    expect(a.version).toBe(1);
    expect(a.name).toBe("space");
    expect(a.runId).toMatch(/^[0-9a-f]{6}$/);
    expect(a.journal).toBe(join(state, "studies", `${a.runId}.jsonl`));
    expect(a.trials).toHaveLength(12);
    expect(a.ranking).toHaveLength(12);
    expect(a.best?.number).toBe(a.ranking[0]);
    expect(a.importance.map((item) => item.name)).toEqual(["fast", "slow"]);
    expect(a.robustness).toEqual([]);
    expect(a.trials[0]?.strategyName).toMatch(/^count\[fast=\d+,slow=\d+\]$/);
    expect(trialsOf(b)).toEqual(trialsOf(a));
    expect(trialsOf(c)).toEqual(trialsOf(a));
    expect(runs[0]?.stderr).toContain(
      `run id ${a.runId} · resume with: bt optimize ${space} --run-id ${a.runId}`,
    );
  }, 60_000);

  it("prints the study report with robustness and a summary for the example space file", () => {
    const run = runBt([
      "optimize",
      EXAMPLE_SPACE,
      "--threads",
      "2",
      "--baseline-runs",
      "5",
      "--state",
      tempDir(),
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^# Study sma \(run [0-9a-f]{6}\)/);
    expect(run.stdout).toContain("## Best trials");
    expect(run.stdout).toContain("## Parameter importance");
    expect(run.stdout).toMatch(/### BTCUSDT: sma\[fastPeriod=\d+,slowPeriod=\d+\] \(\d+ trades\)/);
    expect(run.stdout).toMatch(/Random-entry baseline: 5 runs .* p-value \*\*/);
    expect(run.stdout).toMatch(
      /\nSummary\n {2}best: trial \d+ fastPeriod=\d+, slowPeriod=\d+ · Sharpe ratio/,
    );
    expect(run.stdout).toMatch(/trials: 16 \(/);
    expect(run.stderr).toMatch(/progress .*trial 16\/16/);
  }, 60_000);

  it("shows a failing trial as failed, never ranked, and exits 1", () => {
    const dir = tempDir();
    const space = writeSpace(dir, {
      space: { fast: [5, 7], slow: [20], fail: [false, true] },
      sampler: "grid",
      trials: 4,
    });
    const run = runBt([
      "optimize",
      space,
      ...FRAME,
      "--threads",
      "1",
      "--json",
      "--state",
      dir,
      ...NO_ROBUSTNESS,
    ]);
    expect(run.status).toBe(1);
    const output = JSON.parse(run.stdout) as IOptimizeOutput;
    const failed = output.trials.filter((trial) => trial.status === "failed");
    expect(failed).toHaveLength(2);
    expect(failed[0]?.reason).toMatch(/BTCUSDT: this parameter set fails \(fast=\d\)/);
    expect(output.best?.params.fail).toBe(false);
    expect(output.ranking.slice(-2).sort()).toEqual(failed.map((trial) => trial.number).sort());
    expect(run.stderr).toMatch(
      /failed: trial \d+ count\[fast=\d,slow=20,fail=true\]: BTCUSDT: this parameter set fails/,
    );
    expect(run.stderr).toMatch(/bt optimize: 2 of 4 trials failed/);
    const table = runBt(["optimize", space, ...FRAME, "--threads", "1", "--state", dir, ...NO_ROBUSTNESS]);
    expect(table.status).toBe(1);
    expect(table.stdout).toMatch(/\| failed \| N\/A \(BTCUSDT: this parameter set fails/);
  }, 60_000);

  it("rejects bad space fields and flags with exit 2, naming the field or flag and the value", () => {
    const dir = tempDir();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { space: { fast: { type: "int", low: "x", high: 9 } } },
        /space file .*space\.json: space\.fast\.low must be an integer, got "x"/,
      ],
      [{ space: { fast: { type: "integer", low: 1, high: 9 } } }, /space\.fast\.type must be/],
      [{ space: WIDE_SPACE, sampler: "bayes" }, /space file .*: sampler is not a sampler: "bayes"/],
      [{ space: WIDE_SPACE, trials: 0 }, /space file .*: trials must be a positive integer, got 0/],
      [{ space: WIDE_SPACE, objective: { metric: "luck" } }, /objective\.metric must be one of .*got "luck"/],
      [{ space: WIDE_SPACE, params: {} }, /space file .*: "params" is not a space file field/],
      [{ strategy: COUNTING }, /space file .*: space is missing/],
    ];
    for (const [file, message] of cases) {
      const path = writeSpace(dir, file);
      const run = runBt(["optimize", path, "--state", dir]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const good = writeSpace(dir, { space: WIDE_SPACE });
    const flags: Array<[string[], RegExp]> = [
      [["--trials", "0"], /bad --trials "0": must be an integer ≥ 1/],
      [["--batch", "x"], /bad --batch "x"/],
      [["--sampler", "bayes"], /bad --sampler "bayes"/],
      [["--objective", "luck"], /bad --objective "luck"/],
      [["--min-trades", "-1"], /bad --min-trades "-1"/],
      [["--drawdown-penalty", "-2"], /bad --drawdown-penalty "-2"/],
      [["--mc-runs", "0"], /--mc-runs 0 with baseline runs/],
      [["--threads", "0"], /bad --threads "0"/],
    ];
    for (const [extra, message] of flags) {
      const run = runBt(["optimize", good, ...extra, "--state", dir]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  }, 60_000);

  it("resumes a SIGKILLed study by run id: runs exactly the missing trials, ends with an uninterrupted study's trials", async () => {
    const dir = tempDir();
    const space = writeSpace(dir, { space: WIDE_SPACE, trials: 12, batchSize: 4, seed: 3 });
    const runId = "resume1";
    const journal = join(dir, "studies", `${runId}.jsonl`);
    const args = ["optimize", space, ...FRAME, "--threads", "2", "--state", dir, "--json", ...NO_ROBUSTNESS];
    const first = startBt([...args, "--run-id", runId], {
      BT_TEST_SWEEP_CALLS: join(dir, "calls-1.txt"),
      BT_TEST_SWEEP_DELAY_MS: "300",
    });
    await killAfterRecords(first.child, journal, 5);
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    const journaled = lines(journal)
      .slice(1)
      .map((line) => JSON.parse(line) as { number: number; params: Record<string, unknown> });
    const done = journaled.length;
    expect(done).toBeGreaterThanOrEqual(5);
    expect(done).toBeLessThan(12);

    const secondCalls = join(dir, "calls-2.txt");
    const second = runBt([...args, "--run-id", runId], { env: { BT_TEST_SWEEP_CALLS: secondCalls } });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resumed: ${done} of 12 trials already done`);
    const resumed = JSON.parse(second.stdout) as IOptimizeOutput;
    expect(resumed.runId).toBe(runId);
    expect(resumed.resumedTrials).toBe(done);

    // Exactly the trials the journal lacked ran (once per distinct parameter set), plus the best
    // trial once more with its closed signals.
    const journaledNumbers = new Set(journaled.map((record) => record.number));
    const known = new Set(journaled.map((record) => JSON.stringify(record.params)));
    const missing = new Set<string>();
    for (const trial of resumed.trials) {
      const key = JSON.stringify(trial.params);
      if (!journaledNumbers.has(trial.number) && !known.has(key)) missing.add(key);
    }
    const calls = calledParams(secondCalls);
    expect(calls).toHaveLength(missing.size + 1);
    expect(new Set(calls)).toEqual(new Set([...missing, JSON.stringify(resumed.best?.params)]));
    expect(lines(journal)).toHaveLength(13);

    const fresh = runBt(args, { env: {} });
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(trialsOf(resumed)).toEqual(trialsOf(JSON.parse(fresh.stdout) as IOptimizeOutput));

    // --trials may grow on resume: only the new trials run.
    const extendCalls = join(dir, "calls-3.txt");
    const extended = runBt([...args, "--run-id", runId, "--trials", "14"], {
      env: { BT_TEST_SWEEP_CALLS: extendCalls },
    });
    expect(extended.status, extended.stderr).toBe(0);
    expect(extended.stderr).toContain("resumed: 12 of 14 trials already done");
    expect(calledParams(extendCalls).length).toBeLessThanOrEqual(3);

    // The journal belongs to its study: other settings under the same run id are refused, naming the field.
    const other = runBt([...args, "--run-id", runId, "--fee", "0.2"]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/the journal's config\.CC_PERCENT_FEE differs from this run's/);
  }, 180_000);
});
