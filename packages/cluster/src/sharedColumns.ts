// Candle columns backed by SharedArrayBuffer: copied once in the main thread, then handed to every
// worker thread by reference (structured clone shares a SharedArrayBuffer instead of copying it).

import type { ICandleColumns } from "@bt/core";
import { BtError, describeValue } from "@bt/core";

const FIELDS = ["timestamp", "open", "high", "low", "close", "volume"] as const;

/** True when every column of `columns` lives in a SharedArrayBuffer. */
export function isShared(columns: ICandleColumns): boolean {
  return FIELDS.every((field) => columns[field].buffer instanceof SharedArrayBuffer);
}

/**
 * The same candles in SharedArrayBuffer-backed Float64Arrays (returned as-is when already shared).
 * @throws BtError CANDLES when the columns are missing or of different lengths.
 */
export function toSharedColumns(columns: ICandleColumns, label = "candles"): ICandleColumns {
  const length = columns?.timestamp?.length;
  for (const field of FIELDS) {
    if (!(columns?.[field] instanceof Float64Array) || columns[field].length !== length) {
      throw new BtError(
        "CANDLES",
        `sweep: ${label} must be Float64Array columns of equal length (timestamp, open, high, low, close, volume); ${field} is ${describeValue(columns?.[field])}`,
        { field, value: columns?.[field] },
      );
    }
  }
  if (isShared(columns)) return columns;
  const shared = {} as ICandleColumns;
  for (const field of FIELDS) {
    const column = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
    column.set(columns[field]);
    shared[field] = column;
  }
  return shared;
}
