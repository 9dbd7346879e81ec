// Markdown of a run record: the backtest report (closed signals and statistics) or the walker ranking,
// both rendered by @bt/report-markdown exactly as the engine's getReport renders a live run's data.

import { renderBacktestReport, renderWalkerReport } from "@bt/report-markdown";
import type { IRunFrame, IRunRecord } from "./runRecord";

const iso = (ms: number): string => new Date(ms).toISOString().replace(":00.000Z", "Z");

/** One line naming the symbol, exchange and frame of a run. */
export function describeFrame(frame: IRunFrame): string {
  return `${frame.symbol} on ${frame.exchangeName}, ${iso(frame.periodStartMs)} … ${iso(frame.periodEndMs)} (${frame.interval} ticks)`;
}

/** Title of a backtest report. */
export function backtestReportTitle(strategyName: string): string {
  return `Backtest: ${strategyName}`;
}

/** Renders the markdown report of a backtest or walker record. */
export function renderRunReport(record: IRunRecord): string {
  if (record.kind === "backtest") {
    return renderBacktestReport(record.closed, {
      periodStartMs: record.periodStartMs,
      periodEndMs: record.periodEndMs,
      title: backtestReportTitle(record.strategyName),
    });
  }
  return renderWalkerReport({
    metric: record.metric,
    walkerName: record.walkerName,
    description: describeFrame(record),
    entries: record.results.flatMap((entry) =>
      entry.stats === null ? [] : [{ strategyName: entry.strategyName, stats: entry.stats }],
    ),
  });
}
