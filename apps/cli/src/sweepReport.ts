// The terminal report of a parameter sweep: per symbol a ranking table (the cluster's ranking, best
// first; @bt/report-markdown's formatting of every statistic), failed backtests listed after it with
// their error and never ranked, the best per symbol, and under it the robustness of the best entry
// (@bt/research's renderRobustness) when the command computed it.

import type { ISweepEntry, ISweepResult, ISweepSymbolResult } from "@bt/cluster";
import type { StatisticKey } from "@bt/core";
import { formatStatistic, statisticLabel } from "@bt/report-markdown";
import { type IRunRobustness, renderRobustness } from "@bt/research";
import { formatDuration } from "./progressBar";
import { renderTextTable } from "./textTable";

/** Rows a ranking shows by default (--top). */
export const DEFAULT_SWEEP_TOP = 20;

/** Options of renderSweepReport. */
export interface ISweepReportOptions {
  /** Ranked (non-failed) rows shown per symbol; the rest are counted. Failed entries are always listed. */
  top: number;
  /** The sweep's name, for the title. */
  name: string;
  /** The run id (shown in the title). */
  runId: string;
  /** The robustness of each symbol's best entry (@bt/research), shown under that symbol's ranking. */
  robustness?: ReadonlyArray<IRunRobustness>;
}

// Columns after the metric; the ranking metric itself is the first statistic column.
const COLUMNS: ReadonlyArray<StatisticKey> = [
  "tradeCount",
  "winRate",
  "totalPnl",
  "maxDrawdown",
  "sharpeRatio",
  "profitFactor",
];

/** A statistic's label without its parenthesised convention (the column header). */
const shortLabel = (key: StatisticKey): string => statisticLabel(key).replace(/\s*\(.*\)$/, "");

const iso = (ms: number): string => new Date(ms).toISOString().replace(":00.000Z", "Z");

/** The error of a failed entry in one line: name, code and message. */
export function sweepErrorText(entry: ISweepEntry): string {
  const error = entry.error;
  if (error === null) return "";
  return `${error.name}${error.code === undefined ? "" : ` ${error.code}`}: ${error.message}`.replace(
    /\s*\n\s*/g,
    " ",
  );
}

/** Every failed entry of a sweep result, symbol by symbol. */
export function failedSweepEntries(result: ISweepResult): ISweepEntry[] {
  return result.symbols.flatMap((symbol) => symbol.ranking.filter((entry) => entry.error !== null));
}

/** The ranking table of one symbol (top rows, then failed ones) and what was left out. */
export function renderSymbolRanking(symbol: ISweepSymbolResult, metric: StatisticKey, top: number): string {
  const columns = [metric, ...COLUMNS.filter((column) => column !== metric)];
  const ranked = symbol.ranking.filter((entry) => entry.error === null);
  const failed = symbol.ranking.filter((entry) => entry.error !== null);
  const shown = ranked.slice(0, top);
  const rows = shown.map((entry, index) => [
    String(index + 1),
    entry.strategyName,
    ...columns.map((column) => (entry.stats === null ? "" : formatStatistic(entry.stats, column))),
  ]);
  for (const entry of failed) {
    rows.push(["failed", entry.strategyName, sweepErrorText(entry), ...columns.slice(1).map(() => "")]);
  }
  const table = renderTextTable(["#", "strategy", ...columns.map(shortLabel)], rows, [
    true,
    false,
    ...columns.map(() => true),
  ]);
  const best =
    symbol.bestStrategy === null
      ? "best: none (no backtest has a value for the metric)"
      : `best: ${symbol.bestStrategy} (${shortLabel(metric)} ${formatStatistic(
          (symbol.ranking[0] as ISweepEntry).stats as NonNullable<ISweepEntry["stats"]>,
          metric,
        )})`;
  const leftOut =
    ranked.length > shown.length
      ? `${ranked.length - shown.length} more ranked parameter sets not shown (--top ${top}; --json or --dump has them all)\n`
      : "";
  const failures = failed.length > 0 ? `${failed.length} failed, listed last and never ranked\n` : "";
  return `## ${symbol.symbol} — ${symbol.ranking.length} backtests, ${best}\n${table}\n${leftOut}${failures}`;
}

/**
 * The sweep report: a title line, then each symbol's ranking.
 * @example io.stdout.write(renderSweepReport(result, { top: 20, name: "sma", runId: "3f2a9c" }));
 */
export function renderSweepReport(result: ISweepResult, options: ISweepReportOptions): string {
  const resumed = result.resumedCount > 0 ? `, ${result.resumedCount} resumed` : "";
  const title = `# Sweep ${options.name} (run ${options.runId}) — ranked by ${statisticLabel(result.metric)} (${result.metric}), ${iso(result.frame.startMs)} … ${iso(result.frame.endMs)}, ${result.backtestCount} backtests${resumed} in ${formatDuration(result.elapsedMs)}\n`;
  const sections = result.symbols.map((symbol) => {
    const ranking = renderSymbolRanking(symbol, result.metric, options.top);
    const robustness = options.robustness?.find((item) => item.symbol === symbol.symbol);
    return robustness === undefined ? ranking : `${ranking}\n${renderRobustness([robustness])}`;
  });
  return `${title}\n${sections.join("\n")}`;
}
