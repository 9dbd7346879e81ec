import {
  aggregateBucketsKeepingGaps,
  aggregateCompleteBuckets,
  BtError,
  type ICandleColumns,
} from "@bt/core";
import { describe, expect, it } from "vitest";

const MINUTE = 60_000;
const HOUR_START = Date.UTC(2025, 0, 1);

/** Columns of the 1m candles at `minutes` after HOUR_START: open = minute, close = minute + 0.5, high = minute + 1, low = minute − 0.5 + 1000, volume 1. */
function minutesAt(minutes: ReadonlyArray<number>): ICandleColumns {
  return {
    timestamp: Float64Array.from(minutes, (minute) => HOUR_START + minute * MINUTE),
    open: Float64Array.from(minutes, (minute) => 1000 + minute),
    high: Float64Array.from(minutes, (minute) => 1001 + minute),
    low: Float64Array.from(minutes, (minute) => 999.5 + minute),
    close: Float64Array.from(minutes, (minute) => 1000.5 + minute),
    volume: Float64Array.from(minutes, () => 1),
  };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("aggregateCompleteBuckets and aggregateBucketsKeepingGaps", () => {
  it("aggregate a full bucket: open of the first, close of the last, max high, min low, summed volume", () => {
    for (const aggregate of [aggregateCompleteBuckets, aggregateBucketsKeepingGaps]) {
      const result = aggregate(minutesAt(range(0, 10)), MINUTE, 5 * MINUTE);
      expect(Array.from(result.timestamp)).toEqual([HOUR_START, HOUR_START + 5 * MINUTE]);
      expect(Array.from(result.open)).toEqual([1000, 1005]);
      expect(Array.from(result.close)).toEqual([1004.5, 1009.5]);
      expect(Array.from(result.high)).toEqual([1005, 1010]);
      expect(Array.from(result.low)).toEqual([999.5, 1004.5]);
      expect(Array.from(result.volume)).toEqual([5, 5]);
    }
  });

  it("both drop a partial first bucket and the partial last bucket", () => {
    const columns = minutesAt(range(3, 12)); // 3..11: [0,5) lacks 0..2, [10,15) lacks 12..14
    for (const aggregate of [aggregateCompleteBuckets, aggregateBucketsKeepingGaps]) {
      expect(Array.from(aggregate(columns, MINUTE, 5 * MINUTE).timestamp)).toEqual([HOUR_START + 5 * MINUTE]);
    }
  });

  it("an inner bucket with a gap: dropped by aggregateCompleteBuckets, kept by aggregateBucketsKeepingGaps", () => {
    const columns = minutesAt([...range(0, 6), 8, 9, ...range(10, 15)]); // 6, 7 missing in [5,10)
    expect(Array.from(aggregateCompleteBuckets(columns, MINUTE, 5 * MINUTE).timestamp)).toEqual([
      HOUR_START,
      HOUR_START + 10 * MINUTE,
    ]);
    const kept = aggregateBucketsKeepingGaps(columns, MINUTE, 5 * MINUTE);
    expect(Array.from(kept.timestamp)).toEqual([
      HOUR_START,
      HOUR_START + 5 * MINUTE,
      HOUR_START + 10 * MINUTE,
    ]);
    // The gapped bucket aggregates the sub-candles present: 5, 8, 9.
    expect(kept.open[1]).toBe(1005);
    expect(kept.close[1]).toBe(1009.5);
    expect(kept.volume[1]).toBe(3);
  });

  it("aggregateBucketsKeepingGaps keeps a first bucket that starts on time but has a gap, and a last one that ends on time", () => {
    const columns = minutesAt([0, 4, 20, 24]);
    expect(Array.from(aggregateBucketsKeepingGaps(columns, MINUTE, 5 * MINUTE).timestamp)).toEqual([
      HOUR_START,
      HOUR_START + 20 * MINUTE,
    ]);
    expect(aggregateCompleteBuckets(columns, MINUTE, 5 * MINUTE).timestamp.length).toBe(0);
  });

  it("sparse data yields more buckets than candles per bucket would suggest without overflowing", () => {
    // One candle per hour plus a closing one: 5 candles in 4 one-hour buckets, inner ones with gaps.
    const columns = minutesAt([0, 60, 120, 180, 239]);
    const kept = aggregateBucketsKeepingGaps(columns, MINUTE, 60 * MINUTE);
    expect(Array.from(kept.timestamp)).toEqual([0, 1, 2, 3].map((hour) => HOUR_START + hour * 60 * MINUTE));
    expect(Array.from(kept.volume)).toEqual([1, 1, 1, 2]);
    expect(kept.open.length).toBe(4);
  });

  it("empty input gives empty columns", () => {
    for (const aggregate of [aggregateCompleteBuckets, aggregateBucketsKeepingGaps]) {
      const result = aggregate(minutesAt([]), MINUTE, 60 * MINUTE);
      expect(result.timestamp.length).toBe(0);
      expect(result.volume.length).toBe(0);
    }
  });

  it("reject a target that is not a whole multiple of the source", () => {
    for (const aggregate of [aggregateCompleteBuckets, aggregateBucketsKeepingGaps]) {
      for (const [sourceMs, targetMs] of [
        [MINUTE, 90_000],
        [MINUTE, 0],
        [0, MINUTE],
        [5 * MINUTE, MINUTE],
      ] as const) {
        const error = (() => {
          try {
            aggregate(minutesAt(range(0, 10)), sourceMs, targetMs);
          } catch (caught) {
            return caught;
          }
          return undefined;
        })();
        expect(BtError.isInstance(error) && error.code === "VALIDATION").toBe(true);
      }
    }
  });
});
