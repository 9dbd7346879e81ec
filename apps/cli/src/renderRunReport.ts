// Markdown of a run record: the backtest report (run conditions, Problems, closed signals and
// statistics) or the walker ranking (run conditions, ranking with failed strategies last, then each
// strategy's Problems), rendered by @bt/report-markdown from the record alone, so `bt report` prints
// exactly what the run printed.

import { mergeRunProblems, pnlCostsOf } from "@bt/core";
import {
  formatMoney,
  hasNoProblems,
  moneyBySignalId,
  renderBacktestReport,
  renderEquityStatisticsTable,
  renderPortfolioReport,
  renderProblems,
  renderScheduleReport,
  renderWalkerReport,
} from "@bt/report-markdown";
import type {
  IBacktestRunRecord,
  IPortfolioRunRecord,
  IRunFrame,
  IRunRecord,
  IRunSettings,
  IWalkerRunRecord,
} from "./runRecord";

const iso = (ms: number): string => new Date(ms).toISOString().replace(":00.000Z", "Z");

/** One line naming the symbol, exchange and frame of a run. */
export function describeFrame(frame: IRunFrame): string {
  return `${frame.symbol} on ${frame.exchangeName}, ${iso(frame.periodStartMs)} … ${iso(frame.periodEndMs)} (${frame.interval} ticks)`;
}

/** Title of a backtest report. */
export function backtestReportTitle(strategyName: string): string {
  return `Backtest: ${strategyName}`;
}

/** Why a walker strategy failed, in one line. */
export function walkerFailureText(entry: IWalkerRunRecord["results"][number]): string {
  if (entry.error !== null) return entry.error;
  const { getSignalCalls } = entry.problems;
  const first = entry.problems.problems.find((problem) => problem.kind === "error");
  return `every getSignal call threw (${getSignalCalls} call${getSignalCalls === 1 ? "" : "s"})${first === undefined ? "" : `: ${first.message}`}`;
}

function renderWalkerRecord(record: IWalkerRunRecord): string {
  let markdown = renderWalkerReport({
    metric: record.metric,
    walkerName: record.walkerName,
    description: describeFrame(record),
    config: record.config,
    entries: record.results.map((entry) => ({
      strategyName: entry.strategyName,
      stats: entry.stats,
      status: entry.status,
    })),
  });
  const failed = record.results.filter((entry) => entry.status === "failed");
  if (failed.length > 0) {
    const lines = failed.map((entry) => `- ${entry.strategyName}: failed: ${walkerFailureText(entry)}`);
    markdown += `\nFailed strategies (never best):\n\n${lines.join("\n")}\n`;
  }
  const withProblems = record.results.filter((entry) => !hasNoProblems(entry.problems));
  markdown += "\n## Problems\n\n";
  if (withProblems.length === 0) markdown += "No problems in any strategy.\n";
  for (const entry of withProblems) {
    markdown += `${renderProblems(entry.problems, { headingLevel: 3 }).replace(/^### Problems/, `### ${entry.strategyName}`)}\n\n`;
  }
  return markdown.replace(/\n+$/, "\n");
}

/** What a gap policy does, in words. */
export function gapPolicyText(policy: IRunSettings["gapPolicy"]): string {
  return policy === "fill"
    ? "fill (flat zero-volume candles at the previous close)"
    : "error (a missing candle stops the run)";
}

/** The settings of a run in one line (the config's costs are in the run conditions). */
function settingsLine(settings: IRunSettings): string {
  return `Settings: balance ${formatMoney(settings.accountBalance)} · at most ${settings.maxOpenPositions} open position(s) · warm-up ${settings.warmupMinutes} min · gaps: ${gapPolicyText(settings.gapPolicy)}.`;
}

function renderBacktestRecord(record: IBacktestRunRecord, title: string): string {
  const markdown = renderBacktestReport(record.closed, {
    periodStartMs: record.periodStartMs,
    periodEndMs: record.periodEndMs,
    title,
    config: record.config,
    problems: record.problems,
    // The run's own figure (its minute prices are not in the record): the markdown matches getData.
    markedMaxDrawdownPercent: record.stats.maxDrawdownMarked ?? undefined,
    ...(record.account === undefined ? {} : { money: moneyBySignalId(record.account.trades) }),
  });
  const schedule =
    record.scheduleEvents === undefined || record.scheduleEvents.length === 0
      ? ""
      : `\n${renderScheduleReport(record.scheduleEvents, { title: "Scheduled signals" }).replace(/^# /, "## ")}`;
  if (record.account === undefined) return `${markdown}${schedule}`;
  const { initialBalance, balance } = record.account;
  const settings = record.settings === undefined ? "" : `${settingsLine(record.settings)}\n\n`;
  return `${markdown.replace(/\n+$/, "\n")}${schedule}\n## Account\n\n${settings}Balance ${formatMoney(initialBalance)} → ${formatMoney(balance)}; equity marked to market each minute:\n\n${renderEquityStatisticsTable(record.account.stats)}\n`;
}

function renderPortfolioRecord(record: IPortfolioRunRecord): string {
  const { account, config } = record;
  return renderPortfolioReport({
    title: `Portfolio: ${record.strategyName}`,
    closed: record.runs.flatMap((run) => run.closed),
    ledger: account.trades,
    equity: account.stats,
    settings: {
      initialBalance: account.initialBalance,
      ...pnlCostsOf(config),
      maxOpenPositions: account.maxOpenPositions,
      ...(record.runs[0]?.settings === undefined
        ? {}
        : {
            warmUpMinutes: record.runs[0].settings.warmupMinutes,
            gaps: gapPolicyText(record.runs[0].settings.gapPolicy),
          }),
      staking: `sizing profile's cost, else balance / ${account.maxOpenPositions} (at most the free cash)`,
      other: [["Symbols", record.symbols.join(", ")]],
    },
    periodStartMs: record.periodStartMs,
    periodEndMs: record.periodEndMs,
    config,
    problems: mergeRunProblems(record.runs.map((run) => run.problems)),
  });
}

/** Renders the markdown report of a backtest, portfolio or walker record. */
export function renderRunReport(record: IRunRecord): string {
  switch (record.kind) {
    case "backtest":
      return renderBacktestRecord(record, backtestReportTitle(record.strategyName));
    case "portfolio":
      return renderPortfolioRecord(record);
    case "walker":
      return renderWalkerRecord(record);
    default: {
      const unreachable: never = record;
      return unreachable;
    }
  }
}
