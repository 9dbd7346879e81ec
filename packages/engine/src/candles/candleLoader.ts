// Loads 1m candles for [fromMs, toMs) from an exchange schema in large batches (paginated by `since`)
// into a CandleStore, validating as it goes: malformed values (NaN, non-positive, high < low),
// misaligned, out-of-order or duplicate timestamps, and gaps are BtError("CANDLES") naming the
// symbol and the timestamp. Gaps can instead be filled with flat zero-volume candles (gapPolicy "fill").
// An exchange with getCandleColumns is read column-wise instead (columnsLoader.ts: same rules, same
// messages, same store).

import { BtError, candleProblem, describeValue, type ICandleData, sliceCandleColumns } from "@bt/core";
import {
  candlesError,
  finishStore,
  type ICandleLoadOptions,
  iso,
  loadStep,
  missingMinutesBefore,
} from "./candleSequence";
import { type CandleStore, withCount } from "./candleStore";
import { fetchCandleColumns, loadFromColumns } from "./columnsLoader";

export type { ICandleLoadOptions, MissingCandlePolicy } from "./candleSequence";

/**
 * Fetches, validates and stores the 1m candles of [fromMs, toMs). No request reaches at or past toMs.
 * What lies before the frame start (the warm-up and the first price's candles) is optional: when the
 * exchange fails on it (a candle cache that lacks those days and has no network, say), the load starts
 * again at the frame start, with a warning, and the run begins at its first priced minute; getCandles
 * look-backs before it then get the candles the store has, without asking the exchange again.
 * @throws BtError CANDLES for invalid data or missing minutes, EXCHANGE when getCandles fails.
 */
export async function loadCandleStore(options: ICandleLoadOptions): Promise<CandleStore> {
  const { frameStartMs } = options;
  try {
    return await loadRange(options);
  } catch (error) {
    if (!(BtError.isInstance(error) && error.code === "EXCHANGE") || options.fromMs >= frameStartMs)
      throw error;
    options.logger.warn(
      `Candles of ${options.symbol} before the frame start ${iso(frameStartMs)} could not be loaded (${error.message}); the backtest goes on without them`,
      { symbol: options.symbol, fromMs: options.fromMs, frameStartMs },
    );
    return loadRange({ ...options, fromMs: frameStartMs, askedFromMs: options.fromMs });
  }
}

async function loadRange(options: ICandleLoadOptions): Promise<CandleStore> {
  // The column form is 1m only; a coarser base interval is read through getCandles.
  const columns = loadStep(options).interval === "1m" ? await fetchCandleColumns(options) : null;
  if (columns !== null) return loadFromColumns(options, columns);
  return loadFromBatches(options);
}

/** Fetches getCandles batches, validating and copying each candle into new columns. */
async function loadFromBatches(options: ICandleLoadOptions): Promise<CandleStore> {
  const { exchange, symbol, fromMs, toMs, batchSize } = options;
  const { interval, stepMs } = loadStep(options);
  const exchangeName = exchange.exchangeName;
  const capacity = Math.max(0, Math.round((toMs - fromMs) / stepMs));
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
    // Never past the end of the range: a cache holding exactly the frame is all the run reads.
    const limit = Math.min(batchSize, Math.ceil((toMs - sinceMs) / stepMs));
    let batch: ICandleData[];
    try {
      batch = await exchange.getCandles(symbol, interval, new Date(sinceMs), limit);
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      throw new BtError(
        "EXCHANGE",
        `exchange "${exchangeName}" could not give the ${interval} candles of ${symbol} from ${iso(sinceMs)} to ${iso(sinceMs + limit * stepMs)} (getCandles(${symbol}, ${interval}, ${iso(sinceMs)}, ${limit})): ${(error as Error)?.message ?? String(error)}`,
        { adapter: exchangeName, cause: error },
      );
    }
    if (!Array.isArray(batch)) {
      throw new BtError(
        "EXCHANGE",
        `exchange "${exchangeName}" getCandles(${symbol}, ${interval}, ${iso(sinceMs)}) must return an array, got ${describeValue(batch)}`,
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
      // candleProblem also rejects non-number fields (an object adapter may send strings); it builds a
      // message only for a bad candle.
      const problem = candleProblem(candle);
      if (problem !== null) throw candlesError(symbol, exchangeName, candleMs, problem);
      const missing =
        count > 0 && candleMs === previousMs + stepMs
          ? 0
          : missingMinutesBefore(options, candleMs, previousMs, count === 0);
      if (count === 0) {
        firstMs = candleMs;
      } else if (missing > 0) {
        const fillPrice = close[count - 1] as number;
        for (let fillMs = previousMs + stepMs; fillMs < candleMs; fillMs += stepMs) {
          push(fillMs, fillPrice, fillPrice, fillPrice, fillPrice, 0);
        }
        filledMinutes += missing;
      }
      push(candleMs, candle.open, candle.high, candle.low, candle.close, candle.volume);
      previousMs = candleMs;
    }
    if (batch.length < limit) done = true;
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
      sinceMs = Math.max(lastMs + stepMs, sinceMs + stepMs);
      if (sinceMs >= toMs) done = true;
    }
  }

  return finishStore(
    options,
    withCount(sliceCandleColumns({ timestamp, open, high, low, close, volume }, 0, count), count),
    firstMs,
    filledMinutes,
  );
}
