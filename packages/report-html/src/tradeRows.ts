// Closed results of one run → checked trade rows: every number the report shows or draws for a trade,
// finite, with its money (matched by signalId) and its partial exits. Markers and the table read these.

import type { CloseReason, PartialReason, SignalPosition } from "@bt/core";
import { checkedNumber, reportInputError } from "./checkedNumber";
import type { IHtmlRun, IHtmlTradeMoney } from "./htmlReportInput";

/** A partial exit of a trade. */
export interface ITradePartialExit {
  atMs: number;
  price: number;
  /** Share of the then-open size it closed, in (0, 1). */
  fraction: number;
  reason: PartialReason;
}

/** One closed trade as the report shows it. */
export interface ITradeRow {
  /** 1-based position in the run's close order. */
  number: number;
  signalId: string;
  position: SignalPosition;
  openMs: number;
  closeMs: number;
  /** The first entry's price (where the entry marker sits). */
  priceOpen: number;
  /** The cost-weighted average entry price (pnl.priceOpen). */
  priceOpenAverage: number;
  priceClose: number;
  priceTakeProfit: number;
  priceStopLoss: number;
  closeReason: CloseReason;
  pnlPercent: number;
  holdingMinutes: number;
  money: IHtmlTradeMoney | null;
  partialExits: ITradePartialExit[];
  note: string;
}

function checkedMoney(money: IHtmlTradeMoney, field: string): IHtmlTradeMoney {
  return {
    signalId: money.signalId,
    cost: checkedNumber(money.cost, `${field}.cost`),
    pnlCost: checkedNumber(money.pnlCost, `${field}.pnlCost`),
    feeCost: money.feeCost === null ? null : checkedNumber(money.feeCost, `${field}.feeCost`),
    balanceAfter: checkedNumber(money.balanceAfter, `${field}.balanceAfter`),
  };
}

/**
 * The run's trades in the given (close) order.
 * @throws BtError VALIDATION naming the field (e.g. `runs[0].closed[3].pnl.pnlPercentage`) for a
 * non-finite number, a close before the open, or two money entries for one signalId.
 */
export function tradeRows(run: IHtmlRun, field: string): ITradeRow[] {
  const moneyById = new Map<string, IHtmlTradeMoney>();
  (run.money ?? []).forEach((money, index) => {
    const moneyField = `${field}.money[${index}]`;
    if (moneyById.has(money.signalId)) {
      throw reportInputError(`${moneyField}.signalId`, "appears twice", money.signalId);
    }
    moneyById.set(money.signalId, checkedMoney(money, moneyField));
  });
  return run.closed.map((result, index) => {
    const at = `${field}.closed[${index}]`;
    const { signal, pnl } = result;
    const openMs = checkedNumber(signal.pendingAt, `${at}.signal.pendingAt`);
    const closeMs = checkedNumber(result.timestamp, `${at}.timestamp`);
    if (closeMs < openMs)
      throw reportInputError(`${at}.timestamp`, "must not be before signal.pendingAt", closeMs);
    const partialExits: ITradePartialExit[] = [];
    (signal.fills ?? []).forEach((fill, fillIndex) => {
      if (fill.kind !== "exit") return;
      const fillAt = `${at}.signal.fills[${fillIndex}]`;
      partialExits.push({
        atMs: checkedNumber(fill.at, `${fillAt}.at`),
        price: checkedNumber(fill.price, `${fillAt}.price`),
        fraction: checkedNumber(fill.fraction, `${fillAt}.fraction`),
        reason: fill.reason,
      });
    });
    return {
      number: index + 1,
      signalId: signal.id,
      position: signal.position,
      openMs,
      closeMs,
      priceOpen: checkedNumber(signal.priceOpen, `${at}.signal.priceOpen`),
      priceOpenAverage: checkedNumber(pnl.priceOpen, `${at}.pnl.priceOpen`),
      priceClose: checkedNumber(pnl.priceClose, `${at}.pnl.priceClose`),
      priceTakeProfit: checkedNumber(signal.priceTakeProfit, `${at}.signal.priceTakeProfit`),
      priceStopLoss: checkedNumber(signal.priceStopLoss, `${at}.signal.priceStopLoss`),
      closeReason: result.closeReason,
      pnlPercent: checkedNumber(pnl.pnlPercentage, `${at}.pnl.pnlPercentage`),
      holdingMinutes: (closeMs - openMs) / 60_000,
      money: moneyById.get(signal.id) ?? null,
      partialExits,
      note: signal.note ?? "",
    };
  });
}
