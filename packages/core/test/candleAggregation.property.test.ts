import {
  aggregateBucketsKeepingGaps,
  aggregateCompleteBuckets,
  COLUMN_KERNEL_CHUNK_ROWS,
  type ICandleColumns,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const MINUTE = 60_000;
const SUB_CANDLES = [1, 2, 3, 5, 15, 60, 240, 1440] as const;
const price = fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true });

/** Random candles at the given source indexes (open time = index·sourceMs). */
const candlesAt = (indexes: ReadonlyArray<number>, sourceMs: number) =>
  fc
    .array(fc.tuple(price, price, price, price, fc.double({ min: 0, max: 1e6, noNaN: true })), {
      minLength: indexes.length,
      maxLength: indexes.length,
    })
    .map((rows): ICandleColumns => {
      const columns: ICandleColumns = {
        timestamp: Float64Array.from(indexes, (index) => index * sourceMs),
        open: new Float64Array(indexes.length),
        high: new Float64Array(indexes.length),
        low: new Float64Array(indexes.length),
        close: new Float64Array(indexes.length),
        volume: new Float64Array(indexes.length),
      };
      rows.forEach(([a, b, c, d, volume], row) => {
        const sorted = [a, b, c, d].sort((x, y) => x - y);
        columns.low[row] = sorted[0]!;
        columns.open[row] = sorted[1]!;
        columns.close[row] = sorted[2]!;
        columns.high[row] = sorted[3]!;
        columns.volume[row] = volume;
      });
      return columns;
    });

const sourceMs = fc.constantFrom(MINUTE, 3 * MINUTE, 5 * MINUTE);
const perBucket = fc.constantFrom(...SUB_CANDLES);

/** Contiguous data: `length` candles from a random (bucket-unaligned) start. */
const contiguous = fc
  .record({
    sourceMs,
    perBucket,
    start: fc.integer({ min: 0, max: 5_000_000 }),
    length: fc.nat({ max: 600 }),
  })
  .chain(({ sourceMs, perBucket, start, length }) =>
    candlesAt(
      Array.from({ length }, (_, offset) => start + offset),
      sourceMs,
    ).map((columns) => ({ columns, sourceMs, targetMs: sourceMs * perBucket })),
  );

/** Data with gaps: a random ascending subset of a contiguous range. */
const gapped = fc
  .record({
    sourceMs,
    perBucket,
    start: fc.integer({ min: 0, max: 5_000_000 }),
    keep: fc.array(fc.boolean(), { maxLength: 600 }),
  })
  .chain(({ sourceMs, perBucket, start, keep }) =>
    candlesAt(
      keep.flatMap((kept, offset) => (kept ? [start + offset] : [])),
      sourceMs,
    ).map((columns) => ({ columns, sourceMs, targetMs: sourceMs * perBucket })),
  );

describe("candle aggregation properties", () => {
  it("on contiguous data both policies give the same candles, bit for bit", () => {
    fc.assert(
      fc.property(contiguous, ({ columns, sourceMs, targetMs }) => {
        expect(aggregateBucketsKeepingGaps(columns, sourceMs, targetMs)).toEqual(
          aggregateCompleteBuckets(columns, sourceMs, targetMs),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("on contiguous data the gap-free fast path gives the general loop's candles, bit for bit", () => {
    fc.assert(
      fc.property(contiguous, ({ columns, sourceMs, targetMs }) => {
        const length = columns.timestamp.length;
        if (length === 0) return;
        // One more candle two buckets after the data opens a gap, so the general loop runs; it adds at
        // most its own (single-candle) bucket after the data's.
        const lastMs = columns.timestamp[length - 1]!;
        const extraMs = (Math.floor(lastMs / targetMs) + 2) * targetMs;
        const withGap: ICandleColumns = {
          timestamp: Float64Array.from([...columns.timestamp, extraMs]),
          open: Float64Array.from([...columns.open, 1]),
          high: Float64Array.from([...columns.high, 1]),
          low: Float64Array.from([...columns.low, 1]),
          close: Float64Array.from([...columns.close, 1]),
          volume: Float64Array.from([...columns.volume, 1]),
        };
        const fast = aggregateCompleteBuckets(columns, sourceMs, targetMs);
        const general = aggregateCompleteBuckets(withGap, sourceMs, targetMs);
        const buckets = fast.timestamp.length;
        expect(general.timestamp.length).toBe(buckets + (targetMs === sourceMs ? 1 : 0));
        for (const field of ["timestamp", "open", "high", "low", "close", "volume"] as const) {
          expect(general[field].subarray(0, buckets)).toEqual(fast[field]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with gaps every complete bucket is also kept, identical, by aggregateBucketsKeepingGaps", () => {
    fc.assert(
      fc.property(gapped, ({ columns, sourceMs, targetMs }) => {
        const complete = aggregateCompleteBuckets(columns, sourceMs, targetMs);
        const kept = aggregateBucketsKeepingGaps(columns, sourceMs, targetMs);
        const keptIndex = new Map(Array.from(kept.timestamp, (timestamp, index) => [timestamp, index]));
        for (let index = 0; index < complete.timestamp.length; index++) {
          const at = keptIndex.get(complete.timestamp[index]!);
          expect(at).toBeDefined();
          for (const field of ["open", "high", "low", "close", "volume"] as const) {
            expect(kept[field][at!]).toBe(complete[field][index]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("aggregated candles are aligned, ascending, OHLC-consistent, and a complete one spans its bucket", () => {
    fc.assert(
      fc.property(gapped, ({ columns, sourceMs, targetMs }) => {
        for (const aggregate of [aggregateCompleteBuckets, aggregateBucketsKeepingGaps]) {
          const result = aggregate(columns, sourceMs, targetMs);
          const length = result.timestamp.length;
          for (const field of ["open", "high", "low", "close", "volume"] as const) {
            expect(result[field].length).toBe(length);
          }
          for (let index = 0; index < length; index++) {
            const timestamp = result.timestamp[index]!;
            expect(timestamp % targetMs).toBe(0);
            if (index > 0) expect(timestamp).toBeGreaterThan(result.timestamp[index - 1]!);
            expect(result.low[index]!).toBeLessThanOrEqual(
              Math.min(result.open[index]!, result.close[index]!),
            );
            expect(result.high[index]!).toBeGreaterThanOrEqual(
              Math.max(result.open[index]!, result.close[index]!),
            );
          }
        }
        const complete = aggregateCompleteBuckets(columns, sourceMs, targetMs);
        const present = new Set(columns.timestamp);
        for (const bucketStart of complete.timestamp) {
          for (let at = bucketStart; at < bucketStart + targetMs; at += sourceMs) {
            expect(present.has(at)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("candle aggregation across kernel chunks", () => {
  it("the gap-free fast path over several COLUMN_KERNEL_CHUNK_ROWS chunks gives the general loop's candles", () => {
    const length = 3 * COLUMN_KERNEL_CHUNK_ROWS + 77;
    const long = fc
      .record({ perBucket: fc.constantFrom(7, 15, 60, 1440), start: fc.integer({ min: 0, max: 5_000_000 }) })
      .chain(({ perBucket, start }) =>
        candlesAt(
          Array.from({ length }, (_, offset) => start + offset),
          MINUTE,
        ).map((columns) => ({ columns, targetMs: MINUTE * perBucket })),
      );
    fc.assert(
      fc.property(long, ({ columns, targetMs }) => {
        const fast = aggregateCompleteBuckets(columns, MINUTE, targetMs);
        // A candle two buckets after the data opens a gap, so the general loop runs.
        const extraMs = (Math.floor(columns.timestamp[length - 1]! / targetMs) + 2) * targetMs;
        const append = (column: Float64Array, value: number) => Float64Array.from([...column, value]);
        const general = aggregateCompleteBuckets(
          {
            timestamp: append(columns.timestamp, extraMs),
            open: append(columns.open, 1),
            high: append(columns.high, 1),
            low: append(columns.low, 1),
            close: append(columns.close, 1),
            volume: append(columns.volume, 1),
          },
          MINUTE,
          targetMs,
        );
        const buckets = fast.timestamp.length;
        expect(buckets).toBeGreaterThan(0);
        for (const field of ["timestamp", "open", "high", "low", "close", "volume"] as const) {
          expect(general[field].subarray(0, buckets)).toEqual(fast[field]);
        }
      }),
      { numRuns: 8 },
    );
  });
});
