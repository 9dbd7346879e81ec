// The column path of the 1m load: an exchange with getCandleColumns is read column-wise (same rules and
// messages as the getCandles batches, through candleSequence.ts); contiguous columns become the store
// as they are (views, no copy), so shared columns stay shared.

import {
  allocateCandleColumns,
  areCandleColumnsChecked,
  BtError,
  candleProblem,
  describeValue,
  type ICandleColumns,
  isWellFormedCandle,
  MINUTE_MS,
  MINUTE_RUN_PRICE_CANDLES,
  scanMinuteRun,
  sliceCandleColumns,
} from "@bt/core";
import {
  candlesError,
  finishStore,
  type ICandleLoadOptions,
  iso,
  missingMinutesBefore,
} from "./candleSequence";
import { type CandleStore, withCount } from "./candleStore";

/** The exchange's column form of the range, or null when it has none (then getCandles is used). */
export async function fetchCandleColumns(options: ICandleLoadOptions): Promise<ICandleColumns | null> {
  const { exchange, symbol, fromMs, toMs } = options;
  // An empty range is left to the batch path, which reports it the same way.
  if (typeof exchange.getCandleColumns !== "function" || Math.round((toMs - fromMs) / MINUTE_MS) <= 0)
    return null;
  const exchangeName = exchange.exchangeName;
  let columns: ICandleColumns | null | undefined;
  try {
    columns = await exchange.getCandleColumns(symbol, fromMs, toMs);
  } catch (error) {
    if (BtError.isInstance(error)) throw error;
    throw new BtError(
      "EXCHANGE",
      `exchange "${exchangeName}" getCandleColumns(${symbol}, ${iso(fromMs)}, ${iso(toMs)}) failed: ${(error as Error)?.message ?? String(error)}`,
      { adapter: exchangeName, cause: error },
    );
  }
  if (columns === null || columns === undefined) return null;
  const length = columns.timestamp instanceof Float64Array ? columns.timestamp.length : -1;
  const fields = ["timestamp", "open", "high", "low", "close", "volume"] as const;
  for (const field of fields) {
    const column: unknown = typeof columns === "object" ? columns[field] : undefined;
    if (!(column instanceof Float64Array) || column.length !== length) {
      throw new BtError(
        "EXCHANGE",
        `exchange "${exchangeName}" getCandleColumns(${symbol}) must return equal-length Float64Array columns, ${field} is ${describeValue(column)}`,
        { adapter: exchangeName, field, value: column },
      );
    }
  }
  return columns;
}

/**
 * Validates the exchange's columns row by row exactly like loadFromBatches, then builds the store. Columns
 * the exchange marked with core's markCandleColumnsChecked (it ran isWellFormedCandle on every row) skip
 * the value check; lengths, alignment, order, duplicates and gaps are still checked.
 */
export function loadFromColumns(options: ICandleLoadOptions, source: ICandleColumns): CandleStore {
  // With the default price window the price column is built in the same pass as the check.
  const prices =
    options.priceCandleCount === MINUTE_RUN_PRICE_CANDLES
      ? new Float64Array(source.timestamp.length + 1)
      : null;
  const run = contiguousRun(options, source, prices);
  if (run > 0) {
    const minutes = withCount(sliceCandleColumns(source, 0, run), run);
    const runPrices = prices === null ? undefined : prices.subarray(0, run + 1);
    return finishStore(options, minutes, source.timestamp[0] as number, 0, runPrices);
  }
  return loadRowByRow(options, source);
}

/**
 * The usual case in one tight pass (core's scanMinuteRun): the columns start inside [fromMs, toMs) on a
 * minute and every row is the next minute with well-formed values (skipped when the columns are marked
 * checked), priced into `prices` when given. Returns the number of rows before toMs, or 0 when any row
 * needs the row-by-row path (which finds and reports it).
 */
function contiguousRun(
  options: ICandleLoadOptions,
  source: ICandleColumns,
  prices: Float64Array | null,
): number {
  const { fromMs, toMs } = options;
  const length = source.timestamp.length;
  const firstMs = length > 0 ? (source.timestamp[0] as number) : Number.NaN;
  if (!(firstMs >= fromMs && firstMs < toMs) || firstMs % MINUTE_MS !== 0) return 0;
  const end = scanMinuteRun(source, 0, length, firstMs, toMs, areCandleColumnsChecked(source), prices);
  return Math.max(0, end);
}

/** Validates row by row (gaps, skipped rows, the first bad row's error), then builds the store. */
function loadRowByRow(options: ICandleLoadOptions, source: ICandleColumns): CandleStore {
  const { exchange, symbol, fromMs, toMs } = options;
  const exchangeName = exchange.exchangeName;
  const { timestamp, open, high, low, close, volume } = source;
  const length = timestamp.length;
  let firstMs = Number.NaN;
  let firstIndex = -1;
  let lastIndex = -1;
  let count = 0;
  let previousMs = Number.NEGATIVE_INFINITY;
  let filledMinutes = 0;
  // Views are possible while the accepted rows are one run of source indexes with no filled minute.
  let contiguous = true;
  const valuesChecked = areCandleColumnsChecked(source);
  for (let index = 0; index < length; index++) {
    const candleMs = timestamp[index] as number;
    if (!Number.isFinite(candleMs)) {
      throw candlesError(
        symbol,
        exchangeName,
        Number.NaN,
        `timestamp must be a finite epoch ms, got ${describeValue(candleMs)}`,
      );
    }
    if (candleMs < fromMs) {
      if (count > 0) contiguous = false;
      continue;
    }
    if (candleMs >= toMs) break;
    if (!valuesChecked) {
      const o = open[index] as number;
      const h = high[index] as number;
      const l = low[index] as number;
      const c = close[index] as number;
      const v = volume[index] as number;
      // Core's fast check (no allocation); candleProblem's message only when a row fails.
      if (!isWellFormedCandle(candleMs, o, h, l, c, v)) {
        const problem = candleProblem({ timestamp: candleMs, open: o, high: h, low: l, close: c, volume: v });
        if (problem !== null) throw candlesError(symbol, exchangeName, candleMs, problem);
      }
    }
    // The next minute (the usual case) needs no further sequence check.
    const missing =
      count > 0 && candleMs === previousMs + MINUTE_MS
        ? 0
        : missingMinutesBefore(options, candleMs, previousMs, count === 0);
    if (count === 0) {
      firstMs = candleMs;
      firstIndex = index;
    } else if (missing > 0) {
      filledMinutes += missing;
      count += missing;
      contiguous = false;
    }
    if (count > 0 && index !== lastIndex + 1) contiguous = false;
    count++;
    lastIndex = index;
    previousMs = candleMs;
  }
  if (count === 0 || contiguous) {
    const minutes = withCount(sliceCandleColumns(source, firstIndex, firstIndex + count), count);
    return finishStore(options, minutes, firstMs, filledMinutes);
  }
  // Gaps filled or rows skipped: copy the accepted rows (already validated) into contiguous arrays.
  const minutes = withCount(allocateCandleColumns(count), count);
  let target = 0;
  previousMs = Number.NEGATIVE_INFINITY;
  for (let index = firstIndex; index <= lastIndex; index++) {
    const candleMs = timestamp[index] as number;
    if (candleMs < fromMs) continue;
    if (target > 0) {
      const fillPrice = minutes.close[target - 1] as number;
      for (let fillMs = previousMs + MINUTE_MS; fillMs < candleMs; fillMs += MINUTE_MS) {
        minutes.timestamp[target] = fillMs;
        minutes.open[target] = fillPrice;
        minutes.high[target] = fillPrice;
        minutes.low[target] = fillPrice;
        minutes.close[target] = fillPrice;
        minutes.volume[target] = 0;
        target++;
      }
    }
    minutes.timestamp[target] = candleMs;
    minutes.open[target] = open[index] as number;
    minutes.high[target] = high[index] as number;
    minutes.low[target] = low[index] as number;
    minutes.close[target] = close[index] as number;
    minutes.volume[target] = volume[index] as number;
    target++;
    previousMs = candleMs;
  }
  return finishStore(options, minutes, firstMs, filledMinutes);
}
