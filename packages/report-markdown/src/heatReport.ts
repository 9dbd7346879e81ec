// The heat report: a per-symbol portfolio table (trades, total pnl, win rate, Sharpe, max drawdown)
// with a total row computed over every trade of every symbol.

import type { IStrategyTickResultClosed } from "@bt/core";
import { escapeCell, markdownTable } from "./markdownTable";
import { computeStatistics, type IStatistics, type IStatisticsOptions } from "./statistics";
import { formatStatistic } from "./statisticsTable";

/** Options of renderHeatReport. */
export interface IHeatReportOptions extends IStatisticsOptions {
  /** First-level heading; default "Portfolio heat report". */
  title?: string;
}

const HEAT_COLUMNS: ReadonlyArray<readonly [keyof IStatistics, string]> = [
  ["tradeCount", "Trades"],
  ["totalPnl", "Total PnL"],
  ["winRate", "Win rate"],
  ["sharpeRatio", "Sharpe"],
  ["maxDrawdown", "Max drawdown"],
];

/**
 * Renders the per-symbol heat table, symbols sorted by total pnl (percent, descending), then a
 * **Total** row whose statistics treat all trades as one sequence ordered by close time.
 * @throws BtError VALIDATION for a bad period or a non-finite pnl.
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
  const lines = [`# ${escapeCell(options.title ?? "Portfolio heat report")}`, ""];
  lines.push(`Symbols: ${rows.length} · Trades: ${closed.length}`, "");
  const toCells = (stats: IStatistics) => HEAT_COLUMNS.map(([key]) => formatStatistic(stats, key));
  lines.push(
    markdownTable(
      [{ header: "Symbol" }, ...HEAT_COLUMNS.map(([, header]) => ({ header, align: "right" as const }))],
      [...rows.map((row) => [row.symbol, ...toCells(row.stats)]), ["**Total**", ...toCells(total)]],
    ),
  );
  return `${lines.join("\n")}\n`;
}
