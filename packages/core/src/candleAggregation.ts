// Aggregation of finer candle columns into a longer interval, aligned to UTC multiples of the target length:
// open of the first sub-candle, close of the last, max high, min low, summed volume. Two gap policies with
// distinct names: complete buckets only (the engine's store) or buckets kept across inner gaps (an exchange).

import { BtError, describeValue } from "./btError";
import { allocateCandleColumns, COLUMN_KERNEL_CHUNK_ROWS, type ICandleColumns } from "./candleColumns";

/**
 * Aggregates `columns` (ascending open times, multiples of `sourceMs`, no duplicates) into `targetMs`
 * candles, emitting only complete buckets: a bucket is kept when every one of its `targetMs / sourceMs`
 * sub-candles is present. A bucket with an inner gap is dropped, and so are a partial first bucket (data
 * starting mid-bucket) and the partial last bucket (data ending mid-bucket, e.g. a candle still forming).
 * On gap-free data it returns the same candles as aggregateBucketsKeepingGaps.
 * @param sourceMs length of an input candle in ms (> 0)
 * @param targetMs length of an output candle in ms, a whole multiple of `sourceMs`
 * @throws BtError VALIDATION when `targetMs` is not a positive whole multiple of `sourceMs`.
 * @example aggregateCompleteBuckets(minutes, MINUTE_MS, intervalToMs("1h")) // full hours only
 */
export function aggregateCompleteBuckets(
  columns: Readonly<ICandleColumns>,
  sourceMs: number,
  targetMs: number,
): ICandleColumns {
  return aggregateBuckets(columns, sourceMs, targetMs, true);
}

/**
 * Aggregates `columns` (ascending open times, multiples of `sourceMs`, no duplicates) into `targetMs`
 * candles the way an exchange reports them: every bucket holding at least one sub-candle is kept, inner
 * gaps included (the candle aggregates the sub-candles present, e.g. across a maintenance gap). Only the
 * edges are dropped when partial: the first bucket when it lacks its first sub-candle (data starting
 * mid-bucket), the last bucket when it lacks its last sub-candle (data ending mid-bucket, e.g. a candle
 * still forming). On gap-free data it returns the same candles as aggregateCompleteBuckets.
 * @param sourceMs length of an input candle in ms (> 0)
 * @param targetMs length of an output candle in ms, a whole multiple of `sourceMs`
 * @throws BtError VALIDATION when `targetMs` is not a positive whole multiple of `sourceMs`.
 * @example aggregateBucketsKeepingGaps(fileColumns, MINUTE_MS, intervalToMs("1h"))
 */
export function aggregateBucketsKeepingGaps(
  columns: Readonly<ICandleColumns>,
  sourceMs: number,
  targetMs: number,
): ICandleColumns {
  return aggregateBuckets(columns, sourceMs, targetMs, false);
}

/** The one aggregation loop; `completeOnly` picks the policy for buckets missing sub-candles. */
function aggregateBuckets(
  columns: Readonly<ICandleColumns>,
  sourceMs: number,
  targetMs: number,
  completeOnly: boolean,
): ICandleColumns {
  const perBucket = subCandlesPerBucket(sourceMs, targetMs);
  const count = columns.timestamp.length;
  // Ascending, aligned, unique open times spanning exactly count − 1 steps have no gap: every bucket
  // between the edges is complete, so the buckets are cut by arithmetic (both policies agree there).
  if (count > 0 && columns.timestamp[count - 1]! - columns.timestamp[0]! === (count - 1) * sourceMs) {
    return aggregateContiguous(columns, sourceMs, targetMs, perBucket);
  }
  // Kept buckets do not overlap and hold at least one (complete ones: perBucket) sub-candles each.
  const capacity = Math.min(
    completeOnly ? Math.floor(count / perBucket) : count,
    spannedBuckets(columns.timestamp, targetMs),
  );
  const output = allocateCandleColumns(capacity);
  let length = 0;
  let index = 0;
  while (index < count) {
    const first = index;
    const bucketStart = Math.floor(columns.timestamp[index]! / targetMs) * targetMs;
    const bucketEnd = bucketStart + targetMs;
    let bucketHigh = columns.high[index]!;
    let bucketLow = columns.low[index]!;
    let bucketVolume = 0;
    while (index < count && columns.timestamp[index]! < bucketEnd) {
      const high = columns.high[index]!;
      const low = columns.low[index]!;
      if (high > bucketHigh) bucketHigh = high;
      if (low < bucketLow) bucketLow = low;
      bucketVolume += columns.volume[index]!;
      index++;
    }
    const last = index - 1;
    const hasFirst = columns.timestamp[first] === bucketStart;
    const hasLast = columns.timestamp[last] === bucketEnd - sourceMs;
    // Aligned, ascending, unique open times: perBucket of them from the first to the last sub-candle
    // means none is missing. Keeping gaps, only the data's edges must reach the bucket's boundary.
    const kept = completeOnly
      ? hasFirst && hasLast && index - first === perBucket
      : (first > 0 || hasFirst) && (index < count || hasLast);
    if (!kept) continue;
    output.timestamp[length] = bucketStart;
    output.open[length] = columns.open[first]!;
    output.high[length] = bucketHigh;
    output.low[length] = bucketLow;
    output.close[length] = columns.close[last]!;
    output.volume[length] = bucketVolume;
    length++;
  }
  return trimColumns(output, length);
}

/**
 * aggregateBuckets on gap-free columns, for both policies: only the edge buckets can be partial there, and
 * both policies drop a first bucket missing its first sub-candle and a last one missing its last, so the
 * result is the full buckets, cut in one fixed-stride pass.
 */
function aggregateContiguous(
  columns: Readonly<ICandleColumns>,
  sourceMs: number,
  targetMs: number,
  perBucket: number,
): ICandleColumns {
  const count = columns.timestamp.length;
  const firstMs = columns.timestamp[0]!;
  const firstBucketMs = Math.floor(firstMs / targetMs) * targetMs;
  // Sub-candles before the first full bucket (a partial first bucket is dropped).
  const skipped = firstMs === firstBucketMs ? 0 : (firstBucketMs + targetMs - firstMs) / sourceMs;
  const buckets = Math.max(0, Math.floor((count - skipped) / perBucket));
  const output = allocateCandleColumns(buckets);
  // Chunk by chunk (COLUMN_KERNEL_CHUNK_ROWS sub-candles per call): optimised as a function, not OSR'd.
  const chunkBuckets = Math.max(1, Math.floor(COLUMN_KERNEL_CHUNK_ROWS / perBucket));
  for (let from = 0; from < buckets; from += chunkBuckets) {
    aggregateBucketRange(columns, output, skipped, perBucket, from, Math.min(buckets, from + chunkBuckets));
  }
  return output;
}

/** Buckets [from, to) of aggregateContiguous into `output`. */
function aggregateBucketRange(
  columns: Readonly<ICandleColumns>,
  output: ICandleColumns,
  skipped: number,
  perBucket: number,
  from: number,
  to: number,
): void {
  const { timestamp, open, high, low, close, volume } = columns;
  for (let bucket = from; bucket < to; bucket++) {
    const first = skipped + bucket * perBucket;
    const end = first + perBucket;
    let bucketHigh = high[first]!;
    let bucketLow = low[first]!;
    let bucketVolume = 0;
    for (let index = first; index < end; index++) {
      const candleHigh = high[index]!;
      const candleLow = low[index]!;
      if (candleHigh > bucketHigh) bucketHigh = candleHigh;
      if (candleLow < bucketLow) bucketLow = candleLow;
      bucketVolume += volume[index]!;
    }
    output.timestamp[bucket] = timestamp[first]!;
    output.open[bucket] = open[first]!;
    output.high[bucket] = bucketHigh;
    output.low[bucket] = bucketLow;
    output.close[bucket] = close[end - 1]!;
    output.volume[bucket] = bucketVolume;
  }
}

/** targetMs / sourceMs, checked to be a whole number ≥ 1. */
function subCandlesPerBucket(sourceMs: number, targetMs: number): number {
  const perBucket = targetMs / sourceMs;
  if (!(sourceMs > 0) || !Number.isInteger(perBucket) || perBucket < 1) {
    throw new BtError(
      "VALIDATION",
      `candle aggregation: targetMs must be a positive whole multiple of sourceMs ${describeValue(sourceMs)}, got ${describeValue(targetMs)}`,
      { field: "targetMs", value: targetMs },
    );
  }
  return perBucket;
}

/** Number of target buckets from the first open time's to the last's (0 for no candles). */
function spannedBuckets(timestamp: Float64Array, targetMs: number): number {
  const count = timestamp.length;
  if (count === 0) return 0;
  return Math.floor(timestamp[count - 1]! / targetMs) - Math.floor(timestamp[0]! / targetMs) + 1;
}

/** `columns` cut to `length` (copied, so the spare capacity is released; as-is when already that long). */
function trimColumns(columns: ICandleColumns, length: number): ICandleColumns {
  if (length === columns.timestamp.length) return columns;
  return {
    timestamp: columns.timestamp.slice(0, length),
    open: columns.open.slice(0, length),
    high: columns.high.slice(0, length),
    low: columns.low.slice(0, length),
    close: columns.close.slice(0, length),
    volume: columns.volume.slice(0, length),
  };
}
