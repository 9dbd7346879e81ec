// runStudy on real backtests: the same seed gives the same study, worker threads give what one thread
// gives, and a study cut short (its journal holding only some trials, a torn last line included)
// resumes with exactly the missing trials and ends as an uninterrupted one.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSweepPool, runSweep, runSweepSequential } from "@bt/cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fixtureCandles, {
  FIXTURE_DAYS,
  FRAME_START_MS,
  WARMUP_MINUTES,
} from "../../cluster/test/fixtures/candles.ts";
import smaStrategy, { type ISmaParams } from "../../cluster/test/fixtures/smaStrategy.ts";
import {
  assessRobustness,
  type IStudyResult,
  parseSearchSpace,
  renderStudyReport,
  runStudy,
  runWalkForwardStudy,
} from "../src/index.ts";

const strategyModule = fileURLToPath(new URL("../../cluster/test/fixtures/smaStrategy.ts", import.meta.url));
const columns = { BTCUSDT: fixtureCandles("BTCUSDT") };
const frame = {
  frameName: "march",
  startMs: FRAME_START_MS,
  endMs: FRAME_START_MS + FIXTURE_DAYS * 1440 * 60_000,
};
const space = parseSearchSpace({
  fast: { type: "int", low: 2, high: 10 },
  slow: { type: "int", low: 12, high: 40 },
  interval: ["1m"],
});
const base = {
  symbols: "BTCUSDT",
  frame,
  columns,
  backtest: { warmupMinutes: WARMUP_MINUTES },
  space,
  trials: 14,
  batchSize: 4,
  seed: 5,
  objective: { metric: "totalPnl" as const },
};

let calls = 0;
const counted = (params: ISmaParams) => {
  calls++;
  return smaStrategy(params);
};
const sequential = { ...base, strategy: { name: "sma", factory: counted } };
const summary = (study: IStudyResult) =>
  study.trials.map((trial) => ({
    number: trial.number,
    params: trial.params,
    value: trial.value,
    status: trial.status,
  }));

let dir = "";
let reference: IStudyResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bt-study-"));
  reference = await runStudy(runSweepSequential, { ...sequential, journal: join(dir, "reference.jsonl") });
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("runStudy", () => {
  it("runs every trial once, ranks them and re-runs the best with its trades", () => {
    expect(reference.trials.map((trial) => trial.number)).toEqual([...Array(14).keys()]);
    expect(reference.best?.status).toBe("ok");
    expect(reference.ranking[0]).toBe(reference.best);
    const bestRun = reference.bestRun?.symbols[0]?.ranking[0];
    expect(bestRun?.closed.length).toBe(reference.best?.runs[0]?.stats?.tradeCount);
    expect(reference.importance.map((item) => item.name)).toEqual(["fast", "slow", "interval"]);
    const markdown = renderStudyReport(reference);
    expect(markdown).toMatch(/## Best trials/);
    expect(markdown).toMatch(/## Parameter importance/);
    expect(markdown).toMatch(/## All trials/);
  });

  it("the same seed gives the same study; another seed another", async () => {
    const again = await runStudy(runSweepSequential, sequential);
    expect(summary(again)).toEqual(summary(reference));
    const other = await runStudy(runSweepSequential, { ...sequential, seed: 6, trials: 4 });
    expect(summary(other).map((trial) => trial.params)).not.toEqual(
      summary(reference)
        .slice(0, 4)
        .map((trial) => trial.params),
    );
  }, 120_000);

  it("worker threads (one pool for every batch) give what one thread gives", async () => {
    const pool = createSweepPool({ threads: 2, execArgv: ["--conditions=@bt/source"] });
    try {
      const threaded = await runStudy(runSweep, {
        ...base,
        strategy: { name: "sma", module: strategyModule },
        pool,
      });
      expect(summary(threaded)).toEqual(summary(reference));
    } finally {
      await pool.dispose();
    }
  }, 180_000);

  it("a study cut short resumes with exactly the missing trials (torn last line dropped)", async () => {
    const lines = (await readFile(join(dir, "reference.jsonl"), "utf8")).trimEnd().split("\n");
    expect(lines.length).toBe(1 + 14);
    // The kill came after 6 trials (batch 1 half done) and in the middle of writing the 7th.
    const cut = join(dir, "cut.jsonl");
    await writeFile(cut, `${lines.slice(0, 7).join("\n")}\n${(lines[7] as string).slice(0, 25)}`);
    const distinct = new Set(reference.trials.map((trial) => trial.strategyName));
    const done = new Set(
      reference.trials.filter((trial) => trial.number < 6).map((trial) => trial.strategyName),
    );
    calls = 0;
    const resumed = await runStudy(runSweepSequential, { ...sequential, journal: cut, keepBest: false });
    expect(resumed.resumedTrials).toBe(6);
    expect(calls).toBe(distinct.size - done.size);
    expect(summary(resumed)).toEqual(summary(reference));
    // Once complete, a rerun runs nothing.
    calls = 0;
    const complete = await runStudy(runSweepSequential, { ...sequential, journal: cut, keepBest: false });
    expect(calls).toBe(0);
    expect(complete.resumedTrials).toBe(14);
  }, 120_000);

  it("refuses a journal of another study, naming what differs", async () => {
    await expect(
      runStudy(runSweepSequential, { ...sequential, seed: 99, journal: join(dir, "reference.jsonl") }),
    ).rejects.toThrow(/seed/);
  });
});

describe("robustness and walk-forward", () => {
  it("assessRobustness gives Monte Carlo bands, the deflated Sharpe ratio and a random-entry baseline", async () => {
    const best = reference.bestRun?.symbols[0]?.ranking[0];
    if (!best) throw new Error("no best run");
    const robustness = await assessRobustness(
      { frame, columns, backtest: { warmupMinutes: WARMUP_MINUTES } },
      {
        best,
        tried: reference.trials
          .filter((trial) => trial.duplicateOf === null)
          .map((trial) => trial.runs[0] ?? { stats: null }),
        objective: reference.objective,
        options: { monteCarloRuns: 200, baselineRuns: 12, seed: 3 },
      },
    );
    expect(robustness.trades).toBe(best.closed.length);
    expect(robustness.shuffle?.runs).toBe(200);
    expect(robustness.bootstrap?.method).toBe("bootstrap");
    expect(robustness.deflatedSharpe.status).toBe("ok");
    expect(robustness.baseline).toMatchObject({ status: "ok", runs: 12 });
    if (robustness.baseline.status === "ok") {
      expect(robustness.baseline.pValue).toBeGreaterThan(0);
      expect(robustness.baseline.pValue).toBeLessThanOrEqual(1);
    }
    const markdown = renderStudyReport(reference, { robustness: [robustness] });
    expect(markdown).toMatch(/Deflated Sharpe ratio: \*\*/);
    expect(markdown).toMatch(/Random-entry baseline: 12 runs/);
  }, 120_000);

  it("walk-forward: each fold optimises on its train window, its winner runs on the test window, trades are stitched", async () => {
    const result = await runWalkForwardStudy(runSweepSequential, {
      ...sequential,
      trials: 6,
      folds: { folds: 2, mode: "rolling" },
    });
    expect(result.folds.length).toBe(2);
    for (const fold of result.folds) {
      expect(fold.train.endMs).toBe(fold.test.startMs);
      const row = fold.symbols[0];
      expect(row?.outOfSample?.frameName).toBe(fold.test.frameName);
      expect(row?.efficiency !== null || row?.efficiencyProblem !== null).toBe(true);
    }
    const stitched = result.stitched[0];
    const oosTrades = result.folds.reduce(
      (sum, fold) => sum + (fold.symbols[0]?.outOfSample?.closed.length ?? 0),
      0,
    );
    expect(stitched?.closed.length).toBe(oosTrades);
    expect(stitched?.equity.length).toBe(oosTrades);
    for (const trade of stitched?.closed ?? []) {
      expect(trade.signal.pendingAt).toBeGreaterThanOrEqual(result.folds[0]?.test.startMs as number);
    }
  }, 180_000);
});
