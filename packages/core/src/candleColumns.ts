// Candles held column-wise (one Float64Array per field): the shape adapters can hand the engine instead of
// ICandleData records, so large series (and SharedArrayBuffer-backed ones) are loaded without objects.

import type { ICandleData } from "./candle";

/** Candles held column-wise: equal-length Float64Arrays, `timestamp` = open time in epoch ms, ascending. */
export interface ICandleColumns {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Six zero-filled columns of `length` candles. */
export function allocateCandleColumns(length: number): ICandleColumns {
  return {
    timestamp: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Columns holding `candles` (copied). */
export function candlesToColumns(candles: ReadonlyArray<ICandleData>): ICandleColumns {
  const columns = allocateCandleColumns(candles.length);
  for (let index = 0; index < candles.length; index++) {
    const candle = candles[index] as ICandleData;
    columns.timestamp[index] = candle.timestamp;
    columns.open[index] = candle.open;
    columns.high[index] = candle.high;
    columns.low[index] = candle.low;
    columns.close[index] = candle.close;
    columns.volume[index] = candle.volume;
  }
  return columns;
}

/** Views (no copy) of the candles at indices [from, to) of every column. */
export function sliceCandleColumns(
  columns: Readonly<ICandleColumns>,
  from: number,
  to: number,
): ICandleColumns {
  return {
    timestamp: columns.timestamp.subarray(from, to),
    open: columns.open.subarray(from, to),
    high: columns.high.subarray(from, to),
    low: columns.low.subarray(from, to),
    close: columns.close.subarray(from, to),
    volume: columns.volume.subarray(from, to),
  };
}

/**
 * Rows per call of a loop over whole candle columns (the store's price column, the load check, the
 * aggregation). A loop that runs once per process over a year first runs in V8's interpreter, then in
 * on-stack-replaced code that still boxes its floats (a year of prices: ≈ 20 ms and 26 MB of garbage,
 * against 4 ms optimised); called chunk by chunk, the kernel is optimised as a function after a few calls.
 */
export const COLUMN_KERNEL_CHUNK_ROWS = 4096;

const CHECKED = Symbol.for("@bt/core/checkedCandleColumns");

/**
 * Marks `columns` as having passed core's candle check row by row (isWellFormedCandle), so a reader that
 * validated while parsing spares the engine's loader a second pass. Returns the same object.
 */
export function markCandleColumnsChecked<T extends ICandleColumns>(columns: T): T {
  Object.defineProperty(columns, CHECKED, { value: true, enumerable: false });
  return columns;
}

/** True when `columns` was marked by markCandleColumnsChecked (by any copy of @bt/core). */
export function areCandleColumnsChecked(columns: ICandleColumns): boolean {
  return (columns as unknown as Record<symbol, unknown>)[CHECKED] === true;
}

/**
 * The first row in [from, to) of `columns` that isWellFormedCandle rejects, or −1. The same tests, written
 * inline in one loop: a call per row is what a loop over a whole series pays most for while V8 still
 * interprets it (a cold load of a year of 1m columns: 2–4 ms shorter than through isWellFormedCandle).
 * `test/candle.property.test.ts` checks that both forms agree.
 */
export function firstMalformedCandleRow(columns: Readonly<ICandleColumns>, from: number, to: number): number {
  const { timestamp, open, high, low, close, volume } = columns;
  const infinity = Number.POSITIVE_INFINITY;
  for (let index = from; index < to; index++) {
    const o = open[index] as number;
    const h = high[index] as number;
    const l = low[index] as number;
    const c = close[index] as number;
    const v = volume[index] as number;
    const t = timestamp[index] as number;
    // isWellFormedCandle's tests in its order; t − t is 0 only for a finite t (NaN for NaN and ±Infinity).
    if (
      !(
        o > 0 &&
        l > 0 &&
        c > 0 &&
        v >= 0 &&
        l <= o &&
        l <= c &&
        h >= o &&
        h >= c &&
        h !== infinity &&
        v !== infinity &&
        t - t === 0
      )
    ) {
      return index;
    }
  }
  return -1;
}
