// The schedule report: per strategy and symbol, how scheduled signals ended (activated, cancelled by
// reason, still waiting), the activation and cancellation rates and the average waits.

import { computeScheduleStatistics, type IStrategyTickResult } from "@bt/core";
import { formatCount, formatMinutes, formatPercent } from "./formatValue";
import { escapeCell, markdownTable } from "./markdownTable";

/** Options of renderScheduleReport. */
export interface IScheduleReportOptions {
  /** First-level heading; default "Schedule report". */
  title?: string;
}

/**
 * Renders the schedule report of tick results, one row per strategy and symbol plus a total row:
 * counts, rates in percent and waits in minutes (N/A when nothing was scheduled / activated / cancelled).
 * @example
 * const markdown = renderScheduleReport(allTickResults);
 */
export function renderScheduleReport(
  events: ReadonlyArray<IStrategyTickResult>,
  options: IScheduleReportOptions = {},
): string {
  const groups = new Map<string, { strategyName: string; symbol: string; events: IStrategyTickResult[] }>();
  for (const event of events) {
    if (event.action !== "scheduled" && event.action !== "opened" && event.action !== "cancelled") continue;
    const key = JSON.stringify([event.strategyName, event.symbol]);
    const group = groups.get(key) ?? { strategyName: event.strategyName, symbol: event.symbol, events: [] };
    group.events.push(event);
    groups.set(key, group);
  }
  const rows = [...groups.values()]
    .map((group) => ({ ...group, stats: computeScheduleStatistics(group.events) }))
    .filter((group) => group.stats.scheduledCount > 0)
    .sort((left, right) =>
      left.strategyName === right.strategyName
        ? left.symbol.localeCompare(right.symbol, "en")
        : left.strategyName.localeCompare(right.strategyName, "en"),
    );
  const total = computeScheduleStatistics(events);
  const lines = [`# ${escapeCell(options.title ?? "Schedule report")}`, ""];
  if (total.scheduledCount === 0) {
    lines.push("_No scheduled signals._");
    return `${lines.join("\n")}\n`;
  }
  const cells = (stats: typeof total) => [
    formatCount(stats.scheduledCount),
    formatCount(stats.activatedCount),
    formatCount(stats.cancelledCount),
    formatCount(stats.cancelledByReason.timeout),
    formatCount(stats.cancelledByReason.price_reject),
    formatCount(stats.cancelledByReason.user),
    formatCount(stats.pendingCount),
    formatPercent(stats.activationRate),
    formatPercent(stats.cancellationRate),
    formatMinutes(stats.avgActivationWaitMinutes),
    formatMinutes(stats.avgCancellationWaitMinutes),
  ];
  const right = (header: string) => ({ header, align: "right" as const });
  lines.push(
    markdownTable(
      [
        { header: "Strategy" },
        { header: "Symbol" },
        right("Scheduled"),
        right("Activated"),
        right("Cancelled"),
        right("Timeout"),
        right("Price reject"),
        right("User"),
        right("Waiting"),
        right("Activation rate"),
        right("Cancellation rate"),
        right("Avg wait to open"),
        right("Avg wait to cancel"),
      ],
      [
        ...rows.map((row) => [row.strategyName, row.symbol, ...cells(row.stats)]),
        ["**Total**", "", ...cells(total)],
      ],
    ),
  );
  return `${lines.join("\n")}\n`;
}
