// Tables of metrics: a run's core statistics in STATISTIC_METRICS order, and the portfolio's metrics.
// A null value prints "N/A — reason" (never a number); the convention is the label's tooltip and a
// numbered footnote.

import { type IStatistics, STATISTIC_METRICS, type StatisticUnit } from "@bt/core";
import { checkedNullableNumber } from "./checkedNumber";
import { escapeHtml } from "./escapeHtml";
import { formatUnit, NOT_AVAILABLE } from "./formatValue";

/** One row of a metric table. */
export interface IMetricRow {
  label: string;
  value: number | null;
  unit: StatisticUnit;
  convention?: string;
  /** Why value is null. */
  unavailable?: string;
  /** Footnote anchor id of the convention. */
  footnoteId?: string;
  /** Footnote number shown after the label. */
  footnoteNumber?: number;
}

/** The anchor id of a core statistic's convention footnote. */
export function statisticFootnoteId(key: string): string {
  return `convention-${key}`;
}

/**
 * The rows of core statistics, every STATISTIC_METRICS entry once, footnoted to the global list.
 * @throws BtError VALIDATION naming `field.<key>` for a non-finite value.
 */
export function statisticRows(stats: IStatistics, field: string): IMetricRow[] {
  return STATISTIC_METRICS.map((metric, index) => {
    const row: IMetricRow = {
      label: metric.label,
      value: checkedNullableNumber(stats[metric.key], `${field}.${metric.key}`),
      unit: metric.unit,
      convention: metric.convention,
      footnoteId: statisticFootnoteId(metric.key),
      footnoteNumber: index + 1,
    };
    const reason = stats.unavailable[metric.key];
    if (reason !== undefined) row.unavailable = reason;
    return row;
  });
}

/** The text of a value cell: the formatted value, or "N/A — reason". */
export function metricValueText(row: IMetricRow, quoteCurrency?: string): string {
  if (row.value !== null) return formatUnit(row.value, row.unit, quoteCurrency);
  return `${NOT_AVAILABLE} — ${row.unavailable ?? "no reason given"}`;
}

/** A metric table; `caption` is shown above it. */
export function metricTable(
  rows: ReadonlyArray<IMetricRow>,
  caption: string,
  quoteCurrency?: string,
): string {
  const body = rows
    .map((row) => {
      const label =
        row.convention === undefined
          ? escapeHtml(row.label)
          : `<span class="has-tip" title="${escapeHtml(row.convention)}">${escapeHtml(row.label)}</span>`;
      const footnote =
        row.footnoteId === undefined
          ? ""
          : `<sup><a href="#${row.footnoteId}">${row.footnoteNumber ?? "?"}</a></sup>`;
      const valueText = escapeHtml(metricValueText(row, quoteCurrency));
      const valueCell =
        row.value === null
          ? `<td class="value na" data-na="true">${valueText}</td>`
          : `<td class="value num">${valueText}</td>`;
      return `<tr><th scope="row">${label}${footnote}</th>${valueCell}</tr>`;
    })
    .join("\n");
  return `<table class="metrics"><caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">Metric</th><th scope="col">Value</th></tr></thead>
<tbody>
${body}
</tbody></table>`;
}

/** The numbered list of every core statistic's convention (the footnotes of all statistics tables). */
export function statisticConventions(): string {
  const items = STATISTIC_METRICS.map(
    (metric) =>
      `<li id="${statisticFootnoteId(metric.key)}"><strong>${escapeHtml(metric.label)}</strong>: ${escapeHtml(metric.convention)}</li>`,
  ).join("\n");
  return `<ol class="conventions">\n${items}\n</ol>`;
}
