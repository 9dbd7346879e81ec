// Display candles → the page's columns (UTC seconds and prices), checked: equal column lengths, finite
// values, strictly ascending times. The report embeds every candle given; downsampling is the caller's.

import { type CandleInterval, intervalToMs } from "@bt/core";
import { checkedNumber, reportInputError } from "./checkedNumber";
import type { IHtmlCandles } from "./htmlReportInput";

/** Candle columns for the page; `time` in UTC seconds. */
export interface IChartCandles {
  interval: CandleInterval;
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}

/** The candles with their open times in ms, for placing trades on them. */
export interface ICheckedCandles {
  chart: IChartCandles;
  timeMs: number[];
  intervalMs: number;
}

const PRICE_COLUMNS = ["open", "high", "low", "close"] as const;

/**
 * Checks and converts display candles.
 * @throws BtError VALIDATION naming the field for unequal column lengths, a non-finite value or a time
 * not after the previous one.
 */
export function candleSeries(candles: IHtmlCandles, field: string): ICheckedCandles {
  const length = candles.time.length;
  for (const column of PRICE_COLUMNS) {
    if (candles[column].length !== length) {
      throw reportInputError(
        `${field}.${column}`,
        `has ${candles[column].length} values, time has ${length}`,
        candles[column].length,
      );
    }
  }
  const timeMs: number[] = new Array(length);
  const chart: IChartCandles = {
    interval: candles.interval,
    time: new Array(length),
    open: new Array(length),
    high: new Array(length),
    low: new Array(length),
    close: new Array(length),
  };
  let previousSeconds = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < length; index++) {
    const openMs = checkedNumber(candles.time[index], `${field}.time[${index}]`);
    // The chart's time scale counts whole seconds: two candles in one second cannot both be drawn.
    const seconds = Math.floor(openMs / 1000);
    if (seconds <= previousSeconds) {
      throw reportInputError(
        `${field}.time[${index}]`,
        "must be at least one second after the previous candle's time",
        openMs,
      );
    }
    previousSeconds = seconds;
    timeMs[index] = openMs;
    chart.time[index] = seconds;
    for (const column of PRICE_COLUMNS) {
      chart[column][index] = checkedNumber(candles[column][index], `${field}.${column}[${index}]`);
    }
  }
  return { chart, timeMs, intervalMs: intervalToMs(candles.interval) };
}
