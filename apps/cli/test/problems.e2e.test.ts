// Problems of a run on the built binary: a strategy that throws on every call, one that proposes only
// invalid signals and one whose scheduled signals are all cancelled are reported on stderr, in the
// markdown Problems section and in the --json record, with the exit codes the README promises. Before,
// each of these runs exited 0 with nothing on stderr and a report reading "No closed signals".

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { IBacktestRunRecord, IWalkerRunRecord } from "../src/runRecord";
import { runBt } from "./builtCli";

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const THROWS = fixture("throwingStrategy.ts");
const WRONG_SIDE = fixture("wrongSideStrategy.ts");
const NEVER_FILLED = fixture("neverFilledStrategy.ts");
const MIXED_WALKER = fixture("mixedWalker.ts");
const FRAME = ["--from", "2025-01-01", "--to", "2025-01-04"];

describe("bt backtest reports problems (built binary)", () => {
  it("a strategy that throws on every call: errors on stderr with counts, Problems in the report, exit 1", () => {
    const run = runBt(["backtest", THROWS, ...FRAME, "--verbose"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^problems: always-throws on BTCUSDT \(failed\): getSignal (\d+) calls, \1 failed$/m,
    );
    expect(run.stderr).toMatch(
      /^ {2}error getSignal ×\d+, first 2025-01-01T00:05:00\.000Z: indicator blew up$/m,
    );
    // --verbose: the stack of the first occurrence, pointing into the strategy file.
    expect(run.stderr).toMatch(/^ {6}Error: indicator blew up\n {10}at .*throwingStrategy\.ts:\d+/m);
    expect(run.stderr).toMatch(/^bt backtest: strategy always-throws threw while running .* — hint: /m);
    expect(run.stdout).toContain("## Problems");
    expect(run.stdout).toMatch(/\| getSignal \| indicator blew up \| \d+ \| 2025-01-01T00:05:00\.000Z \|/);
    expect(run.stdout).toMatch(
      /\*\*Run conditions:\*\* fee 0\.1% per side, slippage 0\.1% per side, price = VWAP/,
    );
    expect(run.stdout).toMatch(/always-throws: the strategy threw \d+ times/);
  });

  it("--json carries status, problems, cancelled and config (record version 2); still exit 1", () => {
    const dumpDir = mkdtempSync(join(tmpdir(), "bt-problems-"));
    const run = runBt(["backtest", THROWS, ...FRAME, "--json", "--dump", dumpDir]);
    expect(run.status).toBe(1);
    const record = JSON.parse(run.stdout) as IBacktestRunRecord;
    expect(record.version).toBe(2);
    expect(record.status).toBe("failed");
    expect(record.problems.getSignalCalls).toBeGreaterThan(0);
    expect(record.problems.getSignalFailures).toBe(record.problems.getSignalCalls);
    expect(record.problems.problems).toEqual([
      expect.objectContaining({ kind: "error", source: "getSignal", message: "indicator blew up" }),
    ]);
    expect(record.cancelled).toEqual([]);
    expect(record.config).toMatchObject({ CC_PERCENT_FEE: 0.1, CC_PERCENT_SLIPPAGE: 0.1 });
    // The dump of a completed run is written even when the strategy threw, and renders again as printed.
    const report = runBt(["report", dumpDir]);
    expect(report.status).toBe(0);
    expect(report.stdout).toBe(readFileSync(join(dumpDir, "backtest", "always-throws.md"), "utf8"));
    expect(report.stdout).toContain("## Problems");
  });

  it("only invalid signals: rejections by reason on stderr and in the report, exit 0 with a loud summary", () => {
    const run = runBt(["backtest", WRONG_SIDE, ...FRAME]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /^ {2}validation ×\d+, first 2025-01-01T00:05:00\.000Z: priceTakeProfit must be above the current price for a long position$/m,
    );
    expect(run.stderr).toContain("warning: 0 trades: every signal was rejected, see Problems");
    expect(run.stdout).toContain("### Validation rejections");
    expect(run.stdout).toMatch(
      /wrong-side: 0 trades: every signal was rejected \(\d+ rejections\), see Problems/,
    );
  });

  it("cancelled scheduled signals appear with their reason in stderr, the report and the JSON record", () => {
    const json = runBt(["backtest", NEVER_FILLED, ...FRAME, "--json"]);
    expect(json.status).toBe(0);
    const record = JSON.parse(json.stdout) as IBacktestRunRecord;
    expect(record.cancelled.length).toBeGreaterThan(0);
    expect(record.cancelled.every((result) => result.action === "cancelled")).toBe(true);
    expect(record.problems.cancelled).toHaveLength(record.cancelled.length);
    expect(new Set(record.problems.cancelled.map((signal) => signal.reason))).toEqual(new Set(["timeout"]));
    expect(json.stderr).toContain(
      `cancelled ×${record.cancelled.length} scheduled signals (timeout ${record.cancelled.length})`,
    );
    const markdown = runBt(["backtest", NEVER_FILLED, ...FRAME]);
    expect(markdown.stdout).toContain("### Cancelled scheduled signals");
    expect(markdown.stdout).toMatch(/\| timeout \| \d+ \|/);
  });

  it("bt report refuses a version 1 record with a clear message (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "bt-v1-"));
    const file = join(dir, "old.json");
    writeFileSync(
      file,
      JSON.stringify({ kind: "backtest", version: 1, strategyName: "old", closed: [], stats: {} }),
    );
    const run = runBt(["report", file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is a version 1 bt run record; this bt renders version 2 .* — hint: re-run/);
  });
});

describe("bt walker reports problems (built binary)", () => {
  it("a strategy that throws is listed as failed, never best, its problems printed; exit 1", () => {
    const run = runBt(["walker", MIXED_WALKER, ...FRAME, "--json"]);
    expect(run.status).toBe(1);
    const record = JSON.parse(run.stdout) as IWalkerRunRecord;
    expect(record.version).toBe(2);
    expect(record.bestStrategy).toBe("sma-crossover");
    const thrower = record.results.find((entry) => entry.strategyName === "always-throws");
    expect(thrower?.status).toBe("failed");
    expect(record.results.at(-1)?.strategyName).toBe("always-throws");
    expect(thrower?.problems.problems[0]).toMatchObject({ kind: "error", message: "indicator blew up" });
    expect(record.config).toMatchObject({ CC_PERCENT_FEE: 0.1 });
    expect(run.stderr).toMatch(/^problems: always-throws on BTCUSDT \(failed\): getSignal \d+ calls/m);
    expect(run.stderr).toMatch(
      /^bt walker: 1 of 2 strategies threw while running \(always-throws; see Problems\)/m,
    );

    const markdown = runBt(["walker", MIXED_WALKER, ...FRAME]);
    expect(markdown.status).toBe(1);
    expect(markdown.stdout).toContain("always-throws (failed)");
    expect(markdown.stdout).toContain("- always-throws: failed: every getSignal call threw");
    expect(markdown.stdout).toMatch(/### always-throws\n/);
    expect(markdown.stdout).toMatch(/Summary — walker mixed, ranked by totalPnl, best: sma-crossover/);
  });
});
