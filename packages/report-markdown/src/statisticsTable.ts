// The statistics table every report shares: one row per metric of @bt/core's STATISTIC_METRICS with
// its label and unit, "N/A (reason)" for a metric that is null, and the list of conventions under it.

import {
  type IStatistics,
  type MetricUnit,
  STATISTIC_METRICS,
  type StatisticKey,
  statisticMetric,
} from "@bt/core";
import {
  formatCount,
  formatMinutes,
  formatMoney,
  formatPercent,
  formatRatio,
  NOT_AVAILABLE,
} from "./formatValue";
import { markdownTable } from "./markdownTable";

/**
 * Formats one statistic with its unit (percent, ratio, count, minutes or quote-currency money); a null metric prints
 * "N/A (reason)" with the reason from `stats.unavailable`, or "N/A" when none is recorded.
 */
export function formatStatistic(stats: IStatistics, metric: StatisticKey): string {
  const value = stats[metric];
  if (value === null) {
    const reason = stats.unavailable[metric];
    return reason === undefined ? NOT_AVAILABLE : `${NOT_AVAILABLE} (${reason})`;
  }
  return formatByUnit(value, statisticMetric(metric).unit);
}

/** A metric value printed by its unit: count, percent, minutes, quote-currency money or ratio. */
export function formatByUnit(value: number, unit: MetricUnit): string {
  // Exhaustive: a unit added to core fails to compile here instead of printing as a ratio.
  switch (unit) {
    case "count":
      return formatCount(value);
    case "percent":
      return formatPercent(value);
    case "minutes":
      return formatMinutes(value);
    case "quote":
      return formatMoney(value);
    case "ratio":
      return formatRatio(value);
    default: {
      const unknownUnit: never = unit;
      return formatRatio(unknownUnit);
    }
  }
}

/** Human label of a statistic naming its convention, e.g. "Sharpe ratio (per trade)" for sharpeRatio. */
export function statisticLabel(metric: StatisticKey): string {
  return statisticMetric(metric).label;
}

/**
 * The footnote list of the conventions of `metrics` (default all, in STATISTIC_METRICS order): a
 * "Conventions:" line then one "- **label**: convention" bullet per metric.
 */
export function renderStatisticConventions(
  metrics: ReadonlyArray<StatisticKey> = STATISTIC_METRICS.map((metric) => metric.key),
): string {
  const lines = ["Conventions (returns are per trade, in percent, after fees and slippage):", ""];
  for (const key of metrics) {
    const metric = statisticMetric(key);
    lines.push(`- **${metric.label}**: ${metric.convention}`);
  }
  return lines.join("\n");
}

/** Renders the two-column "Metric | Value" markdown table of all statistics, then the list of conventions. */
export function renderStatisticsTable(stats: IStatistics): string {
  const table = markdownTable(
    [{ header: "Metric" }, { header: "Value", align: "right" }],
    STATISTIC_METRICS.map((metric) => [metric.label, formatStatistic(stats, metric.key)]),
  );
  return `${table}\n\n${renderStatisticConventions()}`;
}
