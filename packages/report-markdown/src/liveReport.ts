// The live report: what happened so far in a live (or paper) run, from the tick results received:
// run conditions and problems when given, counts by action, the positions still open, then the closed
// signals and statistics per strategy/symbol.

import type { IStrategyTickResult, IStrategyTickResultClosed, StrategyAction } from "@bt/core";
import { groupClosedResults, type IClosedTableOptions, renderClosedSection } from "./backtestReport";
import { formatPrice, formatTime } from "./formatValue";
import { markdownTable } from "./markdownTable";
import { type IRunContextOptions, reportHeaderLines } from "./reportHeader";

/** Options of renderLiveReport; `config` and `problems` print under the title when given. */
export interface ILiveReportOptions extends IClosedTableOptions, IRunContextOptions {
  /** First-level heading; default "Live report". */
  title?: string;
}

const ACTIONS: ReadonlyArray<StrategyAction> = [
  "idle",
  "scheduled",
  "opened",
  "active",
  "closed",
  "cancelled",
];

/**
 * Renders the live report of the tick results received so far (in arrival order): event counts by
 * action, open positions (latest opened/active without a close), closed signals and statistics,
 * preceded by the run conditions (`config`) and the Problems section (`problems`) when given.
 * @throws BtError VALIDATION for an unknown column, a bad maxRows or a bad period.
 * @example
 * const events: IStrategyTickResult[] = []; listenSignalLive((event) => events.push(event));
 * const markdown = renderLiveReport(events);
 */
export function renderLiveReport(
  events: ReadonlyArray<IStrategyTickResult>,
  options: ILiveReportOptions = {},
): string {
  const counts = new Map<StrategyAction, number>(ACTIONS.map((action) => [action, 0]));
  const open = new Map<string, IStrategyTickResult & { action: "opened" | "active" }>();
  const closed: IStrategyTickResultClosed[] = [];
  let lastTimestamp: number | null = null;
  for (const event of events) {
    counts.set(event.action, (counts.get(event.action) ?? 0) + 1);
    if (lastTimestamp === null || event.timestamp > lastTimestamp) lastTimestamp = event.timestamp;
    if (event.action === "opened" || event.action === "active") open.set(event.signal.id, event);
    if (event.action === "closed") {
      open.delete(event.signal.id);
      closed.push(event);
    }
  }

  const lines = reportHeaderLines(options.title ?? "Live report", options);
  lines.push(
    `Events: ${events.length} · Last event: ${formatTime(lastTimestamp)}`,
    "",
    "## Events by action",
    "",
  );
  lines.push(
    markdownTable(
      [{ header: "Action" }, { header: "Count", align: "right" }],
      ACTIONS.map((action) => [action, String(counts.get(action) ?? 0)]),
    ),
  );
  lines.push("", "## Open positions", "");
  if (open.size === 0) lines.push("_No open positions._");
  else {
    lines.push(
      markdownTable(
        [
          { header: "Strategy" },
          { header: "Symbol" },
          { header: "Side" },
          { header: "Open time (UTC)" },
          { header: "Price open", align: "right" },
          { header: "TP", align: "right" },
          { header: "SL", align: "right" },
          { header: "Last price", align: "right" },
        ],
        [...open.values()].map((event) => [
          event.strategyName,
          event.symbol,
          event.signal.position,
          formatTime(event.signal.pendingAt),
          formatPrice(event.signal.priceOpen),
          formatPrice(event.signal.priceTakeProfit),
          formatPrice(event.signal.priceStopLoss),
          formatPrice(event.currentPrice),
        ]),
      ),
    );
  }
  lines.push("");
  const groups = groupClosedResults(closed);
  if (groups.length === 0) {
    // The statistics of no trade are all N/A; still show the table so the report shape is stable.
    lines.push(renderClosedSection("All strategies", "all symbols", [], options));
  }
  for (const group of groups) {
    lines.push(renderClosedSection(group.strategyName, group.symbol, group.closed, options), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
