// The summary table printed at the end of a run: key statistics of a backtest, or one row per
// strategy of a walker in ranking order.

import { formatStatistic, type IStatistics } from "@bt/report-markdown";
import { describeFrame } from "./renderRunReport";
import type { IRunRecord } from "./runRecord";
import { renderTextTable } from "./textTable";

const KEY_METRICS: ReadonlyArray<keyof IStatistics> = [
  "tradeCount",
  "winRate",
  "totalPnl",
  "avgPnl",
  "sharpeRatio",
  "maxDrawdown",
  "profitFactor",
];

const HEADERS = ["trades", "win rate", "total pnl", "avg pnl", "sharpe", "max dd", "profit factor"];

/** The terminal summary of a run record. */
export function renderRunSummary(record: IRunRecord): string {
  if (record.kind === "backtest") {
    const table = renderTextTable(
      ["strategy", ...HEADERS],
      [[record.strategyName, ...KEY_METRICS.map((metric) => formatStatistic(record.stats, metric))]],
      [false, ...HEADERS.map(() => true)],
    );
    return `Summary — ${describeFrame(record)}\n${table}\n`;
  }
  const rows = record.results.map((entry, index) => [
    String(index + 1),
    entry.strategyName,
    ...(entry.stats === null
      ? HEADERS.map((_, column) => (column === 0 ? `failed: ${entry.error ?? "unknown error"}` : ""))
      : KEY_METRICS.map((metric) => formatStatistic(entry.stats as IStatistics, metric))),
  ]);
  const table = renderTextTable(["#", "strategy", ...HEADERS], rows, [
    true,
    false,
    ...HEADERS.map(() => true),
  ]);
  const best = record.bestStrategy === null ? "none" : record.bestStrategy;
  return `Summary — walker ${record.walkerName}, ranked by ${record.metric}, best: ${best} — ${describeFrame(record)}\n${table}\n`;
}
