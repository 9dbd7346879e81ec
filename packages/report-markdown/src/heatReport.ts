// The heat report: a per-symbol portfolio table (trades, total pnl, win rate, Sharpe, max drawdown)
// with a total row computed over every trade of every symbol.

import {
  BtError,
  computeStatistics,
  type IStatistics,
  type IStatisticsOptions,
  type IStrategyTickResultClosed,
  type StatisticKey,
} from "@bt/core";
import { escapeCell, markdownTable } from "./markdownTable";
import { formatStatistic, renderStatisticConventions } from "./statisticsTable";

/** Options of renderHeatReport. */
export interface IHeatReportOptions extends IStatisticsOptions {
  /** Heading; default "Portfolio heat report". */
  title?: string;
  /** Level of the heading (1: "#", 2: "##" inside a larger report); default 1. */
  headingLevel?: 1 | 2;
}

/** Columns of the heat table: the statistic and a short header (the conventions are listed under the table). */
const HEAT_COLUMNS: ReadonlyArray<readonly [StatisticKey, string]> = [
  ["tradeCount", "Trades"],
  ["totalPnl", "Total PnL (sum)"],
  ["winRate", "Win rate"],
  ["sharpeRatio", "Sharpe (per trade)"],
  ["maxDrawdown", "Max drawdown (closed trades)"],
];

/**
 * Renders the per-symbol heat table, symbols sorted by total pnl (percent, descending), then a
 * **Total** row whose statistics treat all trades as one sequence ordered by close time, and the
 * conventions of the columns.
 * @throws BtError VALIDATION for a bad period, a non-finite pnl or a bad headingLevel.
 * @example
 * const markdown = renderHeatReport(closedResultsOfAllSymbols);
 */
export function renderHeatReport(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  options: IHeatReportOptions = {},
): string {
  const bySymbol = new Map<string, IStrategyTickResultClosed[]>();
  for (const result of closed) {
    const list = bySymbol.get(result.symbol) ?? [];
    list.push(result);
    bySymbol.set(result.symbol, list);
  }
  const rows = [...bySymbol.entries()]
    .map(([symbol, trades]) => ({ symbol, stats: computeStatistics(trades, options) }))
    .sort(
      (left, right) =>
        right.stats.totalPnl - left.stats.totalPnl || left.symbol.localeCompare(right.symbol, "en"),
    );
  const total = computeStatistics(closed, options);
  const level = options.headingLevel ?? 1;
  if (level !== 1 && level !== 2) {
    throw new BtError("VALIDATION", `report: headingLevel must be 1 or 2, got ${String(level)}`, {
      field: "headingLevel",
      value: level,
    });
  }
  const lines = [`${"#".repeat(level)} ${escapeCell(options.title ?? "Portfolio heat report")}`, ""];
  lines.push(`Symbols: ${rows.length} · Trades: ${closed.length}`, "");
  const toCells = (stats: IStatistics) => HEAT_COLUMNS.map(([key]) => formatStatistic(stats, key));
  lines.push(
    markdownTable(
      [{ header: "Symbol" }, ...HEAT_COLUMNS.map(([, header]) => ({ header, align: "right" as const }))],
      [...rows.map((row) => [row.symbol, ...toCells(row.stats)]), ["**Total**", ...toCells(total)]],
    ),
    "",
    renderStatisticConventions(HEAT_COLUMNS.map(([key]) => key)),
  );
  return `${lines.join("\n")}\n`;
}
