// What a run record keeps of an account and of the prices for its report: the account's balance,
// trades and equity (downsampled for the record; the statistics are computed on the full curve), and a
// few thousand display candles per symbol for the HTML report's chart.

import {
  CANDLE_INTERVALS,
  type CandleInterval,
  type IEquityPoint,
  type IExchangeSchema,
  intervalToMs,
} from "@bt/core";
import type { IAccountData } from "@bt/engine";
import type { IChartCandles, IRecordAccount } from "./runRecord";

/** Most equity points a record keeps. */
export const RECORD_EQUITY_POINTS = 4000;
/** Most chart candles a record keeps per symbol. */
export const CHART_CANDLES = 3000;

/**
 * `points` in at most `maxPoints`: the points in order, each bucket of consecutive points kept as its
 * lowest, highest and last point in time order (so neither a peak nor a drawdown's bottom is smoothed
 * away).
 */
export function downsampleEquity(points: ReadonlyArray<IEquityPoint>, maxPoints: number): IEquityPoint[] {
  if (points.length <= maxPoints) return [...points];
  const bucketSize = Math.ceil(points.length / Math.floor(maxPoints / 3));
  const kept: IEquityPoint[] = [];
  for (let start = 0; start < points.length; start += bucketSize) {
    const end = Math.min(points.length, start + bucketSize);
    let lowest = start;
    let highest = start;
    for (let index = start + 1; index < end; index++) {
      const equity = (points[index] as IEquityPoint).equity;
      if (equity < (points[lowest] as IEquityPoint).equity) lowest = index;
      if (equity > (points[highest] as IEquityPoint).equity) highest = index;
    }
    for (const index of [...new Set([lowest, highest, end - 1])].sort((left, right) => left - right)) {
      kept.push(points[index] as IEquityPoint);
    }
  }
  return kept;
}

/** The record of an account (equity downsampled to RECORD_EQUITY_POINTS). */
export function recordAccount(account: IAccountData): IRecordAccount {
  return {
    initialBalance: account.initialBalance,
    balance: account.balance,
    maxOpenPositions: account.maxOpenPositions,
    equity: downsampleEquity(account.equity, RECORD_EQUITY_POINTS),
    stats: account.stats,
    trades: account.trades,
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
): Promise<IChartCandles | string> {
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
