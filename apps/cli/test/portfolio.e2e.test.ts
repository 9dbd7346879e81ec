// Portfolio runs, costs, the account and the HTML report on the built binary: --symbols runs one account
// over both bundled symbols, --max-positions is a risk rule across them, --fee / --slippage / --balance
// change the numbers the report states, --html writes a self-contained page (checked for its data here;
// the browser test of @bt/report-html renders one), and bad values are exit 2 naming the flag.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { IBacktestRunRecord, IPortfolioRunRecord, IWalkerRunRecord } from "../src/runRecord";
import { runBt } from "./builtCli";

const STRATEGY = "examples/strategies/smaCrossover.ts";

/** The temporary folders of the tests, removed after them. */
const folders: string[] = [];
function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});
const FRAME = ["--from", "2025-01-01", "--to", "2025-01-08"];

describe("bt backtest --symbols, costs and --html (built binary)", () => {
  it("runs both symbols from one account, at most one position at a time", () => {
    const run = runBt([
      "backtest",
      STRATEGY,
      "--symbols",
      "BTCUSDT,ETHUSDT",
      "--max-positions",
      "1",
      "--balance",
      "1000",
      ...FRAME,
      "--json",
    ]);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout) as IPortfolioRunRecord;
    expect(record.kind).toBe("portfolio");
    expect(record.symbols).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(record.runs.map((entry) => entry.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    const { account } = record;
    expect(account.initialBalance).toBe(1000);
    expect(account.maxOpenPositions).toBe(1);
    // One account: its ledger is every symbol's trades, its balance their money.
    const trades = record.runs.flatMap((entry) => entry.closed);
    expect(account.trades).toHaveLength(trades.length);
    const net = account.trades.reduce((sum, trade) => sum + trade.pnlCost, 0);
    expect(account.balance).toBeCloseTo(1000 + net, 6);
    expect(account.stats.startBalance).toBe(1000);
    // At most one position at a time across the symbols: no two trades overlap.
    const spans = trades
      .map((trade) => [trade.signal.pendingAt, trade.timestamp])
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    for (let index = 1; index < spans.length; index++) {
      expect(spans[index]?.[0]).toBeGreaterThanOrEqual(spans[index - 1]?.[1] ?? 0);
    }
    expect(run.stderr).toMatch(
      /risk account ×\d+, first .*: account: 1 of maxOpenPositions 1 positions are open or scheduled/,
    );
  });

  it("--fee, --slippage, --balance, --warmup and --gaps are the run's settings, stated in the report", () => {
    const run = runBt([
      "backtest",
      STRATEGY,
      "--fee",
      "0.05",
      "--slippage",
      "0",
      "--balance",
      "2500",
      ...FRAME,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("fee 0.05% per side, slippage 0% per side");
    expect(run.stdout).toContain("| Stake (quote) |");
    expect(run.stdout).toMatch(/Balance 2500\.00 → \d+\.\d\d; equity marked to market each minute/);
    const json = runBt([
      "backtest",
      STRATEGY,
      "--fee",
      "0.05",
      "--slippage",
      "0",
      "--balance",
      "2500",
      ...FRAME,
      "--json",
    ]);
    const record = JSON.parse(json.stdout) as IBacktestRunRecord;
    expect(record.config.CC_PERCENT_FEE).toBe(0.05);
    expect(record.config.CC_PERCENT_SLIPPAGE).toBe(0);
    expect(record.closed[0]?.signal.cost).toBe(2500);
  });

  it("--html writes a self-contained report with the chart candles; bt report --html renders the dumped record", () => {
    const dir = tempFolder("bt-html-");
    const html = join(dir, "run.html");
    const run = runBt(["backtest", STRATEGY, ...FRAME, "--html", html, "--dump", join(dir, "dump")]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`html: ${html}`);
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/); // nothing to fetch: works offline
    expect(page).toContain("Lightweight Charts");
    const record = JSON.parse(
      readFileSync(join(dir, "dump", "backtest", "sma-crossover.json"), "utf8"),
    ) as IBacktestRunRecord;
    expect(record.chart?.interval).toBe("5m");
    expect(record.chart?.time.length).toBe(7 * 288 - 1);
    const again = join(dir, "again.html");
    const report = runBt(["report", join(dir, "dump", "backtest", "sma-crossover.json"), "--html", again]);
    expect(report.status).toBe(0);
    expect(readFileSync(again, "utf8")).toBe(page);
  });

  it("walker --symbols ranks each strategy's portfolio from one account, with its equity for the HTML comparison", () => {
    const run = runBt([
      "walker",
      "examples/strategies/smaWalker.ts",
      "--symbols",
      "BTCUSDT,ETHUSDT",
      "--max-positions",
      "1",
      ...FRAME,
      "--json",
    ]);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout) as IWalkerRunRecord;
    expect(record.symbol).toBe("BTCUSDT, ETHUSDT");
    expect(record.results).toHaveLength(4);
    for (const entry of record.results) {
      expect(entry.status).toBe("ok");
      expect(entry.equity?.[0]?.equity).toBe(10_000);
    }
    expect(run.stderr).toMatch(/problems: sma-[\d-]+(1h|15m) on BTCUSDT, ETHUSDT: getSignal \d+ calls/);
    expect(run.stderr).toMatch(/risk account ×\d+/);
  });

  it("a dumped portfolio run renders again with bt report (its folder is <dump>/portfolio)", () => {
    const dir = tempFolder("bt-portfolio-dump-");
    const run = runBt(["backtest", STRATEGY, "--symbols", "BTCUSDT,ETHUSDT", ...FRAME, "--dump", dir]);
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, "portfolio", "sma-crossover.json"))).toBe(true);
    const report = runBt(["report", dir]);
    expect(report.status).toBe(0);
    expect(report.stdout).toBe(readFileSync(join(dir, "portfolio", "sma-crossover.md"), "utf8"));
    expect(report.stdout).toContain("# Portfolio: sma-crossover");
  });

  it("bad values are exit 2 naming the flag", () => {
    const cases: Array<[string[], RegExp]> = [
      [["--fee", "-1"], /bad --fee "-1": must be a percent ≥ 0 and < 100/],
      [["--balance", "0"], /bad --balance "0": must be a positive amount/],
      [["--warmup", "1.5"], /bad --warmup "1.5": must be a non-negative integer of minutes/],
      [["--symbols", "BTCUSDT,,ETHUSDT"], /bad --symbols "BTCUSDT,,ETHUSDT": entry 2 is empty/],
      [["--symbols", "BTCUSDT,BTCUSDT"], /BTCUSDT is listed twice/],
      [["--max-positions", "2"], /--max-positions needs --symbols/],
      [["--symbol", "BTCUSDT", "--symbols", "ETHUSDT"], /--symbol and --symbols were both given/],
    ];
    for (const [flags, message] of cases) {
      const run = runBt(["backtest", STRATEGY, ...FRAME, ...flags]);
      expect(run.status, flags.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(existsSync("report.html")).toBe(false);
    }
  });
});
