// The statistics table every report shares: one row per IStatistics metric with its label and unit,
// and N/A for a metric that is null.

import { formatCount, formatMinutes, formatPercent, formatRatio } from "./formatValue";
import { markdownTable } from "./markdownTable";
import type { IStatistics } from "./statistics";

type MetricKind = "count" | "percent" | "ratio" | "minutes";

/** Label and kind of each statistic, in the order the table prints them. */
const STATISTIC_ROWS: ReadonlyArray<readonly [keyof IStatistics, string, MetricKind]> = [
  ["tradeCount", "Trades", "count"],
  ["winCount", "Wins", "count"],
  ["lossCount", "Losses", "count"],
  ["winRate", "Win rate", "percent"],
  ["avgPnl", "Average PnL per trade", "percent"],
  ["totalPnl", "Total PnL (sum)", "percent"],
  ["stdDev", "Standard deviation (sample)", "percent"],
  ["sharpeRatio", "Sharpe ratio (per trade)", "ratio"],
  ["annualizedSharpeRatio", "Annualized Sharpe ratio", "ratio"],
  ["sortinoRatio", "Sortino ratio", "ratio"],
  ["certaintyRatio", "Certainty ratio", "ratio"],
  ["profitFactor", "Profit factor", "ratio"],
  ["expectancy", "Expectancy per trade", "percent"],
  ["maxDrawdown", "Max drawdown (compounded)", "percent"],
  ["calmarRatio", "Calmar ratio", "ratio"],
  ["expectedYearlyReturns", "Expected yearly returns", "percent"],
  ["avgHoldingMinutes", "Average holding time", "minutes"],
  ["exposurePercent", "Exposure", "percent"],
];

/** Formats one statistic with its unit (percent, ratio, count or minutes); "N/A" when null. */
export function formatStatistic(stats: IStatistics, metric: keyof IStatistics): string {
  const row = STATISTIC_ROWS.find(([key]) => key === metric);
  const value = stats[metric];
  switch (row?.[2]) {
    case "count":
      return formatCount(value);
    case "percent":
      return formatPercent(value);
    case "minutes":
      return formatMinutes(value);
    default:
      return formatRatio(value);
  }
}

/** Human label of a statistic, e.g. "Win rate" for winRate. */
export function statisticLabel(metric: keyof IStatistics): string {
  return STATISTIC_ROWS.find(([key]) => key === metric)?.[1] ?? metric;
}

/** Renders the two-column "Metric | Value" markdown table of all statistics. */
export function renderStatisticsTable(stats: IStatistics): string {
  return markdownTable(
    [{ header: "Metric" }, { header: "Value", align: "right" }],
    STATISTIC_ROWS.map(([key, label]) => [label, formatStatistic(stats, key)]),
  );
}
