// Candles held column-wise (one Float64Array per field): the shape adapters can hand the engine instead of
// ICandleData records, so large series (and SharedArrayBuffer-backed ones) are loaded without objects.

import type { ICandleData } from "./candle";
import { MINUTE_MS } from "./interval";

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

/** The candles in a price of scanMinuteRun: CC_AVG_PRICE_CANDLES_COUNT's default. */
export const MINUTE_RUN_PRICE_CANDLES = 5;

/**
 * One pass of a 1m load (chunk by chunk: COLUMN_KERNEL_CHUNK_ROWS) over rows [from, to) of `columns`, row `from` expected to open at `fromMs`, the
 * run ending at `toMs`: each row must open at the next minute and, unless `valuesChecked`, pass
 * isWellFormedCandle's tests (written inline: a call per row is what a loop over a whole series pays most
 * for while V8 still interprets it; `test/candle.property.test.ts` checks both forms agree). In the same
 * pass, when `prices` is given, prices[i + 1] becomes the price of minute i + 1: averagePriceOfColumns
 * of rows [i − 4, i] (MINUTE_RUN_PRICE_CANDLES), summed in its order so the floats are the same bits; NaN
 * for i < 4, and prices[0] = NaN. The up to four rows before `from` are read for that window: they must
 * belong to the run (an earlier call's rows).
 * Returns `to` when every row continues the run, the first row at or after `toMs` (the run ends there),
 * or −1 at the first row that breaks it (its time, or a malformed candle).
 */
export function scanMinuteRun(
  columns: Readonly<ICandleColumns>,
  from: number,
  to: number,
  fromMs: number,
  toMs: number,
  valuesChecked: boolean,
  prices: Float64Array | null,
): number {
  for (let start = from; start < to; start += COLUMN_KERNEL_CHUNK_ROWS) {
    const end = Math.min(to, start + COLUMN_KERNEL_CHUNK_ROWS);
    const reached = scanMinuteChunk(
      columns,
      start,
      end,
      fromMs + (start - from) * MINUTE_MS,
      toMs,
      valuesChecked,
      prices,
    );
    if (reached !== end) return reached;
  }
  return to;
}

/** scanMinuteRun over one chunk of at most COLUMN_KERNEL_CHUNK_ROWS rows (the kernel V8 optimises). */
function scanMinuteChunk(
  columns: Readonly<ICandleColumns>,
  from: number,
  to: number,
  fromMs: number,
  toMs: number,
  valuesChecked: boolean,
  prices: Float64Array | null,
): number {
  const { timestamp, open, high, low, close, volume } = columns;
  const infinity = Number.POSITIVE_INFINITY;
  // The window's per-candle terms (typical price × volume, volume, close), oldest first.
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  let v0 = 0;
  let v1 = 0;
  let v2 = 0;
  let v3 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  // The rows before `from` fill the window with the same shift as the loop below: written out twice, as a
  // call per row would cost this kernel most of its cold speed.
  for (let index = prices === null ? from : Math.max(0, from - 4); index < from; index++) {
    const v = volume[index] as number;
    const c = close[index] as number;
    w0 = w1;
    w1 = w2;
    w2 = w3;
    w3 = (((high[index] as number) + (low[index] as number) + c) / 3) * v;
    v0 = v1;
    v1 = v2;
    v2 = v3;
    v3 = v;
    c0 = c1;
    c1 = c2;
    c2 = c3;
    c3 = c;
  }
  if (prices !== null && from === 0) prices[0] = Number.NaN;
  // Float steps (a Smi index × 60,000 would overflow past row 35,791 and deoptimise the loop).
  let expectedMs = fromMs;
  for (let index = from; index < to; index++, expectedMs += MINUTE_MS) {
    const t = timestamp[index] as number;
    if (expectedMs >= toMs) return t >= toMs ? index : -1;
    if (t !== expectedMs) return -1;
    const h = high[index] as number;
    const l = low[index] as number;
    const c = close[index] as number;
    const v = volume[index] as number;
    if (!valuesChecked) {
      const o = open[index] as number;
      // isWellFormedCandle's tests in its order (the time is finite: it is the expected minute).
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
          v !== infinity
        )
      ) {
        return -1;
      }
    }
    if (prices !== null) {
      const w = ((h + l + c) / 3) * v;
      if (index >= 4) {
        // Left to right from 0, as averagePriceOfColumns accumulates.
        const weighted = 0 + w0 + w1 + w2 + w3 + w;
        const totalVolume = 0 + v0 + v1 + v2 + v3 + v;
        const closes = 0 + c0 + c1 + c2 + c3 + c;
        prices[index + 1] = totalVolume > 0 ? weighted / totalVolume : closes / MINUTE_RUN_PRICE_CANDLES;
      } else {
        prices[index + 1] = Number.NaN;
      }
      w0 = w1;
      w1 = w2;
      w2 = w3;
      w3 = w;
      v0 = v1;
      v1 = v2;
      v2 = v3;
      v3 = v;
      c0 = c1;
      c1 = c2;
      c2 = c3;
      c3 = c;
    }
  }
  return to;
}
