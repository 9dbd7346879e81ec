import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type IBacktestData, readLiveState } from "@bt/engine";
import { createFsPersist } from "@bt/persist-fs";
import { formatStatistic } from "@bt/report-markdown";
import { beforeAll, describe, expect, it } from "vitest";
import smaCrossover from "../../../examples/strategies/smaCrossover";
import type { IBacktestRunRecord } from "../src/runRecord";
import { referenceBacktest, runBt, SMA_STRATEGY } from "./builtCli";
import { createOwnCopyProject } from "./ownCopyProject";

// The CLI moves a 2025-01-01 start to 00:05 (the first minutes price the first tick): the reference does the same.
const START_MS = Date.UTC(2025, 0, 1, 0, 5);
const END_MS = Date.UTC(2025, 1, 1);

function statisticRow(markdown: string, label: string): string {
  const row = markdown.split("\n").find((line) => line.startsWith(`| ${label} |`));
  if (row === undefined) throw new Error(`no "${label}" row in the report`);
  return row.split("|")[2]?.trim() ?? "";
}

describe("bt backtest (built binary) on the bundled data", () => {
  let reference: IBacktestData;
  beforeAll(async () => {
    reference = await referenceBacktest(smaCrossover, "BTCUSDT", START_MS, END_MS);
  });

  it("prints a report whose numbers match Backtest.getData() computed in-process", () => {
    const dumpDir = mkdtempSync(join(tmpdir(), "bt-e2e-"));
    const run = runBt([
      "backtest",
      SMA_STRATEGY,
      "--symbol",
      "BTCUSDT",
      "--from",
      "2025-01-01",
      "--to",
      "2025-02-01",
      "--dump",
      dumpDir,
    ]);
    expect(run.stderr).not.toMatch(/error|hint/i);
    expect(run.status).toBe(0);
    expect(reference.stats.tradeCount).toBeGreaterThanOrEqual(20);
    expect(statisticRow(run.stdout, "Trades")).toBe(String(reference.stats.tradeCount));
    expect(statisticRow(run.stdout, "Total PnL (sum)")).toBe(formatStatistic(reference.stats, "totalPnl"));
    expect(statisticRow(run.stdout, "Win rate")).toBe(formatStatistic(reference.stats, "winRate"));
    // One table row per closed signal, in the same order with the same pnl (found by its header).
    const lines = run.stdout.split("\n");
    const header = lines.find((line) => line.startsWith("| Open time (UTC) |")) ?? "";
    const pnlColumn = header.split("|").findIndex((cell) => cell.trim() === "PnL %");
    expect(pnlColumn).toBeGreaterThan(0);
    const pnlCells = lines
      .filter((line) => /^\| 2025-/.test(line))
      .map((line) => line.split("|")[pnlColumn]?.trim());
    expect(pnlCells).toEqual(reference.closed.map((result) => `${result.pnl.pnlPercentage.toFixed(2)}%`));
    // The summary table at the end carries the same figures.
    const summary = run.stdout.slice(run.stdout.lastIndexOf("Summary"));
    expect(summary).toContain(formatStatistic(reference.stats, "totalPnl"));
    expect(summary).toMatch(new RegExp(`sma-crossover\\s+${reference.stats.tradeCount}\\s`));
    // --dump wrote the same markdown and the JSON record.
    const dumped = readFileSync(join(dumpDir, "backtest", "sma-crossover.md"), "utf8");
    expect(run.stdout.startsWith(dumped)).toBe(true);
    const record = JSON.parse(readFileSync(join(dumpDir, "backtest", "sma-crossover.json"), "utf8"));
    expect(record.stats).toEqual(reference.stats);
  });

  it("--json prints one JSON record matching Backtest.getData()", () => {
    const run = runBt(["backtest", SMA_STRATEGY, "--json"]);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout) as IBacktestRunRecord;
    expect(record).toMatchObject({
      kind: "backtest",
      symbol: "BTCUSDT",
      strategyName: "sma-crossover",
      exchangeName: "file",
      periodStartMs: START_MS,
      periodEndMs: END_MS,
    });
    expect(record.stats).toEqual(reference.stats);
    expect(record.closed).toEqual(JSON.parse(JSON.stringify(reference.closed)));
  });

  it("bt report renders the dumped record exactly as the run printed it", () => {
    const dumpDir = mkdtempSync(join(tmpdir(), "bt-report-"));
    const first = runBt(["backtest", SMA_STRATEGY, "--dump", dumpDir]);
    expect(first.status).toBe(0);
    const report = runBt(["report", dumpDir]);
    expect(report.status).toBe(0);
    expect(report.stdout).toBe(readFileSync(join(dumpDir, "backtest", "sma-crossover.md"), "utf8"));
    const summary = runBt(["report", join(dumpDir, "backtest", "sma-crossover.json"), "--summary"]);
    expect(summary.stdout).toContain(formatStatistic(reference.stats, "winRate"));
  });

  it("--persist fs records the run in the backtest namespace: live state stays empty, backtest state = the record", async () => {
    // Before, the raw signal rows went under the keys Live uses and `bt live` on that folder threw
    // "live record … is malformed (unknown version undefined)".
    const stateDir = mkdtempSync(join(tmpdir(), "bt-state-"));
    const run = runBt(["backtest", SMA_STRATEGY, "--persist", "fs", "--state", stateDir, "--json"]);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout) as IBacktestRunRecord;
    expect(record.closed.length).toBeGreaterThan(0);
    const persist = createFsPersist({ dir: join(stateDir, "persist"), onWarning: () => {} });
    try {
      const live = await readLiveState(persist, "BTCUSDT", "sma-crossover", "file", "live");
      // toMatchObject: the engine's live state may carry further (empty) fields, such as missing records.
      expect(live).toMatchObject({ position: null, scheduled: null, cursor: null, closed: [] });
      const backtest = await readLiveState(persist, "BTCUSDT", "sma-crossover", "file", "backtest");
      expect(backtest.closed).toEqual(record.closed);
      // Every opened signal was closed by the frame end: nothing open or scheduled is left.
      expect(backtest.position).toBeNull();
      expect(backtest.scheduled).toBeNull();
    } finally {
      await persist.dispose();
    }
  });

  it("a project with its own @bt/engine copy: the strategy's getCandles works, same run as without the copy", () => {
    const project = createOwnCopyProject({ [SMA_STRATEGY]: "smaCrossover.ts" });
    writeFileSync(
      join(project, "own.strategy.ts"),
      [
        'import strategy from "./smaCrossover.ts";',
        'process.stderr.write("engine: " + import.meta.resolve("@bt/engine") + "\\n");',
        "export default strategy;",
        "",
      ].join("\n"),
    );
    const own = runBt(["backtest", "own.strategy.ts", "--json"], { cwd: project });
    expect(own.stderr).toContain(`engine: file://${project}/node_modules/@bt/engine/dist/index.js`);
    expect(own.stderr).not.toMatch(/error|No execution context/i);
    expect(own.status).toBe(0);
    const ownRecord = JSON.parse(own.stdout) as IBacktestRunRecord;
    expect(ownRecord.stats.tradeCount).toBeGreaterThan(0);
    const plain = JSON.parse(runBt(["backtest", SMA_STRATEGY, "--json"]).stdout) as IBacktestRunRecord;
    expect(ownRecord.closed).toEqual(plain.closed);
    expect(ownRecord.stats).toEqual(plain.stats);
    expect(ownRecord.problems).toEqual(plain.problems);
  });

  it("a project with its own @bt/engine copy registers a risk profile at import time on the engine bt runs", () => {
    const project = createOwnCopyProject({ [SMA_STRATEGY]: "smaCrossover.ts" });
    writeFileSync(
      join(project, "risky.strategy.ts"),
      [
        'import { addRisk } from "@bt/engine";',
        'import strategy from "./smaCrossover.ts";',
        'addRisk({ riskName: "no-shorts", validations: [({ pendingSignal }) => (pendingSignal.position === "short" ? "no shorts" : true)] });',
        'export default { ...strategy, strategyName: "risky", riskName: "no-shorts" };',
        "",
      ].join("\n"),
    );
    const run = runBt(["backtest", "risky.strategy.ts", "--json"], { cwd: project });
    expect(run.stderr).not.toMatch(/Unknown risk/);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout) as IBacktestRunRecord;
    expect(record.closed.length).toBeGreaterThan(0);
    expect(record.closed.every((closed) => closed.signal.position === "long")).toBe(true);
    expect(record.problems.problems).toContainEqual(
      expect.objectContaining({ kind: "risk", source: "no-shorts", message: "no shorts" }),
    );
  });
});
