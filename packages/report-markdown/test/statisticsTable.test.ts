import { computeStatistics, STATISTIC_METRICS } from "@bt/core";
import {
  formatStatistic,
  renderStatisticConventions,
  renderStatisticsTable,
  statisticLabel,
} from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries, T0 } from "../../core/test/closedFactory";
import { tableAfter } from "./markdownParse";

describe("statistics table", () => {
  it("prints one row per STATISTIC_METRICS entry, with the label from core", () => {
    const rows = tableAfter(renderStatisticsTable(computeStatistics(closedSeries([1, -1, 2])))).rows;
    expect(rows.map((row) => row[0])).toEqual(STATISTIC_METRICS.map((metric) => metric.label));
  });

  it('prints "N/A (reason)" for every null metric', () => {
    const stats = computeStatistics([
      closedResult({ pnlPercent: 1.3, openAt: T0, closeAt: T0 + 86_400_000 }),
    ]);
    expect(formatStatistic(stats, "expectedYearlyReturns")).toBe(
      "N/A (needs ≥ 10 trades, has 1; needs ≥ 14 days, has 1.0)",
    );
    expect(formatStatistic(stats, "calmarRatio")).toBe(
      "N/A (needs ≥ 10 trades, has 1; needs ≥ 14 days, has 1.0)",
    );
    expect(formatStatistic(stats, "certaintyRatio")).toBe("N/A (no losing trade)");
    expect(formatStatistic(stats, "totalPnl")).toBe("1.30%");
    // A hand-made IStatistics without a recorded reason still prints plain N/A.
    expect(formatStatistic({ ...stats, unavailable: {} }, "calmarRatio")).toBe("N/A");
  });

  it("lists the convention of every metric under the table", () => {
    const markdown = renderStatisticsTable(computeStatistics(closedSeries([1])));
    const after = markdown.slice(markdown.indexOf("Conventions"));
    for (const metric of STATISTIC_METRICS)
      expect(after).toContain(`- **${metric.label}**: ${metric.convention}`);
    expect(after).toContain("**Max drawdown (closed trades, compounded)**: Deepest fall");
    expect(
      renderStatisticConventions(["maxDrawdown"])
        .split("\n")
        .filter((line) => line.startsWith("- ")),
    ).toHaveLength(1);
    expect(statisticLabel("annualizedSortinoRatio")).toBe("Sortino ratio (daily equity, √365, rf = 0)");
  });
});
