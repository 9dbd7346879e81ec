// The configurable columns of the closed-signals table: each column id names a header, an alignment
// and how a closed result prints in it. A figure a trade does not have (money of an unsized trade,
// excursions of a trade recorded before bt tracked them) prints "N/A (why)", never a made-up number.
// With the account's money (ClosedTradeMoney per signal id) the money columns print the account's
// figures: stake, net PnL, fees and the balance after each trade.

import { BtError, type IStrategyTickResultClosed, type ITradeMoney } from "@bt/core";
import {
  formatCount,
  formatMinutes,
  formatMoney,
  formatPercent,
  formatPrice,
  formatTime,
  NOT_AVAILABLE,
} from "./formatValue";
import type { IMarkdownColumn } from "./markdownTable";
import { recordedFills } from "./positionFillsTable";

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
  | "pnlCost"
  | "cost"
  | "entries"
  | "partialExits"
  | "mfe"
  | "mae"
  | "note"
  | "stake"
  | "fees"
  | "slippage"
  | "balanceAfter";

/** The account's money of one closed trade (an IAccountTrade of @bt/core's accountLedger fits). */
export type ClosedTradeMoney = ITradeMoney & {
  /** The account's balance after this trade, quote. */
  balanceAfter: number;
};

/** The account's money of closed trades by signal id (`moneyBySignalId(accountLedger(…))`). */
export type ClosedTradeMoneyMap = ReadonlyMap<string, ClosedTradeMoney>;

interface IColumnDefinition extends IMarkdownColumn {
  /** `money`: the map given to the report (undefined: none given). */
  cell: (result: IStrategyTickResultClosed, money: ClosedTradeMoneyMap | undefined) => string;
}

/** What a money cell of an unsized trade says: it has no cost to measure money in. */
export const UNSIZED_MONEY = `${NOT_AVAILABLE} (unsized)`;

/** What an excursion cell of an upgraded old trade says. */
export const UNTRACKED_EXCURSION = `${NOT_AVAILABLE} (recorded before bt tracked it)`;

/** What an account-money cell says when the report was given no account money. */
export const NO_ACCOUNT_MONEY = `${NOT_AVAILABLE} (no account money given)`;

/** What an account-money cell says for a trade the given account money does not hold. */
export const NOT_IN_LEDGER = `${NOT_AVAILABLE} (trade not in the account ledger)`;

function moneyCell(value: number | null | undefined): string {
  return value === null || value === undefined ? UNSIZED_MONEY : formatMoney(value);
}

/** A cell of the account's money: a figure of the trade's ClosedTradeMoney, N/A with the reason without one. */
function accountCell(
  result: IStrategyTickResultClosed,
  money: ClosedTradeMoneyMap | undefined,
  key: "cost" | "pnlCost" | "feeCost" | "slippageCost" | "balanceAfter",
): string {
  if (money === undefined) return NO_ACCOUNT_MONEY;
  const entry = money.get(result.signal.id);
  if (entry === undefined) return NOT_IN_LEDGER;
  const value = entry[key];
  if (value === null) {
    const reason = key === "feeCost" || key === "slippageCost" ? entry.unavailable[key] : undefined;
    return reason === undefined ? NOT_AVAILABLE : `${NOT_AVAILABLE} (${reason})`;
  }
  return formatMoney(value);
}

function excursionCell(value: number | null | undefined): string {
  // undefined too: a record read without the engine's upgrade has no field at all.
  return value === null || value === undefined ? UNTRACKED_EXCURSION : formatPercent(value);
}

function fillCount(result: IStrategyTickResultClosed, kind: "entry" | "exit"): string {
  return formatCount(recordedFills(result.signal).filter((fill) => fill.kind === kind).length);
}

function minutesInPosition(result: IStrategyTickResultClosed): number {
  const minutes = result.pnl.minutesInPosition;
  return Number.isFinite(minutes) ? minutes : (result.timestamp - result.signal.pendingAt) / 60_000;
}

const COLUMN_DEFINITIONS: Readonly<Record<ClosedSignalColumn, IColumnDefinition>> = {
  id: { header: "Id", cell: (result) => result.signal.id },
  symbol: { header: "Symbol", cell: (result) => result.symbol },
  strategy: { header: "Strategy", cell: (result) => result.strategyName },
  openTime: { header: "Open time (UTC)", cell: (result) => formatTime(result.signal.pendingAt) },
  closeTime: { header: "Close time (UTC)", cell: (result) => formatTime(result.timestamp) },
  holdingMinutes: {
    header: "Time in position",
    align: "right",
    cell: (result) => formatMinutes(minutesInPosition(result)),
  },
  side: { header: "Side", cell: (result) => result.signal.position },
  priceOpen: { header: "Price open", align: "right", cell: (result) => formatPrice(result.pnl.priceOpen) },
  priceClose: { header: "Price close", align: "right", cell: (result) => formatPrice(result.pnl.priceClose) },
  takeProfit: { header: "TP", align: "right", cell: (result) => formatPrice(result.signal.priceTakeProfit) },
  stopLoss: { header: "SL", align: "right", cell: (result) => formatPrice(result.signal.priceStopLoss) },
  reason: { header: "Reason", cell: (result) => result.closeReason },
  pnl: { header: "PnL %", align: "right", cell: (result) => formatPercent(result.pnl.pnlPercentage) },
  pnlCost: {
    header: "PnL (quote)",
    align: "right",
    // With account money, an unsized trade has the money its stake gave it.
    cell: (result, money) =>
      money === undefined ? moneyCell(result.pnl.pnlCost) : accountCell(result, money, "pnlCost"),
  },
  cost: { header: "Cost (quote)", align: "right", cell: (result) => moneyCell(result.pnl.costTotal) },
  entries: { header: "Entries", align: "right", cell: (result) => fillCount(result, "entry") },
  partialExits: { header: "Partial exits", align: "right", cell: (result) => fillCount(result, "exit") },
  mfe: { header: "MFE %", align: "right", cell: (result) => excursionCell(result.pnl.mfePercent) },
  mae: { header: "MAE %", align: "right", cell: (result) => excursionCell(result.pnl.maePercent) },
  note: { header: "Note", cell: (result) => result.signal.note },
  stake: {
    header: "Stake (quote)",
    align: "right",
    cell: (result, money) => accountCell(result, money, "cost"),
  },
  fees: {
    header: "Fees (quote)",
    align: "right",
    cell: (result, money) => accountCell(result, money, "feeCost"),
  },
  slippage: {
    header: "Slippage (quote)",
    align: "right",
    cell: (result, money) => accountCell(result, money, "slippageCost"),
  },
  balanceAfter: {
    header: "Balance after (quote)",
    align: "right",
    cell: (result, money) => accountCell(result, money, "balanceAfter"),
  },
};

/**
 * Columns of the closed-signals table when none are given: the trade, its percent and money result and
 * its excursions. Opt-in: id, symbol, strategy, holdingMinutes, cost, entries, partialExits (the fills
 * of a DCA or partially closed trade are listed under the table anyway).
 */
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
  "pnlCost",
  "mfe",
  "mae",
  "note",
];

/**
 * Columns of the closed-signals table when the account's money is given and no columns are: the
 * defaults with the stake (quote the account put in, all entries) before the percent result, and the
 * fees and the balance after each trade after its money result.
 */
export const DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS: ReadonlyArray<ClosedSignalColumn> = [
  "openTime",
  "closeTime",
  "side",
  "priceOpen",
  "priceClose",
  "takeProfit",
  "stopLoss",
  "reason",
  "stake",
  "pnl",
  "pnlCost",
  "fees",
  "balanceAfter",
  "mfe",
  "mae",
  "note",
];

/**
 * The account money of a ledger by signal id, for the reports' `money` option.
 * @throws BtError VALIDATION when a signal id appears twice.
 * @example renderBacktestReport(closed, { money: moneyBySignalId(accountLedger(trades, 1000, costs)) })
 */
export function moneyBySignalId(
  ledger: ReadonlyArray<ClosedTradeMoney & { signalId: string }>,
): Map<string, ClosedTradeMoney> {
  const map = new Map<string, ClosedTradeMoney>();
  for (const entry of ledger) {
    if (map.has(entry.signalId)) {
      throw new BtError("VALIDATION", `report: signal id ${entry.signalId} appears twice in the ledger`, {
        field: "money",
        value: entry.signalId,
      });
    }
    map.set(entry.signalId, entry);
  }
  return map;
}

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
