// The account statistics table of a portfolio report: one row per metric of @bt/core's EQUITY_METRICS
// with its label and unit, "N/A (reason)" for a figure that is null, and its conventions under it.

import { EQUITY_METRICS, type EquityStatisticKey, equityMetric, type IEquityStatistics } from "@bt/core";
import { NOT_AVAILABLE } from "./formatValue";
import { markdownTable } from "./markdownTable";
import { formatByUnit } from "./statisticsTable";

/**
 * Formats one equity statistic with its unit (quote money with formatMoney, percent, ratio); a null one
 * prints "N/A (reason)" from `stats.unavailable`, or "N/A" when none is recorded.
 */
export function formatEquityStatistic(stats: IEquityStatistics, key: EquityStatisticKey): string {
  const value = stats[key];
  if (value === null) {
    const reason = stats.unavailable[key];
    return reason === undefined ? NOT_AVAILABLE : `${NOT_AVAILABLE} (${reason})`;
  }
  return formatByUnit(value, equityMetric(key).unit);
}

/**
 * Renders the "Metric | Value" table of every EQUITY_METRICS figure, then a "Conventions" list of
 * their formulas.
 * @example renderEquityStatisticsTable(computeEquityStatistics(marks, { periodStartMs, periodEndMs, initialBalance: 1000, tradeCount }))
 */
export function renderEquityStatisticsTable(stats: IEquityStatistics): string {
  const table = markdownTable(
    [{ header: "Metric" }, { header: "Value", align: "right" }],
    EQUITY_METRICS.map((metric) => [metric.label, formatEquityStatistic(stats, metric.key)]),
  );
  const lines = ["Conventions (the account's equity in quote currency, marked to market):", ""];
  for (const metric of EQUITY_METRICS) lines.push(`- **${metric.label}**: ${metric.convention}`);
  return `${table}\n\n${lines.join("\n")}`;
}
