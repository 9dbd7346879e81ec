import {
  computeStatistics,
  countRunProblem,
  DEFAULT_CONFIG,
  emptyRunProblems,
  type IStrategyTickResultClosed,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { closedResult } from "../../../packages/core/test/closedFactory";
import {
  dcaTrade,
  MINUTE,
  T0,
  unsizedDcaTrade,
} from "../../../packages/report-markdown/test/positionFixtures";
import type { IBacktestRunRecord } from "../src/runRecord";
import { RUN_RECORD_VERSION } from "../src/runRecord";
import { renderRunSummary } from "../src/runSummary";

function backtestRecord(closed: IStrategyTickResultClosed[]): IBacktestRunRecord {
  return {
    kind: "backtest",
    version: RUN_RECORD_VERSION,
    symbol: "BTCUSDT",
    exchangeName: "file",
    interval: "1m",
    periodStartMs: T0,
    periodEndMs: T0 + 24 * 60 * MINUTE,
    strategyName: "ladder",
    status: "ok",
    stats: computeStatistics(closed),
    closed,
    cancelled: [],
    problems: emptyRunProblems(),
    config: DEFAULT_CONFIG,
  };
}

/** The cell of `header` in the one data row of a summary table. */
function summaryCell(summary: string, header: string): string {
  const [headers, rule, row] = summary.split("\n").slice(1, 4) as [string, string, string];
  // Columns are separated by two spaces and padded to the rule's dashes.
  const widths = rule.split("  ").map((dashes) => dashes.length);
  const start = headers.indexOf(header);
  let offset = 0;
  for (const width of widths) {
    if (offset >= start) return row.slice(offset, offset + width).trim();
    offset += width + 2;
  }
  throw new Error(`no column ${header}`);
}

describe("renderRunSummary money", () => {
  it("prints the run's net PnL in quote currency beside the percent total", () => {
    const summary = renderRunSummary(
      backtestRecord([dcaTrade(), closedResult({ pnlPercent: 1, cost: 500, closeAt: T0 + 300 * MINUTE })]),
    );
    expect(summary.split("\n")[1]).toContain("total pnl  total pnl (quote)  avg pnl");
    expect(summaryCell(summary, "total pnl (quote)")).toBe("62.39");
    expect(summaryCell(summary, "total pnl")).toBe("3.87%");
  });

  it('says "N/A (unsized)" in short when a trade has no cost', () => {
    const summary = renderRunSummary(backtestRecord([unsizedDcaTrade()]));
    expect(summaryCell(summary, "total pnl (quote)")).toBe("N/A (unsized)");
  });

  it("notes refused position commands under the table", () => {
    const record = backtestRecord([dcaTrade()]);
    countRunProblem(record.problems, "command", "commitPartialProfit", "no open position", T0);
    countRunProblem(record.problems, "command", "commitPartialProfit", "no open position", T0 + MINUTE);
    expect(renderRunSummary(record)).toMatch(/\nladder: 2 position commands refused, see Problems\n$/);
    countRunProblem(record.problems, "risk", "max-positions", "full", T0);
    expect(renderRunSummary(record)).toMatch(
      /\nladder: 1 signal rejected, 2 position commands refused, see Problems\n$/,
    );
    expect(renderRunSummary(backtestRecord([dcaTrade()]))).not.toContain("see Problems");
  });
});
