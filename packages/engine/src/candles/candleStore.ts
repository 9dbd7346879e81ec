// Column store of contiguous 1m candles for one (exchange, symbol): one Float64Array per column, the
// current price of every minute precomputed once, and higher intervals aggregated from 1m lazily.
// Candle i opens at startMs + i·60s; price[i] is the price at that instant, i.e. the VWAP of the
// candles i−N … i−1 (all closed before it): never the candle opening at that instant.

import {
  aggregateCompleteBuckets,
  alignUp,
  averagePriceOfColumns,
  type CandleInterval,
  type ICandleColumns,
  type ICandleData,
  intervalToMs,
  MINUTE_MS,
  sliceCandleColumns,
} from "@bt/core";
import type { ICandleColumnsView } from "../run/runRuntime";
import { FrozenCandleRing, StoreColumnsView } from "./candleWindow";

/**
 * Core's ICandleColumns with the store's policy: contiguous (timestamp[i] = first + i·interval, no
 * gaps: the loader fills or rejects them) and bounded by `count` (the arrays may be longer).
 */
export interface IContiguousCandleColumns extends Readonly<ICandleColumns> {
  readonly count: number;
}

/**
 * price[i] = averagePriceOfColumns over the candles [i − n, i) for i in [n, count], NaN before: bit-identical
 * to it (and to core's averagePrice of the same candles), in one pass. Each candle's typical-price term
 * is computed once into a ring of the last n; every window then sums its terms in the same order, from
 * zero, as averagePriceOfColumns does.
 */
function priceColumn(minutes: IContiguousCandleColumns, n: number): Float64Array {
  const { high, low, close, volume, count } = minutes;
  const prices = new Float64Array(count + 1);
  if (!(n >= 1)) {
    // Degenerate config (no candle in the price): the definition's answer, NaN, everywhere.
    for (let index = 0; index <= count; index++) {
      prices[index] = averagePriceOfColumns(high, low, close, volume, index - n, index);
    }
    return prices;
  }
  const weightedTerms = new Float64Array(n);
  const volumeTerms = new Float64Array(n);
  const closeTerms = new Float64Array(n);
  for (let index = 0; index <= count; index++) {
    if (index < n) {
      prices[index] = Number.NaN;
    } else {
      // The window [index − n, index) is the ring, oldest first from slot index % n.
      let weighted = 0;
      let totalVolume = 0;
      let closes = 0;
      for (let offset = 0, slot = index % n; offset < n; offset++) {
        weighted += weightedTerms[slot] as number;
        totalVolume += volumeTerms[slot] as number;
        closes += closeTerms[slot] as number;
        slot = slot + 1 === n ? 0 : slot + 1;
      }
      prices[index] = totalVolume > 0 ? weighted / totalVolume : closes / n;
    }
    if (index < count) {
      const slot = index % n;
      const candleVolume = volume[index] as number;
      const closePrice = close[index] as number;
      weightedTerms[slot] =
        (((high[index] as number) + (low[index] as number) + closePrice) / 3) * candleVolume;
      volumeTerms[slot] = candleVolume;
      closeTerms[slot] = closePrice;
    }
  }
  return prices;
}

/** One interval of a store, resolved once: its step, and its columns and object ring built on first use. */
class IntervalWindows {
  readonly stepMs: number;
  private built: IContiguousCandleColumns | undefined;
  private ring: FrozenCandleRing | undefined;

  constructor(
    private readonly store: CandleStore,
    readonly interval: CandleInterval,
  ) {
    this.stepMs = intervalToMs(interval);
  }

  get columns(): IContiguousCandleColumns {
    this.built ??= this.store.columns(this.interval);
    return this.built;
  }

  /** alignDown(whenMs, interval) with the precomputed step. */
  alignedWhen(whenMs: number): number {
    const stepMs = this.stepMs;
    return whenMs - (((whenMs % stepMs) + stepMs) % stepMs);
  }

  /** Exclusive end index into `columns` of the closed candles before `whenMs`. */
  endIndex(whenMs: number): number {
    const columns = this.columns;
    const count = columns.count;
    const firstMs = count > 0 ? (columns.timestamp[0] as number) : alignUp(this.store.startMs, this.interval);
    return Math.min(count, Math.max(0, Math.floor((this.alignedWhen(whenMs) - firstMs) / this.stepMs)));
  }

  candles(start: number, end: number): ICandleData[] {
    this.ring ??= new FrozenCandleRing(this.columns);
    return this.ring.candles(start, end);
  }
}

/** Contiguous 1m candles of one symbol plus the per-minute price column. */
export class CandleStore {
  /** Current price at startMs + i·60s for i in [0, count]; NaN for the first N−1... N minutes. */
  readonly prices: Float64Array;
  private readonly aggregates = new Map<CandleInterval, IContiguousCandleColumns>();
  private readonly windows = new Map<CandleInterval, IntervalWindows>();
  /** The interval asked last and its windows: a strategy asks for the same one again and again. */
  private lastWindows: IntervalWindows | undefined;

  constructor(
    readonly exchangeName: string,
    readonly symbol: string,
    /** The 1m columns (contiguous: timestamp[i] = startMs + i·60s). */
    readonly minutes: IContiguousCandleColumns,
    /** Open time of the first candle, epoch ms. */
    readonly startMs: number,
    /**
     * The earliest time the exchange was asked for. When startMs > requestedFromMs the exchange has no
     * older data, so a request reaching before startMs cannot be served better by asking it again.
     */
    readonly requestedFromMs: number,
    /** Number of candles in the VWAP price (CC_AVG_PRICE_CANDLES_COUNT). */
    readonly priceCandleCount: number,
  ) {
    this.prices = priceColumn(minutes, priceCandleCount);
  }

  /** Open time of the minute after the last candle, epoch ms. */
  get endMs(): number {
    return this.startMs + this.minutes.count * MINUTE_MS;
  }

  /** Index into `prices` of the minute starting at `timeMs` (a minute boundary). */
  priceIndex(timeMs: number): number {
    return (timeMs - this.startMs) / MINUTE_MS;
  }

  /** The current price at `timeMs` (VWAP of the N closed 1m candles before it); NaN when unknown. */
  priceAt(timeMs: number): number {
    const index = Math.floor((timeMs - this.startMs) / MINUTE_MS);
    if (index < 0 || index > this.minutes.count) return Number.NaN;
    return this.prices[index] as number;
  }

  /** Columns of `interval`; higher intervals are built from complete groups of 1m candles, once. */
  columns(interval: CandleInterval): IContiguousCandleColumns {
    if (interval === "1m") return this.minutes;
    let columns = this.aggregates.get(interval);
    if (columns === undefined) {
      columns = this.aggregate(interval);
      this.aggregates.set(interval, columns);
    }
    return columns;
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
   * Core's complete-bucket aggregation of the 1m columns (aggregateCompleteBuckets: buckets from
   * alignUp(startMs) whose every minute is present; a partial first or last bucket is dropped), computed
   * with the store's guarantee that the minutes are contiguous (the loader leaves no gaps): every bucket is
   * a fixed run of minutes, so no per-minute timestamp test. The same values, bit for bit (same
   * comparisons, volume summed in the same order from zero).
   */
  private aggregate(interval: CandleInterval): IContiguousCandleColumns {
    const stepMs = intervalToMs(interval);
    const perBucket = stepMs / MINUTE_MS;
    const { timestamp, open, high, low, close, volume, count } = this.minutes;
    if (count === 0 || !Number.isInteger(perBucket)) {
      // Nothing to aggregate (or a step core rejects with its own error): core's general form.
      const minutes = timestamp.length === count ? this.minutes : sliceCandleColumns(this.minutes, 0, count);
      const columns = aggregateCompleteBuckets(minutes, MINUTE_MS, stepMs);
      return { ...columns, count: columns.timestamp.length };
    }
    const firstMs = timestamp[0] as number;
    const firstBucketMs = alignUp(firstMs, interval);
    const skipped = (firstBucketMs - firstMs) / MINUTE_MS;
    const buckets = Math.max(0, Math.floor((count - skipped) / perBucket));
    const columns = {
      timestamp: new Float64Array(buckets),
      open: new Float64Array(buckets),
      high: new Float64Array(buckets),
      low: new Float64Array(buckets),
      close: new Float64Array(buckets),
      volume: new Float64Array(buckets),
      count: buckets,
    };
    for (let bucket = 0, first = skipped; bucket < buckets; bucket++, first += perBucket) {
      const end = first + perBucket;
      let bucketHigh = high[first] as number;
      let bucketLow = low[first] as number;
      let bucketVolume = 0;
      for (let index = first; index < end; index++) {
        const minuteHigh = high[index] as number;
        const minuteLow = low[index] as number;
        if (minuteHigh > bucketHigh) bucketHigh = minuteHigh;
        if (minuteLow < bucketLow) bucketLow = minuteLow;
        bucketVolume += volume[index] as number;
      }
      columns.timestamp[bucket] = firstBucketMs + bucket * stepMs;
      columns.open[bucket] = open[first] as number;
      columns.high[bucket] = bucketHigh;
      columns.low[bucket] = bucketLow;
      columns.close[bucket] = close[end - 1] as number;
      columns.volume[bucket] = bucketVolume;
    }
    return columns;
  }
}
