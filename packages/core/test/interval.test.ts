import {
  alignDown,
  alignDownMs,
  alignUp,
  BtError,
  CANDLE_INTERVALS,
  type CandleInterval,
  frameTimestamps,
  intervalToMinutes,
  intervalToMs,
  isCandleInterval,
  MINUTE_MS,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const HOUR_MS = 3_600_000;

describe("interval lengths", () => {
  it("every interval has its length in ms", () => {
    const expected: Record<CandleInterval, number> = {
      "1m": 60_000,
      "3m": 180_000,
      "5m": 300_000,
      "15m": 900_000,
      "30m": 1_800_000,
      "1h": 3_600_000,
      "2h": 7_200_000,
      "4h": 14_400_000,
      "6h": 21_600_000,
      "8h": 28_800_000,
      "12h": 43_200_000,
      "1d": 86_400_000,
    };
    expect([...CANDLE_INTERVALS]).toEqual(Object.keys(expected));
    for (const interval of CANDLE_INTERVALS) {
      expect(intervalToMs(interval)).toBe(expected[interval]);
      expect(intervalToMinutes(interval)).toBe(expected[interval] / 60_000);
    }
    expect(MINUTE_MS).toBe(60_000);
  });

  it("rejects an unknown interval with BtError VALIDATION", () => {
    expect(isCandleInterval("2m")).toBe(false);
    expect(isCandleInterval("toString")).toBe(false);
    expect(isCandleInterval("4h")).toBe(true);
    let thrown: unknown;
    try {
      intervalToMs("2m" as CandleInterval);
    } catch (error) {
      thrown = error;
    }
    expect(BtError.isInstance(thrown)).toBe(true);
    expect((thrown as BtError).code).toBe("VALIDATION");
    expect((thrown as BtError).message).toBe(
      `interval must be one of ${CANDLE_INTERVALS.join(", ")}, got "2m"`,
    );
  });
});

describe("UTC alignment", () => {
  const t = Date.UTC(2025, 0, 15, 13, 47, 31, 250); // 2025-01-15T13:47:31.250Z

  it("alignDown goes to the start of the containing interval", () => {
    expect(alignDown(t, "1m")).toBe(Date.UTC(2025, 0, 15, 13, 47));
    expect(alignDown(t, "15m")).toBe(Date.UTC(2025, 0, 15, 13, 45));
    expect(alignDown(t, "1h")).toBe(Date.UTC(2025, 0, 15, 13));
    expect(alignDown(t, "4h")).toBe(Date.UTC(2025, 0, 15, 12));
    expect(alignDown(t, "1d")).toBe(Date.UTC(2025, 0, 15));
  });

  it("alignUp goes to the next boundary and keeps a boundary as is", () => {
    expect(alignUp(t, "1m")).toBe(Date.UTC(2025, 0, 15, 13, 48));
    expect(alignUp(t, "1h")).toBe(Date.UTC(2025, 0, 15, 14));
    expect(alignUp(t, "1d")).toBe(Date.UTC(2025, 0, 16));
    const boundary = Date.UTC(2025, 0, 15, 14);
    expect(alignUp(boundary, "1h")).toBe(boundary);
    expect(alignDown(boundary, "1h")).toBe(boundary);
  });

  it("aligns timestamps before 1970 down, not toward zero", () => {
    expect(alignDown(-1, "1m")).toBe(-MINUTE_MS);
    expect(alignUp(-1, "1m")).toBe(0);
    expect(alignDown(Date.UTC(1969, 11, 31, 23, 30), "1h")).toBe(Date.UTC(1969, 11, 31, 23));
  });

  it("alignDownMs is the exact floor to a multiple of the step for any integer ms, just below a boundary too", () => {
    const remainderForm = (ms: number, stepMs: number) => ms - (((ms % stepMs) + stepMs) % stepMs);
    const steps = CANDLE_INTERVALS.map(intervalToMs);
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
        fc.integer({ min: -2, max: 2 }),
        (stepMs, ms, nudge) => {
          // Half the cases sit within 2 ms of a boundary, where a rounded quotient could step over it.
          for (const value of [ms, Math.round(ms / stepMs) * stepMs + nudge]) {
            const down = alignDownMs(value, stepMs);
            expect(down).toBe(remainderForm(value, stepMs));
            expect(down <= value && value < down + stepMs && down % stepMs === 0).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(alignDownMs(Number.MAX_SAFE_INTEGER - 1, 3)).toBe(remainderForm(Number.MAX_SAFE_INTEGER - 1, 3));
  });
});

describe("frameTimestamps", () => {
  const january = Date.UTC(2025, 0, 1);
  const february = Date.UTC(2025, 1, 1);

  it("January 2025 at 1m has 31·24·60 = 44,640 minutes, half-open", () => {
    const timestamps = frameTimestamps(january, february, "1m");
    expect(timestamps.length).toBe(44_640);
    expect(timestamps[0]).toBe(january);
    expect(timestamps[timestamps.length - 1]).toBe(february - MINUTE_MS);
    for (let index = 1; index < timestamps.length; index += 997) {
      expect((timestamps[index] as number) - (timestamps[index - 1] as number)).toBe(MINUTE_MS);
    }
  });

  it("January 2025 at 1h has 31·24 = 744 hours", () => {
    const timestamps = frameTimestamps(january, february, "1h");
    expect(timestamps.length).toBe(744);
    expect(timestamps[743]).toBe(february - HOUR_MS);
  });

  it("a start off a boundary is aligned up; the end is exclusive", () => {
    const start = january + 30_000; // 00:00:30
    expect([...frameTimestamps(start, january + 3 * MINUTE_MS, "1m")]).toEqual([
      january + MINUTE_MS,
      january + 2 * MINUTE_MS,
    ]);
    expect([...frameTimestamps(start, january + 2.5 * MINUTE_MS, "1m")]).toEqual([
      january + MINUTE_MS,
      january + 2 * MINUTE_MS,
    ]);
    // No boundary inside [start, end): empty.
    expect(frameTimestamps(start, january + 50_000, "1m").length).toBe(0);
  });

  it.each([
    ["a NaN start", Number.NaN, february, "startDate must be a valid date, got NaN"],
    [
      "an infinite start",
      Number.NEGATIVE_INFINITY,
      february,
      "startDate must be a valid date, got -Infinity",
    ],
    [
      "an end equal to the start",
      january,
      january,
      "endDate must be after startDate (2025-01-01T00:00:00.000Z), got 1735689600000",
    ],
    [
      "an end before the start",
      february,
      january,
      "endDate must be after startDate (2025-02-01T00:00:00.000Z), got 1735689600000",
    ],
    ["a NaN end", january, Number.NaN, "endDate must be after startDate (2025-01-01T00:00:00.000Z), got NaN"],
    // Fixed bug: a finite start beyond the Date range made the message builder throw a RangeError.
    ["a start beyond the Date range", 9e15, 0, "endDate must be after startDate (Invalid Date), got 0"],
  ])("rejects %s with BtError VALIDATION", (_name, start, end, message) => {
    let thrown: unknown;
    try {
      frameTimestamps(start, end, "1m");
    } catch (error) {
      thrown = error;
    }
    expect(BtError.isInstance(thrown)).toBe(true);
    expect((thrown as BtError).code).toBe("VALIDATION");
    expect((thrown as BtError).message).toBe(message);
  });
});
