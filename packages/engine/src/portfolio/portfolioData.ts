// What Backtest.getData and getPortfolioData return of an account: the balance, the equity marked to
// market each minute with its statistics, and the ledger of every closed trade's money (core's
// accountLedger and computeEquityStatistics: the engine only gathers their inputs).

import {
  accountLedger,
  computeEquityStatistics,
  type IAccountTrade,
  type IEquityPoint,
  type IEquityStatistics,
  MINUTE_MS,
} from "@bt/core";
import type { RunAccount } from "./runAccount";

/** An account's figures, in quote currency. */
export interface IAccountData {
  initialBalance: number;
  /** Initial balance plus the realised PnL of every closed trade. */
  balance: number;
  maxOpenPositions: number;
  /**
   * Equity (balance plus open positions marked to market) at the frame's first minute, at every minute
   * where it changes, and at its last minute.
   */
  equity: ReadonlyArray<IEquityPoint>;
  /** Statistics of that equity (portfolio Sharpe, Sortino and drawdown on daily equity). */
  stats: IEquityStatistics;
  /** Every closed trade's money (stake, PnL, fees, slippage, balance after), in close order. */
  trades: ReadonlyArray<IAccountTrade>;
}

/** The equity points of `account`: first minute, each change, last minute. */
function equityPoints(account: RunAccount): IEquityPoint[] {
  const curve = account.equityCurve();
  const points: IEquityPoint[] = [];
  const startMs = account.periodStartMs;
  for (let minute = 0; minute < curve.length; minute++) {
    const equity = curve[minute] as number;
    if (minute === 0 || minute === curve.length - 1 || equity !== curve[minute - 1]) {
      points.push({ timeMs: startMs + minute * MINUTE_MS, equity });
    }
  }
  return points;
}

/** The figures of each account, as of its last close (getData of a portfolio's symbols share them). */
const figuresOf = new WeakMap<RunAccount, { closedCount: number; figures: IAccountData }>();

/**
 * The figures of `account` over every trade it closed; computed once per state of the account (a
 * portfolio's symbols and repeated getData calls share them). Read-only: the arrays are shared.
 */
export function accountData(account: RunAccount): IAccountData {
  const cached = figuresOf.get(account);
  if (cached !== undefined && cached.closedCount === account.closed.length) return cached.figures;
  const figures = computeAccountData(account);
  figuresOf.set(account, { closedCount: account.closed.length, figures });
  return figures;
}

function computeAccountData(account: RunAccount): IAccountData {
  const equity = equityPoints(account);
  return {
    initialBalance: account.initialBalance,
    balance: account.balance,
    maxOpenPositions: account.maxOpenPositions,
    equity,
    stats: computeEquityStatistics(equity, {
      periodStartMs: account.periodStartMs,
      periodEndMs: account.periodEndMs,
      initialBalance: account.initialBalance,
      tradeCount: account.closed.length,
    }),
    // Every backtest signal is staked (signal.cost), so the ledger needs no stake of its own.
    trades: accountLedger(
      account.closed.map((closed) => ({ closed, stake: null })),
      account.initialBalance,
      account.costs,
    ),
  };
}
