import {
  candleProblem,
  candleValuesProblem,
  firstMalformedCandleRow,
  type ICandleColumns,
  isWellFormedCandle,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// Values that hit every rule: specials, zero and negatives, equal prices, and ordinary doubles.
const value = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0,
    -0,
    -1,
    1,
    100,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
  ),
  fc.double(),
  fc.double({ min: 90, max: 110, noNaN: true }),
);
const candle = fc.tuple(
  fc.oneof(fc.constant(Date.UTC(2025, 0, 1)), value),
  value,
  value,
  value,
  value,
  value,
);

describe("candle check properties", () => {
  it("isWellFormedCandle is exactly candleValuesProblem(...) === null, and candleProblem says the same", () => {
    fc.assert(
      fc.property(candle, ([timestamp, open, high, low, close, volume]) => {
        const problem = candleValuesProblem(timestamp, open, high, low, close, volume);
        expect(isWellFormedCandle(timestamp, open, high, low, close, volume)).toBe(problem === null);
        expect(candleProblem({ timestamp, open, high, low, close, volume })).toBe(problem?.message ?? null);
        if (problem !== null) {
          const byField = { timestamp, open, high, low, close, volume };
          expect(Object.is(problem.value, byField[problem.field])).toBe(true);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it("firstMalformedCandleRow finds exactly the first row isWellFormedCandle rejects", () => {
    const columnsOf = (rows: ReadonlyArray<readonly number[]>): ICandleColumns => {
      const column = (field: number) => Float64Array.from(rows, (row) => row[field] as number);
      return {
        timestamp: column(0),
        open: column(1),
        high: column(2),
        low: column(3),
        close: column(4),
        volume: column(5),
      };
    };
    const wellFormed = fc
      .tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }))
      .map(([price, volume]) => [Date.UTC(2025, 0, 1), price, price, price, price, volume] as const);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(candle, wellFormed), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (rows, cut) => {
          const from = cut % rows.length;
          const expected = rows.findIndex(
            (row, index) =>
              index >= from &&
              !isWellFormedCandle(...(row as [number, number, number, number, number, number])),
          );
          expect(firstMalformedCandleRow(columnsOf(rows), from, rows.length)).toBe(expected);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("accepts every candle with finite positive prices ordered low ≤ open, close ≤ high", () => {
    const positive = fc.double({ min: Number.MIN_VALUE, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(
        fc.tuple(positive, positive, positive, positive),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        (prices, volume) => {
          const [low, open, close, high] = [...prices].sort((a, b) => a - b) as [
            number,
            number,
            number,
            number,
          ];
          expect(isWellFormedCandle(Date.UTC(2025, 0, 1), open, high, low, close, volume)).toBe(true);
        },
      ),
    );
  });
});
