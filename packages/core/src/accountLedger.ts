// The account ledger: every closed trade of an account (one or several symbols sharing one balance)
// with its money, in close order, and the balance after each. Realised money only: open positions are
// valued by the equity curve (computeEquityStatistics), not here.

import { BtError } from "./btError";
import type { IPnlCosts } from "./pnl";
import type { IStrategyTickResultClosed } from "./tickResult";
import { type ITradeMoney, tradeMoney } from "./tradeMoney";

/** One closed trade of an account ledger (money in quote currency, times epoch ms). */
export interface IAccountTrade extends ITradeMoney {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  /** The signal's id (unique within a ledger). */
  signalId: string;
  /** When the position opened (signal.pendingAt), epoch ms. */
  openedAt: number;
  /** When it closed (the closed result's timestamp), epoch ms. */
  closedAt: number;
  /** Net result in percent of the cost of all entries (pnl.pnlPercentage). */
  pnlPercentage: number;
  /** initialBalance + Σ pnlCost of this trade and every trade before it in ledger order, quote. */
  balanceAfter: number;
}

/** One trade handed to accountLedger: the closed result and the stake the account gave it (see tradeMoney). */
export interface IAccountLedgerEntry {
  closed: IStrategyTickResultClosed;
  /** Quote cost the account assigned to an unsized signal's first entry; null for a sized one. */
  stake: number | null;
}

/** Ledger order: close time, then open time, symbol, strategy and signal id (a total order). */
function ledgerOrder(left: IAccountTrade, right: IAccountTrade): number {
  return (
    left.closedAt - right.closedAt ||
    left.openedAt - right.openedAt ||
    compareText(left.symbol, right.symbol) ||
    compareText(left.strategyName, right.strategyName) ||
    compareText(left.signalId, right.signalId)
  );
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The ledger of an account starting at `initialBalance` (quote, finite and > 0): each trade's money
 * (tradeMoney with `costs`), ordered by close time (ties: open time, symbol, strategy, signal id), with
 * balanceAfter = initialBalance + the running Σ pnlCost.
 * @throws BtError VALIDATION for a bad initialBalance, a duplicate signal id, a non-finite time, or
 * anything tradeMoney rejects (an unsized trade without a stake names the field "trades[i].stake").
 * @example
 * const ledger = accountLedger([{ closed, stake: 100 }], 1000, { feePercent: 0.1, slippagePercent: 0.1 });
 * ledger.at(-1)?.balanceAfter; // 1000 + that trade's pnlCost
 */
export function accountLedger(
  trades: ReadonlyArray<IAccountLedgerEntry>,
  initialBalance: number,
  costs: IPnlCosts,
): IAccountTrade[] {
  if (!Number.isFinite(initialBalance) || !(initialBalance > 0)) {
    throw new BtError(
      "VALIDATION",
      `accountLedger: initialBalance must be a finite number > 0, got ${initialBalance}`,
      { field: "initialBalance", value: initialBalance },
    );
  }
  const seen = new Set<string>();
  const rows = trades.map((entry, index): IAccountTrade => {
    const { closed } = entry;
    const signalId = closed.signal.id;
    if (seen.has(signalId)) {
      throw new BtError(
        "VALIDATION",
        `accountLedger: signal id ${signalId} appears twice (trades[${index}])`,
        {
          field: `trades[${index}].closed.signal.id`,
          value: signalId,
        },
      );
    }
    seen.add(signalId);
    for (const [field, value] of [
      ["closed.timestamp", closed.timestamp],
      ["closed.signal.pendingAt", closed.signal.pendingAt],
    ] as const) {
      if (!Number.isFinite(value)) {
        throw new BtError(
          "VALIDATION",
          `accountLedger: trades[${index}].${field} must be a finite epoch ms, got ${value}`,
          {
            field: `trades[${index}].${field}`,
            value,
          },
        );
      }
    }
    let money: ITradeMoney;
    try {
      money = tradeMoney(closed, entry.stake, costs);
    } catch (error) {
      if (!BtError.isInstance(error) || error.field === undefined) throw error;
      // Name the trade in the field, so "stake" reads "trades[3].stake".
      const field = error.field.startsWith("costs.") ? error.field : `trades[${index}].${error.field}`;
      throw new BtError(error.code, `accountLedger: trades[${index}]: ${error.message}`, {
        field,
        value: error.value,
        cause: error,
      });
    }
    return {
      ...money,
      symbol: closed.symbol,
      strategyName: closed.strategyName,
      exchangeName: closed.exchangeName,
      signalId,
      openedAt: closed.signal.pendingAt,
      closedAt: closed.timestamp,
      pnlPercentage: closed.pnl.pnlPercentage,
      balanceAfter: Number.NaN,
    };
  });
  rows.sort(ledgerOrder);
  let balance = initialBalance;
  for (const row of rows) {
    balance += row.pnlCost;
    row.balanceAfter = balance;
  }
  return rows;
}
