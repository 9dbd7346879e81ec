// The summary table printed at the end of a run: key statistics of a backtest, or one row per
// strategy of a walker in ranking order (failed strategies marked, never best), followed by notes
// that keep a quietly broken run from reading like a clean one.

import { type IRunProblems, type IStatistics, problemCount, type StatisticKey } from "@bt/core";
import { formatMoney, formatStatistic, UNSIZED_MONEY } from "@bt/report-markdown";
import { everySignalRejected, strategyThrew } from "./problemLines";
import { describeFrame, walkerFailureText } from "./renderRunReport";
import type { IRunRecord } from "./runRecord";
import { renderTextTable } from "./textTable";

function formatSignedPercent(fraction: number): string {
  const percent = fraction * 100;
  return `${percent >= 0 ? "+" : ""}${percent.toFixed(2)} %`;
}

const KEY_METRICS: ReadonlyArray<StatisticKey> = [
  "tradeCount",
  "winRate",
  "totalPnl",
  "totalPnlCost",
  "avgPnl",
  "sharpeRatio",
  "maxDrawdown",
  "maxDrawdownMarked",
  "profitFactor",
];

const HEADERS = [
  "trades",
  "win rate",
  "total pnl",
  "total pnl (quote)",
  "avg pnl",
  "sharpe",
  "max dd (closed)",
  "max dd (marked)",
  "profit factor",
];

/** One summary cell; money of an unsized run in short (the report gives the full reason). */
function summaryCell(stats: IStatistics, metric: StatisticKey): string {
  return metric === "totalPnlCost" && stats.totalPnlCost === null
    ? UNSIZED_MONEY
    : formatStatistic(stats, metric);
}

/** Notes on one strategy's problems for the summary ("" when it ran cleanly). */
function problemNote(
  strategyName: string,
  tradeCount: number | null,
  problems: IRunProblems,
  threw: boolean,
): string {
  const errors = problemCount(problems, "error");
  const rejected = problemCount(problems, "validation") + problemCount(problems, "risk");
  if (threw && errors === 0) return `${strategyName}: the strategy's run failed, see Problems`;
  if (threw) {
    return `${strategyName}: the strategy threw ${errors} time${errors === 1 ? "" : "s"} (getSignal ${problems.getSignalFailures}/${problems.getSignalCalls} calls failed), see Problems`;
  }
  if (tradeCount !== null && everySignalRejected(tradeCount, problems)) {
    return `${strategyName}: 0 trades: every signal was rejected (${rejected} rejection${rejected === 1 ? "" : "s"}), see Problems`;
  }
  const refused = problemCount(problems, "command");
  const counted = [
    ...(rejected > 0 ? [`${rejected} signal${rejected === 1 ? "" : "s"} rejected`] : []),
    ...(refused > 0 ? [`${refused} position command${refused === 1 ? "" : "s"} refused`] : []),
  ];
  return counted.length === 0 ? "" : `${strategyName}: ${counted.join(", ")}, see Problems`;
}

/** The terminal summary of a run record. */
export function renderRunSummary(record: IRunRecord): string {
  if (record.kind === "portfolio") {
    const table = renderTextTable(
      ["symbol", ...HEADERS],
      record.runs.map((run) => [run.symbol, ...KEY_METRICS.map((metric) => summaryCell(run.stats, metric))]),
      [false, ...HEADERS.map(() => true)],
    );
    const { initialBalance, balance, maxOpenPositions } = record.account;
    const notes = record.runs
      .map((run) =>
        problemNote(run.symbol, run.stats.tradeCount, run.problems, strategyThrew(run.status, run.problems)),
      )
      .filter((note) => note !== "");
    return `Summary — portfolio ${record.strategyName} — ${describeFrame(record)}\naccount: ${formatMoney(initialBalance)} → ${formatMoney(balance)} (${formatSignedPercent(balance / initialBalance - 1)}), at most ${maxOpenPositions} open position(s)\n${table}\n${notes.map((note) => `${note}\n`).join("")}`;
  }
  if (record.kind === "backtest") {
    const table = renderTextTable(
      ["strategy", ...HEADERS],
      [[record.strategyName, ...KEY_METRICS.map((metric) => summaryCell(record.stats, metric))]],
      [false, ...HEADERS.map(() => true)],
    );
    const note = problemNote(
      record.strategyName,
      record.stats.tradeCount,
      record.problems,
      strategyThrew(record.status, record.problems),
    );
    return `Summary — ${describeFrame(record)}\n${table}\n${note === "" ? "" : `${note}\n`}`;
  }
  const rows = record.results.map((entry, index) => [
    String(index + 1),
    entry.status === "failed" ? `${entry.strategyName} (failed)` : entry.strategyName,
    ...(entry.stats === null
      ? HEADERS.map((_, column) => (column === 0 ? `failed: ${walkerFailureText(entry)}` : ""))
      : KEY_METRICS.map((metric) => summaryCell(entry.stats as NonNullable<typeof entry.stats>, metric))),
  ]);
  const table = renderTextTable(["#", "strategy", ...HEADERS], rows, [
    true,
    false,
    ...HEADERS.map(() => true),
  ]);
  const best = record.bestStrategy === null ? "none" : record.bestStrategy;
  const notes = record.results
    .map((entry) =>
      problemNote(
        entry.strategyName,
        entry.stats?.tradeCount ?? null,
        entry.problems,
        entry.error !== null || strategyThrew(entry.status, entry.problems),
      ),
    )
    .filter((note) => note !== "");
  return `Summary — walker ${record.walkerName}, ranked by ${record.metric}, best: ${best} — ${describeFrame(record)}\n${table}\n${notes.map((note) => `${note}\n`).join("")}`;
}
