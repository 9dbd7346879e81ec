// Candles held column-wise (one Float64Array per field): the shape adapters can hand the engine instead of
// ICandleData records, so large series (and SharedArrayBuffer-backed ones) are loaded without objects.

/** Candles held column-wise: equal-length Float64Arrays, `timestamp` = open time in epoch ms, ascending. */
export interface ICandleColumns {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
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
