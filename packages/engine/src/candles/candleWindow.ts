// What a strategy receives for a window of closed candles: zero-copy column views (StoreColumnsView, the
// fast path) or frozen candle objects shared between overlapping windows (FrozenCandleCache, getCandles).
// Both read the store's immutable columns; neither copies them.

import type { ICandleColumns, ICandleData } from "@bt/core";
import { emptyObjectArray } from "../run/objectArray";
import type { ICandleColumnsView } from "../run/runRuntime";

/** A view of `length` values of `column` from `start` (no copy). */
function viewOf(column: Float64Array, start: number, length: number): Float64Array {
  // The constructor form is cheaper than subarray (no species lookup) and works on shared buffers.
  return new Float64Array(column.buffer, column.byteOffset + start * Float64Array.BYTES_PER_ELEMENT, length);
}

/**
 * The store-backed ICandleColumnsView: each column's view is made on first read and then kept, so a
 * strategy reading only `close` pays for one view. One object per call, nothing else.
 */
export class StoreColumnsView implements ICandleColumnsView {
  #timestamp: Float64Array | undefined = undefined;
  #open: Float64Array | undefined = undefined;
  #high: Float64Array | undefined = undefined;
  #low: Float64Array | undefined = undefined;
  #close: Float64Array | undefined = undefined;
  #volume: Float64Array | undefined = undefined;
  readonly #columns: Readonly<ICandleColumns>;
  readonly #start: number;

  constructor(
    columns: Readonly<ICandleColumns>,
    start: number,
    readonly length: number,
  ) {
    this.#columns = columns;
    this.#start = start;
  }

  get timestamp(): Float64Array {
    this.#timestamp ??= viewOf(this.#columns.timestamp, this.#start, this.length);
    return this.#timestamp;
  }
  get open(): Float64Array {
    this.#open ??= viewOf(this.#columns.open, this.#start, this.length);
    return this.#open;
  }
  get high(): Float64Array {
    this.#high ??= viewOf(this.#columns.high, this.#start, this.length);
    return this.#high;
  }
  get low(): Float64Array {
    this.#low ??= viewOf(this.#columns.low, this.#start, this.length);
    return this.#low;
  }
  get close(): Float64Array {
    this.#close ??= viewOf(this.#columns.close, this.#start, this.length);
    return this.#close;
  }
  get volume(): Float64Array {
    this.#volume ??= viewOf(this.#columns.volume, this.#start, this.length);
    return this.#volume;
  }
}

/**
 * Candles kept before the window last asked: the cache drops the older ones once this many accumulate,
 * so it holds at most the widest window plus this many objects. Small on purpose: a long cached run is a
 * large array that lives across many young-generation collections, and copying it there cost more than
 * rebuilding the window's array (4,096 made a year of every-minute getCandles 13 % slower than 64).
 */
export const KEPT_CANDLES_BEHIND = 64;

/**
 * Frozen candle objects of one interval's columns for a run of consecutive indexes: consecutive getCandles
 * windows overlap, so each call builds only the candles that entered the window, and the window itself is
 * a `slice` of the cached run (a builtin copy, as fast on a cold start as later; a loop over the window
 * runs in the interpreter until V8 optimises it). Frozen, so a strategy mutating one cannot change what
 * another call (or another run sharing the store) sees.
 */
export class FrozenCandleCache {
  /** Column index of objects[0]. */
  private first = 0;
  private objects: ICandleData[] = emptyObjectArray<ICandleData>();

  constructor(private readonly columns: Readonly<ICandleColumns>) {}

  /** The candles at indexes [start, end) of the columns, as a new array of shared frozen objects. */
  candles(start: number, end: number): ICandleData[] {
    // A window before the cached run, or past its end with a gap (a backtest skipping an open position's
    // minutes): start a new run there instead of building the candles in between.
    if (start < this.first || start > this.first + this.objects.length) {
      this.first = start;
      // Emptied in place: a new `[]` would have another elements kind (and map) than the filled array.
      this.objects.length = 0;
    } else if (start - this.first >= KEPT_CANDLES_BEHIND) {
      this.objects = this.objects.slice(start - this.first);
      this.first = start;
    }
    const { columns, objects, first } = this;
    for (let index = first + objects.length; index < end; index++) {
      objects.push(
        Object.freeze({
          timestamp: columns.timestamp[index] as number,
          open: columns.open[index] as number,
          high: columns.high[index] as number,
          low: columns.low[index] as number,
          close: columns.close[index] as number,
          volume: columns.volume[index] as number,
        }),
      );
    }
    return objects.slice(start - first, end - first);
  }
}
