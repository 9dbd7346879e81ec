// What a strategy receives for a window of closed candles: zero-copy column views (StoreColumnsView, the
// fast path) or frozen candle objects shared between overlapping windows (FrozenCandleRing, getCandles).
// Both read the store's immutable columns; neither copies them.

import type { ICandleColumns, ICandleData } from "@bt/core";
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

/** Largest ring (candles kept per interval of a store): bounds the memory whatever `limit` is asked. */
export const MAX_RING_CANDLES = 8192;

/**
 * Frozen candle objects of one interval's columns by index, in a ring: consecutive getCandles windows
 * overlap, so each call builds only the candles that entered the window (plus the array). Frozen, so a
 * strategy mutating one cannot change what another call (or another run sharing the store) sees. At most
 * MAX_RING_CANDLES objects are kept.
 */
export class FrozenCandleRing {
  private indexes = new Float64Array(0);
  private objects: Array<ICandleData | undefined> = [];
  private mask = -1;

  constructor(private readonly columns: Readonly<ICandleColumns>) {}

  /** The candles at indexes [start, end) of the columns, as a new array of shared frozen objects. */
  candles(start: number, end: number): ICandleData[] {
    const length = end - start;
    if (length * 2 > this.mask + 1 && this.mask + 1 < MAX_RING_CANDLES) this.grow(length * 2);
    const { columns, indexes, objects, mask } = this;
    const candles: ICandleData[] = new Array(length);
    for (let index = start; index < end; index++) {
      const slot = index & mask;
      let candle = objects[slot];
      if (candle === undefined || indexes[slot] !== index) {
        candle = Object.freeze({
          timestamp: columns.timestamp[index] as number,
          open: columns.open[index] as number,
          high: columns.high[index] as number,
          low: columns.low[index] as number,
          close: columns.close[index] as number,
          volume: columns.volume[index] as number,
        });
        objects[slot] = candle;
        indexes[slot] = index;
      }
      candles[index - start] = candle;
    }
    return candles;
  }

  /** Replaces the ring with a larger empty one (a power of two ≥ `wanted`, at most MAX_RING_CANDLES). */
  private grow(wanted: number): void {
    let size = 64;
    while (size < wanted && size < MAX_RING_CANDLES) size *= 2;
    this.indexes = new Float64Array(size).fill(-1);
    this.objects = new Array<ICandleData | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }
}
