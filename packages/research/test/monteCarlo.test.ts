// Monte Carlo bands against hand-enumerated cases, and properties.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { monteCarloTrades, percentileOfSorted } from "../src/index.ts";

const value = (band: ReadonlyArray<{ percentile: number; value: number }>, percentile: number) =>
  band.find((item) => item.percentile === percentile)?.value as number;

describe("monteCarloTrades", () => {
  it("shuffle of [+10, −10, −10]: final −10.9 % always; drawdown 10.9 % (the +10 in the middle, 1 order in 3) or 19 %", () => {
    // Orders: +10 first: 1.1 → 0.99 → 0.891, drawdown 1 − 0.891/1.1 = 19 %; +10 middle: 0.9 → 0.99 → 0.891,
    // from the start's peak 1: 10.9 %; +10 last: 0.9 → 0.81 → 0.891: 19 %.
    const result = monteCarloTrades({
      returnsPercent: [10, -10, -10],
      runs: 3000,
      seed: 1,
      method: "shuffle",
    });
    for (const item of result.finalReturnPercent) expect(item.value).toBeCloseTo(-10.9, 9);
    expect(value(result.maxDrawdownPercent, 5)).toBeCloseTo(10.9, 9);
    expect(value(result.maxDrawdownPercent, 50)).toBeCloseTo(19, 9);
    expect(value(result.maxDrawdownPercent, 95)).toBeCloseTo(19, 9);
    expect(result.probabilityOfLoss).toBe(1);
    expect(result.observed).toEqual({
      finalReturnPercent: expect.closeTo(-10.9, 9),
      maxDrawdownPercent: expect.closeTo(19, 9),
    });
  });

  it("bootstrap of [+10, −10]: the four draws (+21 %, −1 %, −1 %, −19 %) each a quarter of the time", () => {
    const result = monteCarloTrades({ returnsPercent: [10, -10], runs: 4000, seed: 2, method: "bootstrap" });
    expect(value(result.finalReturnPercent, 50)).toBeCloseTo(-1, 9);
    expect(value(result.finalReturnPercent, 5)).toBeCloseTo(-19, 9);
    expect(value(result.finalReturnPercent, 95)).toBeCloseTo(21, 9);
    expect(value(result.maxDrawdownPercent, 5)).toBe(0);
    expect(value(result.maxDrawdownPercent, 95)).toBeCloseTo(19, 9);
    expect(result.probabilityOfLoss).toBeGreaterThan(0.72);
    expect(result.probabilityOfLoss).toBeLessThan(0.78);
  });

  it("the same seed gives the same bands; bad input names its field", () => {
    const input = { returnsPercent: [1, -2, 3, 0.5], runs: 50, seed: "x", method: "bootstrap" } as const;
    expect(monteCarloTrades(input)).toEqual(monteCarloTrades(input));
    expect(() => monteCarloTrades({ ...input, returnsPercent: [1] })).toThrow(
      /returnsPercent needs ≥ 2 finite values/,
    );
    expect(() => monteCarloTrades({ ...input, runs: 0 })).toThrow(/runs must be a positive integer, got 0/);
  });

  it("percentiles interpolate linearly between closest ranks (type 7)", () => {
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileOfSorted([1, 2, 3, 4], 25)).toBe(1.75);
    expect(percentileOfSorted([1, 2, 3, 4], 100)).toBe(4);
  });

  it("properties: bands rise with the percentile, shuffling never moves the final return, drawdowns lie in [0, 100]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.constantFrom("shuffle" as const, "bootstrap" as const),
        (returnsPercent, method) => {
          const result = monteCarloTrades({ returnsPercent, runs: 40, seed: 3, method });
          for (const band of [result.finalReturnPercent, result.maxDrawdownPercent]) {
            for (let i = 1; i < band.length; i++) {
              expect((band[i] as { value: number }).value).toBeGreaterThanOrEqual(
                (band[i - 1] as { value: number }).value - 1e-9,
              );
            }
          }
          for (const item of result.maxDrawdownPercent) {
            expect(item.value).toBeGreaterThanOrEqual(0);
            expect(item.value).toBeLessThanOrEqual(100);
          }
          if (method === "shuffle") {
            for (const item of result.finalReturnPercent) {
              expect(item.value).toBeCloseTo(result.observed.finalReturnPercent, 6);
            }
          }
        },
      ),
    );
  });
});
