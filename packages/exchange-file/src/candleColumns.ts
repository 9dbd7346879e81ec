// Column-wise candle storage (one Float64Array per field) and the helpers that read it: binary search by
// open time and conversion of a slice to ICandleData records for the exchange contract.

import type { ICandleColumns, ICandleData } from "@bt/core";

export type { ICandleColumns } from "@bt/core";

/** Index of the first candle whose open time (epoch ms) is ≥ `timestampMs`; `length` when none is. */
export function lowerBound(timestamps: Float64Array, timestampMs: number): number {
  let low = 0;
  let high = timestamps.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (timestamps[middle]! < timestampMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** ICandleData records for the candles at indexes [from, to) of `columns`. */
export function columnsToCandles(columns: ICandleColumns, from: number, to: number): ICandleData[] {
  const candles: ICandleData[] = [];
  for (let index = from; index < to; index++) {
    candles.push({
      timestamp: columns.timestamp[index]!,
      open: columns.open[index]!,
      high: columns.high[index]!,
      low: columns.low[index]!,
      close: columns.close[index]!,
      volume: columns.volume[index]!,
    });
  }
  return candles;
}
