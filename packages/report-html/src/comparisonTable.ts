// The comparison (walker / sweep) table: working entries with a metric value ranked 1…k in the given
// order, then working entries whose metric is null (N/A, no rank), then failed entries (shown as
// failed with their error, never with a rank or a number), like core's rankByMetric tiers.

import { STATISTIC_METRICS, type StatisticKey } from "@bt/core";
import { checkedNullableNumber } from "./checkedNumber";
import { escapeHtml } from "./escapeHtml";
import { formatUnit, NOT_AVAILABLE } from "./formatValue";
import type { IHtmlComparison } from "./htmlReportInput";

/** Statistics shown beside the ranking metric. */
const COLUMN_KEYS: ReadonlyArray<StatisticKey> = [
  "tradeCount",
  "winRate",
  "totalPnl",
  "maxDrawdown",
  "sharpeRatio",
  "profitFactor",
];

/** The label and unit of the ranking metric (a StatisticKey, or free text read as a ratio). */
export function comparisonMetric(metric: string) {
  const known = STATISTIC_METRICS.find((entry) => entry.key === metric);
  return known === undefined
    ? { label: metric, unit: "ratio" as const }
    : { label: known.label, unit: known.unit };
}

/** The comparison table; `colors[i]` is entry i's curve colour or null when it has no curve. */
export function comparisonTable(
  comparison: IHtmlComparison,
  colors: ReadonlyArray<string | null>,
  quoteCurrency?: string,
): string {
  const metric = comparisonMetric(comparison.metric);
  const entries = comparison.entries.map((entry, index) => ({
    entry,
    index,
    value: checkedNullableNumber(entry.metricValue, `comparison.entries[${index}].metricValue`),
  }));
  const tierOf = (item: (typeof entries)[number]) =>
    item.entry.error !== undefined ? 2 : item.value === null ? 1 : 0;
  const ordered = [...entries].sort(
    (left, right) => tierOf(left) - tierOf(right) || left.index - right.index,
  );
  // The ranking metric has its own column: it is not repeated among the statistics.
  const statColumns = COLUMN_KEYS.filter((key) => key !== comparison.metric).map(
    (key) => STATISTIC_METRICS.find((entry) => entry.key === key)!,
  );
  let rank = 0;
  const rows = ordered.map((item) => {
    const { entry, index } = item;
    const color = colors[index] ?? null;
    const swatch =
      color === null
        ? `<span class="swatch none"></span>`
        : `<span class="swatch" style="background:${color}"></span>`;
    const name = `${swatch}${escapeHtml(entry.name)}`;
    if (entry.error !== undefined) {
      return `<tr data-status="failed" class="failed"><td class="rank">—</td><td>${name}</td><td class="na" colspan="${statColumns.length + 1}">failed: ${escapeHtml(entry.error)}</td></tr>`;
    }
    const rankText = item.value === null ? "—" : String(++rank);
    const metricCell =
      item.value === null
        ? `<td class="na" data-na="true">${NOT_AVAILABLE}</td>`
        : `<td class="num metric">${escapeHtml(formatUnit(item.value, metric.unit, quoteCurrency))}</td>`;
    const statCells = statColumns
      .map((column) => {
        const value = checkedNullableNumber(
          entry.stats[column.key],
          `comparison.entries[${index}].stats.${column.key}`,
        );
        if (value !== null)
          return `<td class="num">${escapeHtml(formatUnit(value, column.unit, quoteCurrency))}</td>`;
        const reason = entry.stats.unavailable[column.key] ?? "no reason given";
        return `<td class="na" data-na="true" title="${escapeHtml(reason)}">${NOT_AVAILABLE}</td>`;
      })
      .join("");
    return `<tr data-status="ok" data-rank="${rankText}"><td class="rank">${rankText}</td><td>${name}</td>${metricCell}${statCells}</tr>`;
  });
  const head = ["Rank", "Name", `${metric.label} (ranking)`, ...statColumns.map((column) => column.label)]
    .map((header) => `<th scope="col">${escapeHtml(header)}</th>`)
    .join("");
  return `<div class="table-scroll"><table class="comparison" id="comparison-table">
<thead><tr>${head}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table></div>`;
}
