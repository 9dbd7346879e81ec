// The text line `bt live` prints for each tick result: "<ISO time> <action> <symbol> @ <price>", then
// what the result adds: the change of an `updated` position and the position after it, the close reason
// and PnL (percent, and money when sized) of a closed one, the entries of an averaged position.

import { type ISignalRow, type IStrategyTickResult, positionBook } from "@bt/core";
import {
  describePositionUpdate,
  formatCount,
  formatMoney,
  formatPercent,
  formatPrice,
} from "@bt/report-markdown";

/** "1 entry" / "3 entries". */
function entriesText(count: number): string {
  return count === 1 ? "1 entry" : `${formatCount(count)} entries`;
}

/**
 * The entries, average entry price and open share of a position, e.g. "2 entries, avg entry 98.4772,
 * 50.00% of the entered size open"; the open share only once a part was closed.
 */
export function describeOpenPosition(signal: ISignalRow): string {
  const book = positionBook(signal.fills);
  const parts = [entriesText(book.entryCount), `avg entry ${formatPrice(book.averageEntry)}`];
  if (signal.fills.some((fill) => fill.kind === "exit")) {
    parts.push(`${formatPercent(book.openShare * 100)} of the entered size open`);
  }
  return parts.join(", ");
}

/** True when the position has more than its open fill (an added entry or a partial exit). */
function isManaged(signal: ISignalRow): boolean {
  return signal.fills.length > 1;
}

/**
 * The line of one live result (no newline), e.g.
 * "2025-01-02T10:30:00.000Z updated BTCUSDT @ 97 entry added (dca_ladder) at 97.0000, cost 1000.00; 2 entries, avg entry 98.4772".
 */
export function liveEventLine(result: IStrategyTickResult): string {
  const head = `${new Date(result.timestamp).toISOString()} ${result.action} ${result.symbol} @ ${result.currentPrice}`;
  switch (result.action) {
    case "idle":
    case "scheduled":
    case "opened":
    case "cancelled":
      return head;
    case "active":
      // An averaged or partly closed position says so on every tick; a plain one stays one short line.
      return isManaged(result.signal) ? `${head}; ${describeOpenPosition(result.signal)}` : head;
    case "updated":
      return `${head} ${describePositionUpdate(result)}; ${describeOpenPosition(result.signal)}`;
    case "closed": {
      const money = result.pnl.pnlCost === null ? "" : ` (${formatMoney(result.pnl.pnlCost)} quote)`;
      const fills = result.signal.fills;
      const exits = fills.filter((fill) => fill.kind === "exit").length;
      const managed = isManaged(result.signal)
        ? `; ${entriesText(fills.length - exits)}, ${exits === 1 ? "1 partial exit" : `${exits} partial exits`}`
        : "";
      return `${head} ${result.closeReason} pnl ${result.pnl.pnlPercentage.toFixed(2)}%${money}${managed}`;
    }
    default: {
      // An action added to core fails to compile here.
      const unknown: never = result;
      return `${head} (${(unknown as { action: string }).action})`;
    }
  }
}
