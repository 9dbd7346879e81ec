// Loads 1m candles for [fromMs, toMs) from an exchange schema in large batches (paginated by `since`)
// into a CandleStore, validating as it goes: malformed values (NaN, non-positive, high < low),
// misaligned, out-of-order or duplicate timestamps, and gaps are BtError("CANDLES") naming the
// symbol and the timestamp. Gaps can instead be filled with flat zero-volume candles (gapPolicy "fill").
// An exchange with getCandleColumns is read column-wise instead (same rules, same messages, same store);
// contiguous columns are used as they are (views, no copy), so shared columns stay shared.

import {
  BtError,
  candleProblem,
  describeValue,
  type ICandleData,
  type ICandleColumns as ICoreCandleColumns,
  type IExchangeSchema,
  type ILogger,
  MINUTE_MS,
} from "@bt/core";
import { CandleStore, type ICandleColumns } from "./candleStore";

/** What to do with missing minutes inside the data: fail (default) or fill with flat zero-volume candles. */
export type GapPolicy = "error" | "fill";

/** Options of one load. */
export interface ICandleLoadOptions {
  exchange: IExchangeSchema;
  symbol: string;
  /** First minute wanted (warm-up included), epoch ms aligned to the minute. */
  fromMs: number;
  /** End of the range (exclusive), epoch ms aligned to the minute. */
  toMs: number;
  /** The data must start at or before this minute (the first price of the frame needs it). */
  requiredFromMs: number;
  /** Candles per exchange call. */
  batchSize: number;
  gapPolicy: GapPolicy;
  /** CC_AVG_PRICE_CANDLES_COUNT. */
  priceCandleCount: number;
  logger: ILogger;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

function candlesError(symbol: string, exchangeName: string, timestampMs: number, message: string): BtError {
  return new BtError(
    "CANDLES",
    `Candles of ${symbol} from exchange "${exchangeName}" at ${iso(timestampMs)}: ${message}`,
    {
      field: "timestamp",
      value: timestampMs,
      adapter: exchangeName,
    },
  );
}

/**
 * Fetches, validates and stores the 1m candles of [fromMs, toMs).
 * @throws BtError CANDLES for invalid data or missing minutes, EXCHANGE when getCandles fails.
 */
export async function loadCandleStore(options: ICandleLoadOptions): Promise<CandleStore> {
  const columns = await fetchCandleColumns(options);
  if (columns !== null) return loadFromColumns(options, columns);
  return loadFromBatches(options);
}

/** The exchange's column form of the range, or null when it has none (then getCandles is used). */
async function fetchCandleColumns(options: ICandleLoadOptions): Promise<ICoreCandleColumns | null> {
  const { exchange, symbol, fromMs, toMs } = options;
  // An empty range is left to the batch path, which reports it the same way.
  if (typeof exchange.getCandleColumns !== "function" || Math.round((toMs - fromMs) / MINUTE_MS) <= 0)
    return null;
  const exchangeName = exchange.exchangeName;
  let columns: ICoreCandleColumns | null | undefined;
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
 * Checks that a row opening at `candleMs` may follow the row at `previousMs` (aligned to a minute, no duplicate,
 * in order) and returns how many 1m candles are missing between them: 0 for the first or a contiguous row.
 * Both load paths call it, so their rules and messages cannot drift apart.
 * @throws BtError CANDLES naming symbol and timestamp; a gap throws unless gapPolicy is "fill".
 */
function missingMinutesBefore(
  options: ICandleLoadOptions,
  candleMs: number,
  previousMs: number,
  first: boolean,
): number {
  const { symbol, gapPolicy } = options;
  const exchangeName = options.exchange.exchangeName;
  if (candleMs % MINUTE_MS !== 0) {
    throw candlesError(symbol, exchangeName, candleMs, "open time is not aligned to a minute");
  }
  if (candleMs === previousMs) throw candlesError(symbol, exchangeName, candleMs, "duplicate candle");
  if (candleMs < previousMs) {
    throw candlesError(symbol, exchangeName, candleMs, `out of order: it comes after ${iso(previousMs)}`);
  }
  if (first || candleMs === previousMs + MINUTE_MS) return 0;
  const missing = (candleMs - previousMs) / MINUTE_MS - 1;
  if (gapPolicy === "error") {
    throw candlesError(
      symbol,
      exchangeName,
      previousMs + MINUTE_MS,
      `gap of ${missing} missing 1m candle(s) before ${iso(candleMs)} (pass gapPolicy: "fill" to fill gaps with flat zero-volume candles)`,
    );
  }
  return missing;
}

/** Validates the exchange's columns row by row exactly like loadFromBatches, then builds the store. */
function loadFromColumns(options: ICandleLoadOptions, source: ICoreCandleColumns): CandleStore {
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
    const o = open[index] as number;
    const h = high[index] as number;
    const l = low[index] as number;
    const c = close[index] as number;
    const v = volume[index] as number;
    // The fast form of candleProblem (NaN fails every comparison); its message when a row fails.
    if (
      !(o > 0 && h > 0 && l > 0 && c > 0 && v >= 0) ||
      o === Number.POSITIVE_INFINITY ||
      h === Number.POSITIVE_INFINITY ||
      l === Number.POSITIVE_INFINITY ||
      c === Number.POSITIVE_INFINITY ||
      v === Number.POSITIVE_INFINITY ||
      h < l ||
      l > Math.min(o, c) ||
      h < Math.max(o, c)
    ) {
      const problem = candleProblem({ timestamp: candleMs, open: o, high: h, low: l, close: c, volume: v });
      if (problem !== null) throw candlesError(symbol, exchangeName, candleMs, problem);
    }
    const missing = missingMinutesBefore(options, candleMs, previousMs, count === 0);
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
    const minutes: ICandleColumns = {
      timestamp: timestamp.subarray(firstIndex, firstIndex + count),
      open: open.subarray(firstIndex, firstIndex + count),
      high: high.subarray(firstIndex, firstIndex + count),
      low: low.subarray(firstIndex, firstIndex + count),
      close: close.subarray(firstIndex, firstIndex + count),
      volume: volume.subarray(firstIndex, firstIndex + count),
      count,
    };
    return finishStore(options, minutes, firstMs, filledMinutes);
  }
  // Gaps filled or rows skipped: copy the accepted rows (already validated) into contiguous arrays.
  const minutes = {
    timestamp: new Float64Array(count),
    open: new Float64Array(count),
    high: new Float64Array(count),
    low: new Float64Array(count),
    close: new Float64Array(count),
    volume: new Float64Array(count),
    count,
  };
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

/** Fetches getCandles batches, validating and copying each candle into new columns. */
async function loadFromBatches(options: ICandleLoadOptions): Promise<CandleStore> {
  const { exchange, symbol, fromMs, toMs, batchSize } = options;
  const exchangeName = exchange.exchangeName;
  const capacity = Math.max(0, Math.round((toMs - fromMs) / MINUTE_MS));
  const timestamp = new Float64Array(capacity);
  const open = new Float64Array(capacity);
  const high = new Float64Array(capacity);
  const low = new Float64Array(capacity);
  const close = new Float64Array(capacity);
  const volume = new Float64Array(capacity);
  let firstMs = Number.NaN;
  let count = 0;
  let previousMs = Number.NEGATIVE_INFINITY;
  let filledMinutes = 0;

  const push = (candleMs: number, o: number, h: number, l: number, c: number, v: number) => {
    timestamp[count] = candleMs;
    open[count] = o;
    high[count] = h;
    low[count] = l;
    close[count] = c;
    volume[count] = v;
    count++;
  };

  let sinceMs = fromMs;
  let done = capacity === 0;
  while (!done) {
    let batch: ICandleData[];
    try {
      batch = await exchange.getCandles(symbol, "1m", new Date(sinceMs), batchSize);
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      throw new BtError(
        "EXCHANGE",
        `exchange "${exchangeName}" getCandles(${symbol}, 1m, ${iso(sinceMs)}, ${batchSize}) failed: ${(error as Error)?.message ?? String(error)}`,
        { adapter: exchangeName, cause: error },
      );
    }
    if (!Array.isArray(batch)) {
      throw new BtError(
        "EXCHANGE",
        `exchange "${exchangeName}" getCandles(${symbol}, 1m, ${iso(sinceMs)}) must return an array, got ${describeValue(batch)}`,
        { adapter: exchangeName, value: batch },
      );
    }
    for (const candle of batch) {
      const candleMs = candle?.timestamp;
      if (typeof candleMs !== "number" || !Number.isFinite(candleMs)) {
        throw candlesError(
          symbol,
          exchangeName,
          Number.NaN,
          `timestamp must be a finite epoch ms, got ${describeValue(candleMs)}`,
        );
      }
      if (candleMs < fromMs) continue;
      if (candleMs >= toMs) {
        done = true;
        break;
      }
      const problem = candleProblem(candle);
      if (problem !== null) throw candlesError(symbol, exchangeName, candleMs, problem);
      const missing = missingMinutesBefore(options, candleMs, previousMs, count === 0);
      if (count === 0) {
        firstMs = candleMs;
      } else if (missing > 0) {
        const fillPrice = close[count - 1] as number;
        for (let fillMs = previousMs + MINUTE_MS; fillMs < candleMs; fillMs += MINUTE_MS) {
          push(fillMs, fillPrice, fillPrice, fillPrice, fillPrice, 0);
        }
        filledMinutes += missing;
      }
      push(candleMs, candle.open, candle.high, candle.low, candle.close, candle.volume);
      previousMs = candleMs;
    }
    if (batch.length < batchSize) done = true;
    if (!done) {
      const lastMs = batch[batch.length - 1]?.timestamp ?? sinceMs;
      if (lastMs < sinceMs) {
        throw candlesError(
          symbol,
          exchangeName,
          lastMs,
          `getCandles(since ${iso(sinceMs)}) returned candles before since`,
        );
      }
      sinceMs = Math.max(lastMs + MINUTE_MS, sinceMs + MINUTE_MS);
      if (sinceMs >= toMs) done = true;
    }
  }

  return finishStore(
    options,
    {
      timestamp: timestamp.subarray(0, count),
      open: open.subarray(0, count),
      high: high.subarray(0, count),
      low: low.subarray(0, count),
      close: close.subarray(0, count),
      volume: volume.subarray(0, count),
      count,
    },
    firstMs,
    filledMinutes,
  );
}

/** Checks the range coverage of validated 1m columns, reports filled minutes and builds the store. */
function finishStore(
  options: ICandleLoadOptions,
  minutes: ICandleColumns,
  firstMs: number,
  filledMinutes: number,
): CandleStore {
  const { exchange, symbol, fromMs, toMs, requiredFromMs } = options;
  const exchangeName = exchange.exchangeName;
  const count = minutes.count;
  if (count === 0) {
    throw candlesError(symbol, exchangeName, fromMs, `no 1m candles in [${iso(fromMs)}, ${iso(toMs)})`);
  }
  if (firstMs > requiredFromMs) {
    throw candlesError(
      symbol,
      exchangeName,
      firstMs,
      `data starts too late: the first 1m candle is at ${iso(firstMs)}, the frame needs candles from ${iso(requiredFromMs)}`,
    );
  }
  const lastMs = firstMs + (count - 1) * MINUTE_MS;
  if (lastMs < toMs - MINUTE_MS) {
    throw candlesError(
      symbol,
      exchangeName,
      lastMs + MINUTE_MS,
      `data ends too early: the last 1m candle is at ${iso(lastMs)}, the frame needs candles until ${iso(toMs - MINUTE_MS)}`,
    );
  }
  if (filledMinutes > 0) {
    options.logger.warn(`Filled ${filledMinutes} missing 1m candle(s) of ${symbol} (gapPolicy "fill")`, {
      symbol,
      exchangeName,
      filledMinutes,
    });
  }
  return new CandleStore(exchangeName, symbol, minutes, firstMs, fromMs, options.priceCandleCount);
}
