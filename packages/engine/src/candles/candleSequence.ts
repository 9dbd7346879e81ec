// The rules both 1m load paths (getCandles batches and getCandleColumns) share: the load options, the
// CANDLES error naming symbol and timestamp, the sequence check (alignment, duplicate, order, gap) and
// the final coverage check that builds the store. One copy, so the two paths cannot drift apart.

import { BtError, type CandleInterval, type IExchangeSchema, type ILogger, intervalToMs } from "@bt/core";
import { CandleStore, type IContiguousCandleColumns } from "./candleStore";

/**
 * What a backtest does with 1m candles missing inside its data (the `gapPolicy` option): "error" (default)
 * fails the load, "fill" fills them with flat zero-volume candles. Distinct from exchange-file's
 * FileGapPolicy ("error" | "report"), which decides whether a file reader throws at or reports a gap.
 */
export type MissingCandlePolicy = "error" | "fill";

/** Options of one load. */
export interface ICandleLoadOptions {
  exchange: IExchangeSchema;
  symbol: string;
  /** First minute wanted (warm-up included), epoch ms aligned to the minute. */
  fromMs: number;
  /** End of the range (exclusive), epoch ms aligned to the minute. */
  toMs: number;
  /**
   * The first base step at or after the frame start. The data must start by then; when it starts there
   * (no candles before it), the run begins at its first priced step.
   */
  frameStartMs: number;
  /** Candles per exchange call. */
  batchSize: number;
  gapPolicy: MissingCandlePolicy;
  /** Candles the price at an instant is made of (CC_AVG_PRICE_CANDLES_COUNT on 1m; 1 on a coarser base). */
  priceCandleCount: number;
  logger: ILogger;
  /** The store's candles: "1m" (default), or the exchange's base interval when it has no 1m data. */
  interval?: CandleInterval;
  /**
   * The earliest time the exchange was asked for, when earlier than fromMs (a warm-up it could not give):
   * the store then answers look-backs before its start with what it has instead of asking again.
   */
  askedFromMs?: number;
}

/** The interval of a load and its length in ms. */
export function loadStep(options: ICandleLoadOptions): { interval: CandleInterval; stepMs: number } {
  const interval = options.interval ?? "1m";
  return { interval, stepMs: intervalToMs(interval) };
}

/** An ISO time, or the raw value when it is not a finite time. */
export function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/** A BtError CANDLES about the candle of `symbol` at `timestampMs`. */
export function candlesError(
  symbol: string,
  exchangeName: string,
  timestampMs: number,
  message: string,
): BtError {
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
 * Checks that a row opening at `candleMs` may follow the row at `previousMs` (aligned to the load's interval,
 * no duplicate, in order) and returns how many candles are missing between them: 0 for the first or a
 * contiguous row.
 * Both load paths call it, so their rules and messages cannot drift apart.
 * @throws BtError CANDLES naming symbol and timestamp; a gap throws unless gapPolicy is "fill".
 */
export function missingMinutesBefore(
  options: ICandleLoadOptions,
  candleMs: number,
  previousMs: number,
  first: boolean,
): number {
  const { symbol, gapPolicy } = options;
  const { interval, stepMs } = loadStep(options);
  const exchangeName = options.exchange.exchangeName;
  if (candleMs % stepMs !== 0) {
    throw candlesError(
      symbol,
      exchangeName,
      candleMs,
      `open time is not aligned to ${interval === "1m" ? "a minute" : `the ${interval} interval`}`,
    );
  }
  if (candleMs === previousMs) throw candlesError(symbol, exchangeName, candleMs, "duplicate candle");
  if (candleMs < previousMs) {
    throw candlesError(symbol, exchangeName, candleMs, `out of order: it comes after ${iso(previousMs)}`);
  }
  if (first || candleMs === previousMs + stepMs) return 0;
  const missing = (candleMs - previousMs) / stepMs - 1;
  if (gapPolicy === "error") {
    throw candlesError(
      symbol,
      exchangeName,
      previousMs + stepMs,
      `gap of ${missing} missing ${interval} candle(s), ${iso(previousMs + stepMs)} to ${iso(candleMs - stepMs)} (gapPolicy "fill" fills gaps with flat zero-volume candles)`,
    );
  }
  return missing;
}

/**
 * Checks the range coverage of validated columns, reports filled candles and builds the store (with
 * `prices` as its price column when the check already built it).
 */
export function finishStore(
  options: ICandleLoadOptions,
  minutes: IContiguousCandleColumns,
  firstMs: number,
  filledMinutes: number,
  prices?: Float64Array,
): CandleStore {
  const { exchange, symbol, fromMs, toMs, frameStartMs } = options;
  const { interval, stepMs } = loadStep(options);
  const exchangeName = exchange.exchangeName;
  const count = minutes.count;
  if (count === 0) {
    throw candlesError(
      symbol,
      exchangeName,
      fromMs,
      `no ${interval} candles in [${iso(fromMs)}, ${iso(toMs)})`,
    );
  }
  if (firstMs > frameStartMs) {
    throw candlesError(
      symbol,
      exchangeName,
      firstMs,
      `data starts too late: the first ${interval} candle is at ${iso(firstMs)}, after the frame start ${iso(frameStartMs)}`,
    );
  }
  const lastMs = firstMs + (count - 1) * stepMs;
  if (lastMs < toMs - stepMs) {
    throw candlesError(
      symbol,
      exchangeName,
      lastMs + stepMs,
      `data ends too early: the last ${interval} candle is at ${iso(lastMs)}, the frame needs candles until ${iso(toMs - stepMs)}`,
    );
  }
  if (filledMinutes > 0) {
    options.logger.warn(
      `Filled ${filledMinutes} missing ${interval} candle(s) of ${symbol} (gapPolicy "fill")`,
      {
        symbol,
        exchangeName,
        filledMinutes,
      },
    );
  }
  const askedFromMs = Math.min(fromMs, options.askedFromMs ?? fromMs);
  return new CandleStore(
    exchangeName,
    symbol,
    minutes,
    firstMs,
    askedFromMs,
    options.priceCandleCount,
    interval,
    prices,
  );
}
