// What Backtest.getPortfolioData and getData return of an account: the balance, the equity marked to
// market each minute, and each closed trade's money in quote currency, in close order.

import { type IStrategyTickResultClosed, MINUTE_MS } from "@bt/core";
import type { IBacktestData } from "../backtest/backtestApi";
import type { IPortfolioRunRecord } from "./portfolioRunner";
import type { RunAccount } from "./runAccount";

/** Equity in quote currency at a minute. */
export interface IEquityPoint {
  timeMs: number;
  equity: number;
}

/** One closed trade's money, in quote currency (fees and slippage included in pnlCost). */
export interface IAccountTradeMoney {
  symbol: string;
  signalId: string;
  closedAt: number;
  /** The stake: the cost of every entry. */
  cost: number;
  pnlCost: number;
  /** The account's balance right after this close. */
  balanceAfter: number;
}

/** An account's figures. */
export interface IAccountData {
  initialBalance: number;
  /** Initial balance plus the realised PnL of every closed trade. */
  balance: number;
  maxOpenPositions: number;
  /**
   * Equity (balance plus open positions marked to market) at the frame's first minute, at every minute
   * where it changes, and at its last minute.
   */
  equity: IEquityPoint[];
  trades: IAccountTradeMoney[];
}

/** The latest portfolio run of a strategy. */
export interface IPortfolioData {
  strategyName: string;
  exchangeName: string;
  frameName: string;
  symbols: string[];
  account: IAccountData;
  /** Each symbol's data (getData), in `symbols` order. */
  runs: IBacktestData[];
  /** The error that ended the run, or null. */
  error: Error | null;
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

/** The account's figures over `closed` (every trade the account staked). */
export function accountData(
  account: RunAccount,
  closed: ReadonlyArray<IStrategyTickResultClosed>,
): IAccountData {
  const ordered = [...closed].sort(
    (left, right) => left.timestamp - right.timestamp || left.symbol.localeCompare(right.symbol),
  );
  let balance = account.initialBalance;
  const trades = ordered.map((trade) => {
    const pnlCost = trade.pnl.pnlCost ?? 0;
    balance += pnlCost;
    return {
      symbol: trade.symbol,
      signalId: trade.signal.id,
      closedAt: trade.timestamp,
      cost: trade.pnl.costTotal ?? 0,
      pnlCost,
      balanceAfter: balance,
    };
  });
  return {
    initialBalance: account.initialBalance,
    balance: account.balance,
    maxOpenPositions: account.maxOpenPositions,
    equity: equityPoints(account),
    trades,
  };
}

/** The data of a portfolio run record. */
export function portfolioData(
  record: IPortfolioRunRecord,
  dataOf: (symbol: string) => IBacktestData,
): IPortfolioData {
  const runs = record.symbols.filter((_, index) => record.runs[index] !== undefined).map(dataOf);
  return {
    strategyName: record.strategyName,
    exchangeName: record.exchangeName,
    frameName: record.frameName,
    symbols: [...record.symbols],
    account: accountData(
      record.account,
      runs.flatMap((run) => run.closed),
    ),
    runs,
    error: record.error,
  };
}
