// What a run record keeps of an account and of the prices for its report: the account's balance,
// trades and equity (downsampled for the record; the statistics are computed on the full curve), and a
// few thousand display candles per symbol for the HTML report's chart.

import {
  CANDLE_INTERVALS,
  type CandleInterval,
  downsampleEquity,
  type IExchangeSchema,
  intervalToMs,
} from "@bt/core";
import type { IAccountData } from "@bt/engine";
import type { IHtmlCandles } from "@bt/report-html";
import type { IRecordAccount } from "./runRecord";

/** Most equity points a record keeps. */
export const RECORD_EQUITY_POINTS = 4000;
/** Most chart candles a record keeps per symbol. */
export const CHART_CANDLES = 3000;

/** The record of an account (equity downsampled to RECORD_EQUITY_POINTS). */
export function recordAccount(account: IAccountData): IRecordAccount {
  return {
    initialBalance: account.initialBalance,
    balance: account.balance,
    maxOpenPositions: account.maxOpenPositions,
    equity: downsampleEquity(account.equity, RECORD_EQUITY_POINTS),
    stats: account.stats,
    trades: [...account.trades],
  };
}

/** The finest interval giving at most CHART_CANDLES candles over [startMs, endMs). */
export function chartInterval(startMs: number, endMs: number): CandleInterval {
  for (const interval of CANDLE_INTERVALS) {
    if ((endMs - startMs) / intervalToMs(interval) <= CHART_CANDLES) return interval;
  }
  return CANDLE_INTERVALS[CANDLE_INTERVALS.length - 1] as CandleInterval;
}

/**
 * Display candles of `symbol` over the frame from the run's exchange, or a reason when it cannot give
 * them (the report then says so instead of drawing a chart).
 */
export async function chartCandles(
  exchange: IExchangeSchema,
  symbol: string,
  startMs: number,
  endMs: number,
): Promise<IHtmlCandles | string> {
  const interval = chartInterval(startMs, endMs);
  const count = Math.ceil((endMs - startMs) / intervalToMs(interval));
  try {
    const candles = await exchange.getCandles(symbol, interval, new Date(startMs), count);
    const inFrame = candles.filter((candle) => candle.timestamp >= startMs && candle.timestamp < endMs);
    return {
      interval,
      time: inFrame.map((candle) => candle.timestamp),
      open: inFrame.map((candle) => candle.open),
      high: inFrame.map((candle) => candle.high),
      low: inFrame.map((candle) => candle.low),
      close: inFrame.map((candle) => candle.close),
    };
  } catch (error) {
    return `exchange "${exchange.exchangeName}" gave no ${interval} candles of ${symbol}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
