// The walker report: strategies compared on one exchange and frame, ranked best first by the walker's
// metric, each with its key statistics.

import type { WalkerMetric } from "@bt/core";
import { escapeCell, markdownTable } from "./markdownTable";
import { isLowerBetter, rankByMetric } from "./rankByMetric";
import type { IStatistics } from "./statistics";
import { formatStatistic, statisticLabel } from "./statisticsTable";

/** One strategy of a walker run and its statistics. */
export interface IWalkerReportEntry {
  strategyName: string;
  stats: IStatistics;
}

/** Input of renderWalkerReport. */
export interface IWalkerReportInput {
  /** Ranking metric; maxDrawdown ranks ascending, the others descending, N/A last. */
  metric: WalkerMetric;
  entries: ReadonlyArray<IWalkerReportEntry>;
  /** Name of the walker, printed in the heading. */
  walkerName?: string;
  /** Free-text context (symbol, exchange, frame), printed under the heading. */
  description?: string;
}

/** Statistics shown for every strategy besides the ranking metric. */
const KEY_STATISTICS: ReadonlyArray<keyof IStatistics> = [
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

/**
 * Renders the walker report: strategies ranked by the metric (rank 1 best) with their key statistics
 * (percent, ratios; N/A when not computable) and the best strategy named.
 * @example
 * const markdown = renderWalkerReport({ walkerName: "w1", metric: "sharpeRatio", entries });
 */
export function renderWalkerReport(input: IWalkerReportInput): string {
  const { metric } = input;
  const ranked = rankByMetric([...input.entries], metric);
  const title = input.walkerName === undefined ? "Walker report" : `Walker report: ${input.walkerName}`;
  const lines = [`# ${escapeCell(title)}`, ""];
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
    best.stats[metric] === null
      ? `Best strategy: none (${metric} is N/A for every strategy)`
      : `Best strategy: **${escapeCell(best.strategyName)}** (${formatStatistic(best.stats, metric)})`,
    "",
  );
  const others = KEY_STATISTICS.filter((key) => key !== metric);
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
        entry.strategyName,
        formatStatistic(entry.stats, metric),
        ...others.map((key) => formatStatistic(entry.stats, key)),
      ]),
    ),
  );
  return `${lines.join("\n")}\n`;
}
