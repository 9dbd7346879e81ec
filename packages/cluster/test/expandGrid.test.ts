import { describe, expect, it } from "vitest";
import { combinationName, expandGrid, toParamSets } from "../src/index.ts";

describe("expandGrid", () => {
  it("makes the cartesian product, first key varying slowest", () => {
    expect(expandGrid({ fast: [5, 10], slow: [20, 50] })).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 50 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 50 },
    ]);
    expect(expandGrid({ a: [1], b: ["x", "y"], c: [true, false] })).toHaveLength(4);
    expect(expandGrid({})).toEqual([{}]);
  });

  it("rejects empty keys, duplicates and values that do not survive serialisation", () => {
    expect(() => expandGrid({ fast: [] })).toThrow(/"fast" must be a non-empty array/);
    expect(() => expandGrid({ fast: [5, 5] })).toThrow(/lists a value twice/);
    expect(() => expandGrid({ fast: [Number.NaN] })).toThrow(/finite number, a string or a boolean/);
    expect(() => expandGrid({ fast: [null as unknown as number] })).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });

  it("keeps explicit lists in order and validates them", () => {
    expect(toParamSets([{ fast: 10 }, { fast: 5 }])).toEqual([{ fast: 10 }, { fast: 5 }]);
    expect(() => toParamSets([])).toThrow(/list of parameter sets is empty/);
    expect(() => toParamSets([{ fast: {} as unknown as number }])).toThrow(/params\[0\]: parameter "fast"/);
  });
});

describe("combinationName", () => {
  it("is stable and readable, keys in parameter-set order", () => {
    expect(combinationName("sma", { fast: 5, slow: 20 })).toBe("sma[fast=5,slow=20]");
    expect(combinationName("rsi", { period: 14, mode: "close", strict: false })).toBe(
      "rsi[period=14,mode=close,strict=false]",
    );
    expect(combinationName("plain", {})).toBe("plain");
    expect(() => combinationName("", { a: 1 })).toThrow(/strategy.name must be a non-empty string/);
  });
});
