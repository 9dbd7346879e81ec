// The engine's only door to @bt/report-markdown: the backtest, live and walker markdown of recorded
// runs (with their run conditions and Problems section) and the atomic report write. Statistics are
// computed by @bt/core; this file only renders.

import { mergeRunProblems } from "@bt/core";
import {
  type IBacktestReportOptions,
  type ILiveReportOptions,
  moneyBySignalId,
  renderBacktestReport,
  renderHeatReport,
  renderLiveReport,
  renderScheduleReport,
  renderWalkerReport,
  writeReport,
} from "@bt/report-markdown";
import type { IWalkerResult, IWalkerStrategyResult } from "../events/events";
import type { LiveEventLog } from "../live/liveEventLog";
import { accountData } from "../portfolio/portfolioData";
import type { IBacktestRunRecord } from "../run/backtestRecord";

export type { IBacktestReportOptions, ILiveReportOptions } from "@bt/report-markdown";

/**
 * The backtest report of `records` (one or more runs): their closed signals, the union of their frame
 * periods, the run conditions of the first run's config and the problems of a single run.
 * @throws BtError VALIDATION for bad report options.
 */
export function backtestMarkdown(
  records: ReadonlyArray<IBacktestRunRecord>,
  options: IBacktestReportOptions,
): string {
  let periodStartMs: number | undefined;
  let periodEndMs: number | undefined;
  for (const record of records) {
    periodStartMs = Math.min(periodStartMs ?? record.periodStartMs, record.periodStartMs);
    periodEndMs = Math.max(periodEndMs ?? record.periodEndMs, record.periodEndMs);
  }
  const closed = records.flatMap((record) => record.closed);
  const first = records[0];
  // One account (one run, or every symbol of one portfolio run): its money in the closed tables.
  const accounts = new Set(records.map((record) => record.account));
  const money =
    accounts.size === 1 && first !== undefined
      ? moneyBySignalId(accountData(first.account).trades)
      : undefined;
  let markdown = renderBacktestReport(closed, {
    periodStartMs,
    periodEndMs,
    config: first?.config,
    problems:
      records.length === 1 ? first?.problems : mergeRunProblems(records.map((record) => record.problems)),
    // Marked to market per run: merged runs have no one minute curve.
    markedMaxDrawdownPercent: records.length === 1 ? first?.markedMaxDrawdownPercent : undefined,
    ...(money === undefined ? {} : { money }),
    ...options,
  });
  const period = { periodStartMs, periodEndMs };
  if (new Set(records.map((record) => record.symbol)).size > 1) {
    markdown += `\n${renderHeatReport(closed, { ...period, title: "Symbols", headingLevel: 2 })}`;
  }
  const scheduleEvents = records.flatMap((record) => record.scheduleEvents);
  if (scheduleEvents.length > 0) {
    markdown += `\n${renderScheduleReport(scheduleEvents, { title: "Scheduled signals" }).replace(/^# /, "## ")}`;
  }
  return markdown;
}

/** The live report of the event logs of the matching live runs. */
export function liveMarkdown(logs: ReadonlyArray<LiveEventLog>, options: ILiveReportOptions): string {
  const first = logs[0];
  return renderLiveReport(
    logs.flatMap((log) => log.events()),
    {
      config: first?.config,
      problems: logs.length === 1 ? first?.problems : mergeRunProblems(logs.map((log) => log.problems)),
      ...options,
    },
  );
}

/** Why a walker strategy is not ranked: its error, or that every getSignal call threw. */
function failureText(entry: IWalkerStrategyResult): string {
  if (entry.error !== null) return entry.error.message;
  const { getSignalCalls } = entry.problems;
  const first = entry.problems.problems.find((problem) => problem.source === "getSignal");
  return `every getSignal call threw (${getSignalCalls} call${getSignalCalls === 1 ? "" : "s"})${first === undefined ? "" : `: ${first.message}`}`;
}

/**
 * The walker ranking report of `results`: working strategies ranked by the metric, failed ones
 * (run threw, or every getSignal call threw) listed under the table and never ranked.
 */
export function walkerMarkdown(
  results: ReadonlyArray<IWalkerResult>,
  description: ((result: IWalkerResult) => string) | string | undefined,
): string {
  return results
    .map((result) => {
      const entries = result.results.flatMap((entry) =>
        entry.stats === null || entry.status === "failed"
          ? []
          : [{ strategyName: entry.strategyName, stats: entry.stats }],
      );
      const failed = result.results.filter((entry) => entry.status === "failed");
      let markdown = renderWalkerReport({
        metric: result.metric,
        entries,
        walkerName: result.walkerName,
        description:
          typeof description === "string"
            ? description
            : (description?.(result) ??
              `Symbol ${result.symbol} · exchange ${result.exchangeName} · frame ${result.frameName}`),
      });
      if (failed.length > 0) {
        const lines = failed.map((entry) => `- ${entry.strategyName}: failed: ${failureText(entry)}`);
        markdown += `\nFailed strategies (not ranked):\n\n${lines.join("\n")}\n`;
      }
      return markdown;
    })
    .join("\n");
}

/**
 * Writes `markdown` to `path` atomically (temp file, fsync, rename).
 * @throws BtError PERSIST when the folder or the file cannot be written.
 */
export function writeMarkdown(path: string, markdown: string): Promise<void> {
  return writeReport(path, markdown);
}
