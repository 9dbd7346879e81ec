// The live report: what happened so far in a live (or paper) run, from the tick results received:
// run conditions and problems when given, counts by action, the positions still open, the changes of
// open positions (partial exits, added entries, moved levels), then the closed signals and statistics
// per strategy/symbol.

import {
  type IStrategyTickResult,
  type IStrategyTickResultClosed,
  type IStrategyTickResultUpdated,
  positionBook,
  type StrategyAction,
} from "@bt/core";
import { groupClosedResults, type IClosedTableOptions, renderClosedSection } from "./backtestReport";
import { formatCount, formatPercent, formatPrice, formatTime } from "./formatValue";
import { checkMaxRows, DEFAULT_MAX_ROWS, markdownTable } from "./markdownTable";
import { recordedFills } from "./positionFillsTable";
import { describePositionUpdate } from "./positionUpdateText";
import { type IRunContextOptions, reportHeaderLines } from "./reportHeader";

/** Options of renderLiveReport; `config` and `problems` print under the title when given. */
export interface ILiveReportOptions extends IClosedTableOptions, IRunContextOptions {
  /** First-level heading; default "Live report". */
  title?: string;
}

// A record over StrategyAction, so an action added to core fails to compile until it is counted here.
const ACTION_ORDER: Readonly<Record<StrategyAction, null>> = {
  idle: null,
  scheduled: null,
  opened: null,
  active: null,
  updated: null,
  closed: null,
  cancelled: null,
};
const ACTIONS = Object.keys(ACTION_ORDER) as ReadonlyArray<StrategyAction>;

type OpenEvent = IStrategyTickResult & { action: "opened" | "active" | "updated" };

/** The "## Position changes" lines: the latest `maxRows` updated results, oldest first. */
function positionChangeLines(updates: ReadonlyArray<IStrategyTickResultUpdated>, maxRows: number): string[] {
  const lines = ["## Position changes", ""];
  if (updates.length === 0) return [...lines, "_No position changes._"];
  // A long live run accumulates changes: the latest ones matter, the earlier are counted.
  const shown = updates.slice(Math.max(0, updates.length - maxRows));
  lines.push(
    markdownTable(
      [
        { header: "Time (UTC)" },
        { header: "Strategy" },
        { header: "Symbol" },
        { header: "Signal" },
        { header: "Change" },
        { header: "Stop loss", align: "right" },
        { header: "Take profit", align: "right" },
        { header: "Last price", align: "right" },
      ],
      shown.map((event) => [
        formatTime(event.timestamp),
        event.strategyName,
        event.symbol,
        event.signal.id,
        describePositionUpdate(event),
        formatPrice(event.signal.priceStopLoss),
        formatPrice(event.signal.priceTakeProfit),
        formatPrice(event.currentPrice),
      ]),
    ),
  );
  const hidden = updates.length - shown.length;
  if (hidden > 0) lines.push("", `_… ${hidden} earlier ${hidden === 1 ? "change" : "changes"} not shown._`);
  return lines;
}

/**
 * Renders the live report of the tick results received so far (in arrival order): event counts by
 * action, open positions (latest opened/active/updated without a close, with their entries and average
 * entry), the position changes (each `updated` result described, the latest `maxRows`), closed signals
 * and statistics,
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
  const maxRows = checkMaxRows(options.maxRows ?? DEFAULT_MAX_ROWS);
  const counts = new Map<StrategyAction, number>(ACTIONS.map((action) => [action, 0]));
  const open = new Map<string, OpenEvent>();
  const closed: IStrategyTickResultClosed[] = [];
  const updates: IStrategyTickResultUpdated[] = [];
  let lastTimestamp: number | null = null;
  for (const event of events) {
    counts.set(event.action, (counts.get(event.action) ?? 0) + 1);
    if (lastTimestamp === null || event.timestamp > lastTimestamp) lastTimestamp = event.timestamp;
    if (event.action === "opened" || event.action === "active" || event.action === "updated") {
      // The engine's log keeps one active tick per position, in the slot of the first: a change logged
      // after it may be older, so the latest by time wins.
      const known = open.get(event.signal.id);
      if (known === undefined || event.timestamp >= known.timestamp) open.set(event.signal.id, event);
    }
    if (event.action === "updated") updates.push(event);
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
          { header: "Entries", align: "right" },
          { header: "Avg entry", align: "right" },
          { header: "Open (of entered)", align: "right" },
          { header: "TP", align: "right" },
          { header: "SL", align: "right" },
          { header: "Last price", align: "right" },
        ],
        [...open.values()].map((event) => {
          const book = positionBook(recordedFills(event.signal));
          return [
            event.strategyName,
            event.symbol,
            event.signal.position,
            formatTime(event.signal.pendingAt),
            formatPrice(event.signal.priceOpen),
            formatCount(book.entryCount),
            formatPrice(book.averageEntry),
            formatPercent(book.openShare * 100),
            formatPrice(event.signal.priceTakeProfit),
            formatPrice(event.signal.priceStopLoss),
            formatPrice(event.currentPrice),
          ];
        }),
      ),
    );
  }
  lines.push("", ...positionChangeLines(updates, maxRows), "");
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
