import {
  averagePriceOfColumns,
  COLUMN_KERNEL_CHUNK_ROWS,
  candleProblem,
  candleValuesProblem,
  type ICandleColumns,
  isWellFormedCandle,
  MINUTE_MS,
  scanMinuteRun,
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

const START_MS = Date.UTC(2025, 0, 1);
const END_MS = Number.POSITIVE_INFINITY;

/** Columns of rows [timestamp, open, high, low, close, volume]. */
function columnsOf(rows: ReadonlyArray<readonly number[]>): ICandleColumns {
  const column = (field: number) => Float64Array.from(rows, (row) => row[field] as number);
  return {
    timestamp: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
  };
}

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

  it("scanMinuteRun breaks the run exactly where isWellFormedCandle rejects a row", () => {
    const wellFormed = fc
      .tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }))
      .map(([price, volume]) => [START_MS, price, price, price, price, volume] as const);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(candle, wellFormed), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (rows, cut) => {
          // Every row at its minute: only the values can break the run.
          const minuteRows = rows.map((row, index) => [START_MS + index * MINUTE_MS, ...row.slice(1)]);
          const from = cut % rows.length;
          const broken = minuteRows.some(
            (row, index) =>
              index >= from &&
              !isWellFormedCandle(...(row as [number, number, number, number, number, number])),
          );
          const columns = columnsOf(minuteRows);
          const fromMs = START_MS + from * MINUTE_MS;
          expect(scanMinuteRun(columns, from, rows.length, fromMs, END_MS, false, null)).toBe(
            broken ? -1 : rows.length,
          );
          // Marked as checked, the values are not looked at.
          expect(scanMinuteRun(columns, from, rows.length, fromMs, END_MS, true, null)).toBe(rows.length);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("scanMinuteRun follows the minutes: a gap, a repeat or a step back breaks it, toMs ends it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(1, 1, 1, 1, 0, 2, -1), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 14 }),
        (steps, endMinute) => {
          // Row i opens `steps[i]` minutes after row i − 1 (row 0 at START_MS).
          const times: number[] = [];
          for (const [index, step] of steps.entries()) {
            times.push(index === 0 ? START_MS : (times[index - 1] as number) + step * MINUTE_MS);
          }
          const toMs = START_MS + endMinute * MINUTE_MS;
          const columns = columnsOf(times.map((time) => [time, 100, 100, 100, 100, 1]));
          // The reference: stop at the first row at or after toMs, break at the first row off its minute.
          let expected = times.length;
          for (const [index, time] of times.entries()) {
            const minuteMs = START_MS + index * MINUTE_MS;
            if (minuteMs >= toMs) {
              expected = time >= toMs ? index : -1;
              break;
            }
            if (time !== minuteMs) {
              expected = -1;
              break;
            }
          }
          expect(scanMinuteRun(columns, 0, times.length, START_MS, toMs, false, null)).toBe(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("scanMinuteRun's prices are averagePriceOfColumns of the 5 rows before, bit for bit, in any chunks", () => {
    const row = fc
      .tuple(
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        // Mostly traded minutes, some without volume (a window of five then falls back to closes).
        fc.oneof(
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 9, arbitrary: fc.double({ min: 1e-3, max: 1e6, noNaN: true }) },
        ),
      )
      .map(([low, spread, volume]) => [low + spread / 2, low + spread, low, low + spread / 3, volume]);
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, chunk) => {
          const columns = columnsOf(rows.map((values, index) => [START_MS + index * MINUTE_MS, ...values]));
          const prices = new Float64Array(rows.length + 1).fill(-1);
          for (let from = 0; from < rows.length; from += chunk) {
            const to = Math.min(rows.length, from + chunk);
            expect(scanMinuteRun(columns, from, to, START_MS + from * MINUTE_MS, END_MS, false, prices)).toBe(
              to,
            );
          }
          if (rows.length === 0) return;
          for (let index = 0; index <= rows.length; index++) {
            const price = prices[index] as number;
            if (index < 5) expect(price).toBeNaN();
            else {
              const { high, low, close, volume } = columns;
              expect(
                Object.is(price, averagePriceOfColumns(high, low, close, volume, index - 5, index)),
              ).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("scanMinuteRun runs across its internal chunks as one pass", () => {
    const count = 2 * COLUMN_KERNEL_CHUNK_ROWS + 7;
    const rows = Array.from({ length: count }, (_, index) => {
      const low = 100 + Math.sin(index);
      return [
        START_MS + index * MINUTE_MS,
        low + 0.5,
        low + 1,
        low,
        low + 0.25,
        index % 7 === 0 ? 0 : index % 13,
      ];
    });
    const columns = columnsOf(rows);
    const prices = new Float64Array(count + 1);
    expect(scanMinuteRun(columns, 0, count, START_MS, END_MS, false, prices)).toBe(count);
    const { high, low, close, volume } = columns;
    for (let index = 5; index <= count; index++) {
      expect(
        Object.is(prices[index], averagePriceOfColumns(high, low, close, volume, index - 5, index)),
      ).toBe(true);
    }
    // A malformed row, and a row off its minute, in the second chunk; toMs ending the run there.
    const broken = COLUMN_KERNEL_CHUNK_ROWS + 3;
    const badValue = columnsOf(
      rows.map((row, index) => (index === broken ? [row[0] as number, -1, 1, 1, 1, 1] : row)),
    );
    expect(scanMinuteRun(badValue, 0, count, START_MS, END_MS, false, null)).toBe(-1);
    const badTime = columnsOf(
      rows.map((row, index) => (index === broken ? [(row[0] as number) + 1, ...row.slice(1)] : row)),
    );
    expect(scanMinuteRun(badTime, 0, count, START_MS, END_MS, true, null)).toBe(-1);
    expect(scanMinuteRun(columns, 0, count, START_MS, START_MS + broken * MINUTE_MS, false, null)).toBe(
      broken,
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
