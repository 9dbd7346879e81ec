// Builds higher-interval candles from finer ones, aligned to UTC interval boundaries: open of the first,
// close of the last, max high, min low, summed volume. Edge buckets missing their first or last sub-candle
// (data starting or ending mid-bucket) are dropped so a partial candle is never presented as complete.

import type { ICandleColumns } from "./candleColumns";

/**
 * Aggregates `columns` (ascending, step `sourceMs`) into candles of `targetMs` (a multiple of `sourceMs`).
 * Inner buckets with missing sub-candles (gaps) are kept, as an exchange would report them.
 */
export function aggregateColumns(
  columns: ICandleColumns,
  sourceMs: number,
  targetMs: number,
): ICandleColumns {
  const count = columns.timestamp.length;
  const capacity = Math.ceil((count * sourceMs) / targetMs) + 2;
  const timestamp = new Float64Array(capacity);
  const open = new Float64Array(capacity);
  const high = new Float64Array(capacity);
  const low = new Float64Array(capacity);
  const close = new Float64Array(capacity);
  const volume = new Float64Array(capacity);
  let length = 0;
  let index = 0;
  while (index < count) {
    const bucketStart = Math.floor(columns.timestamp[index]! / targetMs) * targetMs;
    const bucketEnd = bucketStart + targetMs;
    const first = index;
    let bucketHigh = columns.high[index]!;
    let bucketLow = columns.low[index]!;
    let bucketVolume = 0;
    while (index < count && columns.timestamp[index]! < bucketEnd) {
      if (columns.high[index]! > bucketHigh) bucketHigh = columns.high[index]!;
      if (columns.low[index]! < bucketLow) bucketLow = columns.low[index]!;
      bucketVolume += columns.volume[index]!;
      index++;
    }
    const last = index - 1;
    const complete =
      (first > 0 || columns.timestamp[first] === bucketStart) &&
      (index < count || columns.timestamp[last] === bucketEnd - sourceMs);
    if (!complete) continue;
    timestamp[length] = bucketStart;
    open[length] = columns.open[first]!;
    high[length] = bucketHigh;
    low[length] = bucketLow;
    close[length] = columns.close[last]!;
    volume[length] = bucketVolume;
    length++;
  }
  return {
    timestamp: timestamp.slice(0, length),
    open: open.slice(0, length),
    high: high.slice(0, length),
    low: low.slice(0, length),
    close: close.slice(0, length),
    volume: volume.slice(0, length),
  };
}
