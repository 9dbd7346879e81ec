// Column store of contiguous candles for one (exchange, symbol): one Float64Array per column, the
// current price of every step precomputed once, and higher intervals aggregated lazily. The step is 1m,
// or the exchange's base interval when it has no 1m data. Candle i opens at startMs + i·step; price[i]
// is the price at that instant, made of candles closed before it (never the candle opening then): the
// VWAP of the candles i−N … i−1 on 1m, the close of candle i−1 on a coarser base.

import {
  aggregateCompleteBuckets,
  alignDownMs,
  alignUp,
  averagePriceOfColumns,
  BtError,
  type CandleInterval,
  type ICandleColumns,
  type ICandleData,
  intervalToMs,
  MINUTE_MS,
  MINUTE_RUN_PRICE_CANDLES,
  scanMinuteRun,
  sliceCandleColumns,
} from "@bt/core";
import type { ICandleColumnsView } from "../run/runRuntime";
import { FrozenCandleCache, StoreColumnsView } from "./candleWindow";

/**
 * Core's ICandleColumns with the store's policy: contiguous (timestamp[i] = first + i·interval, no
 * gaps: the loader fills or rejects them) and bounded by `count` (the arrays may be longer).
 */
export interface IContiguousCandleColumns extends Readonly<ICandleColumns> {
  readonly count: number;
}

/**
 * `columns` with their row count, built as one literal: a spread copy (`{ ...columns, count }`) gets a
 * V8 map of its own per copy, which would make every hot read of a store's columns polymorphic across
 * the stores of a walker or sweep.
 */
export function withCount(columns: Readonly<ICandleColumns>, count: number): IContiguousCandleColumns {
  return {
    timestamp: columns.timestamp,
    open: columns.open,
    high: columns.high,
    low: columns.low,
    close: columns.close,
    volume: columns.volume,
    count,
  };
}

/**
 * price[i] = averagePriceOfColumns over the candles [i − n, i) for i in [n, count], NaN before (so
 * bit-identical to core's averagePrice of the same candles). The default window is core's scanMinuteRun
 * (one pass); the loader builds it in its check when it can.
 */
function priceColumn(minutes: IContiguousCandleColumns, n: number, stepMs: number): Float64Array {
  const { high, low, close, volume, count } = minutes;
  const prices = new Float64Array(count + 1);
  if (stepMs !== MINUTE_MS) {
    // A coarser base: the price at a candle's open is the close of the candle before it.
    prices[0] = Number.NaN;
    for (let index = 1; index <= count; index++) prices[index] = close[index - 1] as number;
    return prices;
  }
  if (n === MINUTE_RUN_PRICE_CANDLES) {
    prices[0] = Number.NaN;
    // The loader's rows are checked and contiguous: the kernel only prices them.
    const firstMs = minutes.timestamp[0] as number;
    if (scanMinuteRun(minutes, 0, count, firstMs, Number.POSITIVE_INFINITY, true, prices) !== count) {
      throw new BtError("STATE", "candle store rows are not contiguous minutes");
    }
    return prices;
  }
  for (let index = 0; index <= count; index++) {
    prices[index] =
      index < n ? Number.NaN : averagePriceOfColumns(high, low, close, volume, index - n, index);
  }
  return prices;
}

/**
 * One interval of a store, resolved on the interval's first use: its step, its columns (aggregated then)
 * and its object cache. Built whole in the constructor, with no lazy branch left in the per-call methods:
 * a branch first taken by a later run (a new store in a sweep task) would deoptimise them there.
 */
class IntervalWindows {
  readonly stepMs: number;
  readonly columns: IContiguousCandleColumns;
  private readonly cache: FrozenCandleCache;

  constructor(
    private readonly store: CandleStore,
    readonly interval: CandleInterval,
  ) {
    this.stepMs = intervalToMs(interval);
    this.columns = store.columns(interval);
    this.cache = new FrozenCandleCache(this.columns);
  }

  /** alignDown(whenMs, interval) with the precomputed step. */
  alignedWhen(whenMs: number): number {
    return alignDownMs(whenMs, this.stepMs);
  }

  /** Exclusive end index into `columns` of the closed candles before `whenMs`. */
  endIndex(whenMs: number): number {
    const columns = this.columns;
    const count = columns.count;
    const firstMs = count > 0 ? (columns.timestamp[0] as number) : alignUp(this.store.startMs, this.interval);
    return Math.min(count, Math.max(0, Math.floor((this.alignedWhen(whenMs) - firstMs) / this.stepMs)));
  }

  candles(start: number, end: number): ICandleData[] {
    return this.cache.candles(start, end);
  }
}

/** Contiguous candles of one symbol (1m, or the exchange's base interval) plus the price column. */
export class CandleStore {
  /** Current price at startMs + i·step for i in [0, count]; NaN for the first N steps. */
  readonly prices: Float64Array;
  /** Length of one candle of `interval`, ms (60,000 on 1m). */
  readonly stepMs: number;
  private readonly aggregates = new Map<CandleInterval, IContiguousCandleColumns>();
  private readonly windows = new Map<CandleInterval, IntervalWindows>();
  /** The interval asked last and its windows: a strategy asks for the same one again and again. */
  private lastWindows: IntervalWindows | undefined;

  constructor(
    readonly exchangeName: string,
    readonly symbol: string,
    /** The base columns (contiguous: timestamp[i] = startMs + i·step); 1m unless `interval` says otherwise. */
    readonly minutes: IContiguousCandleColumns,
    /** Open time of the first candle, epoch ms. */
    readonly startMs: number,
    /**
     * The earliest time the exchange was asked for. When startMs > requestedFromMs the exchange has no
     * older data, so a request reaching before startMs cannot be served better by asking it again.
     */
    readonly requestedFromMs: number,
    /** Number of candles in the VWAP price (CC_AVG_PRICE_CANDLES_COUNT); 1 on a coarser base. */
    readonly priceCandleCount: number,
    /** The interval of `minutes`: "1m", or the exchange's base interval when it has no 1m data. */
    readonly interval: CandleInterval = "1m",
    /** The price column when the loader built it while checking the rows (count + 1 prices). */
    prices?: Float64Array,
  ) {
    this.stepMs = intervalToMs(interval);
    this.prices = prices ?? priceColumn(minutes, priceCandleCount, this.stepMs);
  }

  /** Open time of the step after the last candle, epoch ms. */
  get endMs(): number {
    return this.startMs + this.minutes.count * this.stepMs;
  }

  /**
   * Index into `prices` of the step starting at `timeMs` (a step boundary). As an int32 (`| 0`, exact on
   * a boundary): the plain quotient is a float, which V8 keeps boxed, so every index made from it (the
   * run's found index, its frame end) met code that expected small integers and deoptimised it.
   */
  priceIndex(timeMs: number): number {
    return ((timeMs - this.startMs) / this.stepMs) | 0;
  }

  /** The current price at `timeMs` (made of the candles closed before it); NaN when unknown. */
  priceAt(timeMs: number): number {
    const index = Math.floor((timeMs - this.startMs) / this.stepMs);
    if (index < 0 || index > this.minutes.count) return Number.NaN;
    return this.prices[index] as number;
  }

  /**
   * Columns of `interval`; higher intervals are built from complete groups of base candles, once.
   * @throws BtError CANDLES for an interval finer than the base (the data has no such candles).
   */
  columns(interval: CandleInterval): IContiguousCandleColumns {
    if (interval === this.interval) return this.minutes;
    if (intervalToMs(interval) < this.stepMs) {
      throw new BtError(
        "CANDLES",
        `${interval} candles of ${this.symbol} do not exist in this backtest: exchange "${this.exchangeName}" has ${this.interval} candles at the finest, and the run prices on them`,
        { field: "interval", value: interval, adapter: this.exchangeName },
      );
    }
    let columns = this.aggregates.get(interval);
    if (columns === undefined) {
      columns = this.aggregate(interval);
      this.aggregates.set(interval, columns);
    }
    return columns;
  }

  /**
   * Resolves the windows of a run's own interval when the run is set up (aggregated then, if it is a
   * higher one) and makes them the last asked: the run's getCandles calls then take the fast path from the
   * first one. Without it, each run of a walker met the lookup anew at its first call, after V8 had
   * optimised the per-call code on the runs before (and deoptimised it there). An interval finer than the
   * base is left for getCandles to refuse.
   */
  prepareInterval(interval: CandleInterval): void {
    if (intervalToMs(interval) >= this.stepMs) this.windowsOf(interval);
  }

  /** The windows of `interval` (one Map lookup at most; none when it is the interval asked last). */
  private windowsOf(interval: CandleInterval): IntervalWindows {
    const last = this.lastWindows;
    if (last !== undefined && last.interval === interval) return last;
    let windows = this.windows.get(interval);
    if (windows === undefined) {
      windows = new IntervalWindows(this, interval);
      this.windows.set(interval, windows);
    }
    this.lastWindows = windows;
    return windows;
  }

  /**
   * True when the store holds every closed `interval` candle of [sinceMs, alignDown(whenMs)), or when the
   * exchange has nothing older than what the store holds.
   */
  covers(interval: CandleInterval, whenMs: number, limit: number): boolean {
    const windows = this.windowsOf(interval);
    const alignedWhen = windows.alignedWhen(whenMs);
    if (alignedWhen > this.endMs) return false;
    const sinceMs = alignedWhen - limit * windows.stepMs;
    return sinceMs >= this.startMs || this.startMs > this.requestedFromMs;
  }

  /**
   * The last `limit` closed candles of `interval` before `whenMs`: open times in
   * [alignDown(when) − limit·interval, alignDown(when)). Fewer when the data starts later. Frozen objects,
   * shared with the overlapping windows of other calls (only the array is new).
   */
  candlesBefore(interval: CandleInterval, whenMs: number, limit: number): ICandleData[] {
    const windows = this.windowsOf(interval);
    const endIndex = windows.endIndex(whenMs);
    return windows.candles(Math.max(0, endIndex - limit), endIndex);
  }

  /**
   * The same candles as candlesBefore as zero-copy column views (one object per call; each column's view
   * is made when first read).
   */
  columnsBefore(interval: CandleInterval, whenMs: number, limit: number): ICandleColumnsView {
    const windows = this.windowsOf(interval);
    const endIndex = windows.endIndex(whenMs);
    const startIndex = Math.max(0, endIndex - limit);
    return new StoreColumnsView(windows.columns, startIndex, endIndex - startIndex);
  }

  /**
   * Core's complete-bucket aggregation of the 1m columns: buckets from alignUp(startMs) whose every minute
   * is present (a partial first or last bucket is dropped; the loader leaves no inner gaps). Built on first
   * use of the interval only.
   */
  private aggregate(interval: CandleInterval): IContiguousCandleColumns {
    const { timestamp, count } = this.minutes;
    // The 1m arrays may be longer than count; views bound them without a copy.
    const minutes = timestamp.length === count ? this.minutes : sliceCandleColumns(this.minutes, 0, count);
    const columns = aggregateCompleteBuckets(minutes, this.stepMs, intervalToMs(interval));
    return withCount(columns, columns.timestamp.length);
  }
}
