// A ready-made optimizer source: indicator summaries of a training range's candles on several
// timeframes (return, volatility, SMA/EMA distance, RSI, ATR, range, volume), one row per interval,
// rendered as a compact markdown table for the model.

import {
  BtError,
  type CandleInterval,
  describeValue,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
  isCandleInterval,
  sampleStdDev,
} from "@bt/core";
import { describeRange, type IOptimizerRange } from "./optimizerRange";
import type { IOptimizerSource } from "./optimizerSchema";

/** Options of createCandleSummarySource. */
export interface ICandleSummarySourceOptions {
  /** Where candles come from: any exchange adapter (getCandles is used). */
  exchange: Pick<IExchangeSchema, "exchangeName" | "getCandles">;
  /** Timeframes summarised, one row each, e.g. ["15m", "1h", "4h"]. */
  intervals: CandleInterval[];
  /** Source name shown to the model; default "candle summary". */
  name?: string;
  /** SMA and EMA period, candles; default 20. */
  averagePeriod?: number;
  /** RSI period, candles; default 14. */
  rsiPeriod?: number;
  /** ATR period, candles; default 14. */
  atrPeriod?: number;
  /** Candles asked per exchange call; default 1000. */
  pageSize?: number;
}

/** One row of the candle summary: the indicators of one interval over the range; percents in %. */
export interface ICandleSummaryRow {
  interval: CandleInterval;
  /** Number of candles read. */
  candles: number;
  /** Open time of the first candle, ISO. */
  from: string;
  /** Open time of the last candle, ISO. */
  to: string;
  priceOpen: number;
  priceClose: number;
  priceHigh: number;
  priceLow: number;
  /** (last close / first open − 1) × 100. */
  returnPercent: number;
  /** Sample standard deviation of candle returns, %. */
  volatilityPercent: number | null;
  /** (close / SMA − 1) × 100 at the last candle. */
  smaDistancePercent: number | null;
  /** (close / EMA − 1) × 100 at the last candle. */
  emaDistancePercent: number | null;
  /** Wilder RSI (0 … 100) at the last candle. */
  rsi: number | null;
  /** Wilder ATR at the last candle as % of its close. */
  atrPercent: number | null;
  /** (high − low) / low × 100 over the range. */
  rangePercent: number;
  /** Total volume, base currency. */
  volumeTotal: number;
  /** Mean volume per candle, base currency. */
  volumeAverage: number;
}

function round(value: number | null, digits = 4): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function sma(values: number[], period: number): number | null {
  if (values.length < period) return null;
  return values.slice(-period).reduce((sum, value) => sum + value, 0) / period;
}

function ema(values: number[], period: number): number | null {
  if (values.length < period) return null;
  const k = 2 / (period + 1);
  let current = values.slice(0, period).reduce((sum, value) => sum + value, 0) / period;
  for (const value of values.slice(period)) current = value * k + current * (1 - k);
  return current;
}

function rsi(closes: number[], period: number): number | null {
  if (closes.length <= period) return null;
  let gain = 0;
  let loss = 0;
  for (let index = 1; index <= period; index += 1) {
    const change = (closes[index] ?? 0) - (closes[index - 1] ?? 0);
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  for (let index = period + 1; index < closes.length; index += 1) {
    const change = (closes[index] ?? 0) - (closes[index - 1] ?? 0);
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
  }
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

function atr(candles: ICandleData[], period: number): number | null {
  if (candles.length <= period) return null;
  const ranges: number[] = [];
  for (let index = 1; index < candles.length; index += 1) {
    const candle = candles[index] as ICandleData;
    const previous = (candles[index - 1] as ICandleData).close;
    ranges.push(
      Math.max(candle.high - candle.low, Math.abs(candle.high - previous), Math.abs(candle.low - previous)),
    );
  }
  let current = ranges.slice(0, period).reduce((sum, value) => sum + value, 0) / period;
  for (const value of ranges.slice(period)) current = (current * (period - 1) + value) / period;
  return current;
}

/** The summary row of `candles` (ascending, at least one). */
export function summarizeCandles(
  interval: CandleInterval,
  candles: ICandleData[],
  periods: { average: number; rsi: number; atr: number } = { average: 20, rsi: 14, atr: 14 },
): ICandleSummaryRow {
  const first = candles[0] as ICandleData;
  const last = candles[candles.length - 1] as ICandleData;
  const closes = candles.map((candle) => candle.close);
  const returns = closes.slice(1).map((close, index) => (close / (closes[index] as number) - 1) * 100);
  const volatility = sampleStdDev(returns);
  const high = Math.max(...candles.map((candle) => candle.high));
  const low = Math.min(...candles.map((candle) => candle.low));
  const volumeTotal = candles.reduce((sum, candle) => sum + candle.volume, 0);
  const smaValue = sma(closes, periods.average);
  const emaValue = ema(closes, periods.average);
  const atrValue = atr(candles, periods.atr);
  return {
    interval,
    candles: candles.length,
    from: new Date(first.timestamp).toISOString(),
    to: new Date(last.timestamp).toISOString(),
    priceOpen: first.open,
    priceClose: last.close,
    priceHigh: high,
    priceLow: low,
    returnPercent: round((last.close / first.open - 1) * 100) ?? 0,
    volatilityPercent: round(volatility),
    smaDistancePercent: smaValue === null ? null : round((last.close / smaValue - 1) * 100),
    emaDistancePercent: emaValue === null ? null : round((last.close / emaValue - 1) * 100),
    rsi: round(rsi(closes, periods.rsi), 2),
    atrPercent: atrValue === null ? null : round((atrValue / last.close) * 100),
    rangePercent: round(((high - low) / low) * 100) ?? 0,
    volumeTotal: round(volumeTotal, 2) ?? 0,
    volumeAverage: round(volumeTotal / candles.length, 4) ?? 0,
  };
}

const COLUMNS: ReadonlyArray<keyof ICandleSummaryRow> = [
  "interval",
  "candles",
  "returnPercent",
  "volatilityPercent",
  "smaDistancePercent",
  "emaDistancePercent",
  "rsi",
  "atrPercent",
  "rangePercent",
  "priceClose",
  "volumeAverage",
];

/** The rows as a markdown table under a heading. */
export function renderCandleSummary(
  symbol: string,
  rows: ICandleSummaryRow[],
  name: string,
  range: IOptimizerRange,
): string {
  const lines = [
    `${name} of ${symbol} for ${describeRange(range)}; percents in %, RSI 0-100, volumes in base currency:`,
    `| ${COLUMNS.join(" | ")} |`,
    `| ${COLUMNS.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${COLUMNS.map((column) => String(row[column] ?? "n/a")).join(" | ")} |`),
  ];
  return lines.join("\n");
}

/**
 * A source summarising the candles of each training range on several timeframes (one row per interval).
 * @throws BtError VALIDATION for an unknown interval or a bad period.
 * @example createCandleSummarySource({ exchange: createFileExchange({ dir: "examples/data" }), intervals: ["15m", "1h", "4h"] })
 */
export function createCandleSummarySource(
  options: ICandleSummarySourceOptions,
): IOptimizerSource<ICandleSummaryRow> {
  if (!Array.isArray(options.intervals) || options.intervals.length === 0) {
    throw new BtError(
      "VALIDATION",
      `candle summary: intervals must list at least one interval (got ${describeValue(options.intervals)})`,
      {
        field: "intervals",
        value: options.intervals,
      },
    );
  }
  for (const interval of options.intervals) {
    if (!isCandleInterval(interval)) {
      throw new BtError(
        "VALIDATION",
        `candle summary: intervals has an unknown interval ${describeValue(interval)}`,
        {
          field: "intervals",
          value: interval,
        },
      );
    }
  }
  const periods = {
    average: options.averagePeriod ?? 20,
    rsi: options.rsiPeriod ?? 14,
    atr: options.atrPeriod ?? 14,
  };
  for (const [field, value] of [
    ["averagePeriod", periods.average],
    ["rsiPeriod", periods.rsi],
    ["atrPeriod", periods.atr],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new BtError(
        "VALIDATION",
        `candle summary: ${field} must be a positive integer (got ${describeValue(value)})`,
        { field, value },
      );
    }
  }
  const pageSize = options.pageSize ?? 1000;
  const name = options.name ?? "candle summary";
  const cache = new Map<string, Promise<ICandleSummaryRow[]>>();

  const readCandles = async (
    symbol: string,
    interval: CandleInterval,
    startMs: number,
    endMs: number,
  ): Promise<ICandleData[]> => {
    const candles: ICandleData[] = [];
    let since = startMs;
    while (since < endMs) {
      const page = await options.exchange.getCandles(symbol, interval, new Date(since), pageSize);
      const inRange = page.filter(
        (candle) => candle.timestamp >= since && candle.timestamp + intervalToMs(interval) <= endMs,
      );
      candles.push(...inRange);
      const last = page[page.length - 1];
      if (page.length < pageSize || last === undefined) break;
      since = last.timestamp + intervalToMs(interval);
    }
    return candles;
  };

  const summaries = (symbol: string, range: IOptimizerRange): Promise<ICandleSummaryRow[]> => {
    const key = `${symbol}\0${range.startDate.getTime()}\0${range.endDate.getTime()}`;
    let rows = cache.get(key);
    if (rows === undefined) {
      rows = (async () => {
        const result: ICandleSummaryRow[] = [];
        for (const interval of options.intervals) {
          const candles = await readCandles(
            symbol,
            interval,
            range.startDate.getTime(),
            range.endDate.getTime(),
          );
          if (candles.length > 0) result.push(summarizeCandles(interval, candles, periods));
        }
        return result;
      })();
      cache.set(key, rows);
    }
    return rows;
  };

  return {
    name,
    async fetch({ symbol, startDate, endDate, limit, offset }) {
      const rows = await summaries(symbol, { startDate, endDate });
      return rows.slice(offset, offset + limit);
    },
    user: (symbol, rows, sourceName, range) => renderCandleSummary(symbol, rows, sourceName, range),
  };
}
