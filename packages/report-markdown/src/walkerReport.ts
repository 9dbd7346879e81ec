// The walker report: strategies compared on one exchange and frame, ranked best first by the walker's
// metric with @bt/core's rankByMetric (failed strategies last), each with its key statistics and the
// conventions of the columns under the table.

import {
  type IGlobalConfig,
  type IStatistics,
  isLowerBetter,
  type RunStatus,
  rankByMetric,
  type StatisticKey,
  type WalkerMetric,
} from "@bt/core";
import { escapeCell, markdownTable } from "./markdownTable";
import { renderRunConditions } from "./runConditions";
import { formatStatistic, renderStatisticConventions, statisticLabel } from "./statisticsTable";

/** One strategy of a walker run and its statistics. */
export interface IWalkerReportEntry {
  strategyName: string;
  /** Statistics of its closed signals; null when the strategy produced none (it failed). */
  stats: IStatistics | null;
  /** Run status; default "failed" when stats is null, "ok" otherwise. A failed strategy ranks last. */
  status?: RunStatus;
}

/** Input of renderWalkerReport. */
export interface IWalkerReportInput {
  /** Ranking metric; "lower" metrics (maxDrawdown) rank ascending, the others descending, N/A then failures last. */
  metric: WalkerMetric;
  entries: ReadonlyArray<IWalkerReportEntry>;
  /** Name of the walker, printed in the heading. */
  walkerName?: string;
  /** Free-text context (symbol, exchange, frame), printed under the heading. */
  description?: string;
  /** The config the walker's backtests used; its fee, slippage and price model print under the title. */
  config?: Readonly<IGlobalConfig>;
}

/** Statistics shown for every strategy besides the ranking metric. */
const KEY_STATISTICS: ReadonlyArray<StatisticKey> = [
  "tradeCount",
  "winRate",
  "avgPnl",
  "totalPnl",
  "sharpeRatio",
  "annualizedSharpeRatio",
  "certaintyRatio",
  "maxDrawdown",
  "expectedYearlyReturns",
];

function statusOf(entry: IWalkerReportEntry): RunStatus {
  return entry.status ?? (entry.stats === null ? "failed" : "ok");
}

/**
 * Renders the walker report: strategies ranked by the metric (rank 1 best; failed strategies last and
 * marked "failed") with their key statistics (percent, ratios; "N/A (reason)" when not computable), the
 * best strategy named and the conventions of the columns listed under the table.
 * @example
 * const markdown = renderWalkerReport({ walkerName: "w1", metric: "sharpeRatio", entries, config });
 */
export function renderWalkerReport(input: IWalkerReportInput): string {
  const { metric } = input;
  const ranked = rankByMetric(input.entries, metric, (entry) => ({
    stats: entry.stats,
    status: statusOf(entry),
  }));
  const title = input.walkerName === undefined ? "Walker report" : `Walker report: ${input.walkerName}`;
  const lines = [`# ${escapeCell(title)}`, ""];
  if (input.config !== undefined) lines.push(renderRunConditions(input.config), "");
  if (input.description !== undefined) lines.push(escapeCell(input.description), "");
  const direction = isLowerBetter(metric) ? "lower is better" : "higher is better";
  lines.push(
    `Metric: ${statisticLabel(metric)} (\`${metric}\`, ${direction}) · Strategies: ${ranked.length}`,
    "",
  );
  const best = ranked[0];
  if (best === undefined) {
    lines.push("_No strategies._");
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    best.stats === null || statusOf(best) === "failed" || best.stats[metric] === null
      ? `Best strategy: none (${metric} is N/A for every working strategy)`
      : `Best strategy: **${escapeCell(best.strategyName)}** (${formatStatistic(best.stats, metric)})`,
    "",
  );
  const others = KEY_STATISTICS.filter((key) => key !== metric);
  const cell = (entry: IWalkerReportEntry, key: StatisticKey): string =>
    entry.stats === null ? "failed" : formatStatistic(entry.stats, key);
  lines.push(
    markdownTable(
      [
        { header: "Rank", align: "right" },
        { header: "Strategy" },
        { header: statisticLabel(metric), align: "right" },
        ...others.map((key) => ({ header: statisticLabel(key), align: "right" as const })),
      ],
      ranked.map((entry, index) => [
        String(index + 1),
        statusOf(entry) === "failed" ? `${entry.strategyName} (failed)` : entry.strategyName,
        cell(entry, metric),
        ...others.map((key) => cell(entry, key)),
      ]),
    ),
    "",
    renderStatisticConventions([metric, ...others]),
  );
  return `${lines.join("\n")}\n`;
}
