// Loads 1m candles for [fromMs, toMs) from an exchange schema in large batches (paginated by `since`)
// into a CandleStore, validating as it goes: malformed values (NaN, non-positive, high < low),
// misaligned, out-of-order or duplicate timestamps, and gaps are BtError("CANDLES") naming the
// symbol and the timestamp. Gaps can instead be filled with flat zero-volume candles (gapPolicy "fill").

import {
  BtError,
  candleProblem,
  describeValue,
  type ICandleData,
  type IExchangeSchema,
  type ILogger,
  MINUTE_MS,
} from "@bt/core";
import { CandleStore } from "./candleStore";

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
  const { exchange, symbol, fromMs, toMs, requiredFromMs, batchSize, gapPolicy } = options;
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
      if (candleMs % MINUTE_MS !== 0) {
        throw candlesError(symbol, exchangeName, candleMs, "open time is not aligned to a minute");
      }
      if (candleMs === previousMs) throw candlesError(symbol, exchangeName, candleMs, "duplicate candle");
      if (candleMs < previousMs) {
        throw candlesError(symbol, exchangeName, candleMs, `out of order: it comes after ${iso(previousMs)}`);
      }
      if (count === 0) {
        firstMs = candleMs;
      } else if (candleMs !== previousMs + MINUTE_MS) {
        const missing = (candleMs - previousMs) / MINUTE_MS - 1;
        if (gapPolicy === "error") {
          throw candlesError(
            symbol,
            exchangeName,
            previousMs + MINUTE_MS,
            `gap of ${missing} missing 1m candle(s) before ${iso(candleMs)} (pass gapPolicy: "fill" to fill gaps with flat zero-volume candles)`,
          );
        }
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
  return new CandleStore(
    exchangeName,
    symbol,
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
    fromMs,
    options.priceCandleCount,
  );
}
