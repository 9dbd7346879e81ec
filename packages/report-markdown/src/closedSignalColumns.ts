// The configurable columns of the closed-signals table: each column id names a header, an alignment
// and how a closed result prints in it.

import { BtError, type IStrategyTickResultClosed } from "@bt/core";
import { formatMinutes, formatPercent, formatPrice, formatTime } from "./formatValue";
import type { IMarkdownColumn } from "./markdownTable";

/** Column ids of the closed-signals table. */
export type ClosedSignalColumn =
  | "id"
  | "symbol"
  | "strategy"
  | "openTime"
  | "closeTime"
  | "holdingMinutes"
  | "side"
  | "priceOpen"
  | "priceClose"
  | "takeProfit"
  | "stopLoss"
  | "reason"
  | "pnl"
  | "note";

interface IColumnDefinition extends IMarkdownColumn {
  cell: (result: IStrategyTickResultClosed) => string;
}

const COLUMN_DEFINITIONS: Readonly<Record<ClosedSignalColumn, IColumnDefinition>> = {
  id: { header: "Id", cell: (result) => result.signal.id },
  symbol: { header: "Symbol", cell: (result) => result.symbol },
  strategy: { header: "Strategy", cell: (result) => result.strategyName },
  openTime: { header: "Open time (UTC)", cell: (result) => formatTime(result.signal.pendingAt) },
  closeTime: { header: "Close time (UTC)", cell: (result) => formatTime(result.timestamp) },
  holdingMinutes: {
    header: "Held",
    align: "right",
    cell: (result) => formatMinutes((result.timestamp - result.signal.pendingAt) / 60_000),
  },
  side: { header: "Side", cell: (result) => result.signal.position },
  priceOpen: { header: "Price open", align: "right", cell: (result) => formatPrice(result.pnl.priceOpen) },
  priceClose: { header: "Price close", align: "right", cell: (result) => formatPrice(result.pnl.priceClose) },
  takeProfit: { header: "TP", align: "right", cell: (result) => formatPrice(result.signal.priceTakeProfit) },
  stopLoss: { header: "SL", align: "right", cell: (result) => formatPrice(result.signal.priceStopLoss) },
  reason: { header: "Reason", cell: (result) => result.closeReason },
  pnl: { header: "PnL %", align: "right", cell: (result) => formatPercent(result.pnl.pnlPercentage) },
  note: { header: "Note", cell: (result) => result.signal.note },
};

/** Columns of the closed-signals table when none are given. */
export const DEFAULT_CLOSED_SIGNAL_COLUMNS: ReadonlyArray<ClosedSignalColumn> = [
  "openTime",
  "closeTime",
  "side",
  "priceOpen",
  "priceClose",
  "takeProfit",
  "stopLoss",
  "reason",
  "pnl",
  "note",
];

/** Every column id the closed-signals table accepts. */
export const CLOSED_SIGNAL_COLUMNS = Object.keys(COLUMN_DEFINITIONS) as ReadonlyArray<ClosedSignalColumn>;

/** Header and cell renderer of each requested column. @throws BtError VALIDATION for an empty list or unknown id. */
export function closedSignalColumns(columns: ReadonlyArray<ClosedSignalColumn>): IColumnDefinition[] {
  if (columns.length === 0) {
    throw new BtError("VALIDATION", "report: columns must name at least one column", {
      field: "columns",
      value: columns,
    });
  }
  return columns.map((column) => {
    if (!Object.hasOwn(COLUMN_DEFINITIONS, column)) {
      throw new BtError(
        "VALIDATION",
        `report: unknown column ${JSON.stringify(column)}; known: ${CLOSED_SIGNAL_COLUMNS.join(", ")}`,
        { field: "columns", value: column },
      );
    }
    return COLUMN_DEFINITIONS[column];
  });
}
