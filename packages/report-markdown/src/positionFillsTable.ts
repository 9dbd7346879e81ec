// The fills of the trades that had more than one (DCA entries, partial exits): one row per entry and
// partial exit of each such trade, then its final close, so a ladder or an averaged position can be
// read fill by fill under the closed-signals table.

import type { ISignalRow, IStrategyTickResultClosed, PositionFill } from "@bt/core";
import { formatMoney, formatPercent, formatPrice, formatRatio, formatTime } from "./formatValue";
import { type IMarkdownColumn, markdownTable } from "./markdownTable";

/**
 * The fills of a signal row; a row from a file written before bt recorded fills (a run record `bt report`
 * reads as it is) had exactly its open entry, which is what it gets, as the engine's record upgrade does.
 */
export function recordedFills(signal: ISignalRow): ReadonlyArray<PositionFill> {
  const fills = signal.fills as ReadonlyArray<PositionFill> | undefined;
  return (
    fills ?? [
      {
        kind: "entry",
        price: signal.priceOpen,
        cost: signal.cost ?? 1,
        at: signal.pendingAt,
        source: "open",
      },
    ]
  );
}

/** True when the trade had an added entry or a partial exit (more than its one open fill). */
export function hasSeveralFills(result: IStrategyTickResultClosed): boolean {
  return recordedFills(result.signal).length > 1;
}

/** The cost cell of an entry: quote currency, or a multiple of the first entry for an unsized trade. */
function entryCost(result: IStrategyTickResultClosed, cost: number): string {
  return result.signal.cost === null ? `${formatRatio(cost)}× first entry` : formatMoney(cost);
}

function fillRow(result: IStrategyTickResultClosed, fill: PositionFill, withExecuted: boolean): string[] {
  const executed = withExecuted
    ? [fill.executedPrice === undefined ? "" : formatPrice(fill.executedPrice)]
    : [];
  const head = [result.signal.id, formatTime(result.signal.pendingAt)];
  if (fill.kind === "entry") {
    return [
      ...head,
      `entry (${fill.source})`,
      formatTime(fill.at),
      formatPrice(fill.price),
      entryCost(result, fill.cost),
      "",
      ...executed,
    ];
  }
  return [
    ...head,
    `partial exit (${fill.reason})`,
    formatTime(fill.at),
    formatPrice(fill.price),
    "",
    formatPercent(fill.fraction * 100),
    ...executed,
  ];
}

/**
 * The markdown table of the fills of the trades in `closed` that had more than one fill, in the given
 * trade order: each entry (cost in quote currency, or × the first entry when unsized), each partial exit
 * (the share of the size open at that time it closed, in percent) and the final close (the rest, 100%);
 * an "Executed price" column (the broker's, live) when any fill has one. At most `maxRows` rows, then a
 * "… N more rows not shown" note. Null when no trade had more than one fill.
 */
export function renderPositionFills(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  maxRows: number,
): string | null {
  const trades = closed.filter(hasSeveralFills);
  if (trades.length === 0) return null;
  const withExecuted = trades.some((result) =>
    recordedFills(result.signal).some((fill) => fill.executedPrice !== undefined),
  );
  const columns: IMarkdownColumn[] = [
    { header: "Trade" },
    { header: "Open time (UTC)" },
    { header: "Fill" },
    { header: "Time (UTC)" },
    { header: "Price", align: "right" },
    { header: "Cost (quote)", align: "right" },
    { header: "Closed (of open size)", align: "right" },
    ...(withExecuted ? [{ header: "Executed price", align: "right" as const }] : []),
  ];
  const rows: string[][] = [];
  for (const result of trades) {
    for (const fill of recordedFills(result.signal)) rows.push(fillRow(result, fill, withExecuted));
    rows.push([
      result.signal.id,
      formatTime(result.signal.pendingAt),
      `close (${result.closeReason})`,
      formatTime(result.timestamp),
      formatPrice(result.pnl.priceClose),
      "",
      formatPercent(100),
      ...(withExecuted ? [""] : []),
    ]);
  }
  const summary = `Trades with more than one fill: ${trades.length} of ${closed.length}. "Closed" is the share of the size open at that moment; the close takes the rest.`;
  return `${summary}\n\n${markdownTable(columns, rows, maxRows)}`;
}
