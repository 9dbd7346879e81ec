import { candleProblem, candleValuesProblem, type ICandleData, isWellFormedCandle } from "@bt/core";
import { describe, expect, it } from "vitest";

const GOOD: ICandleData = {
  timestamp: Date.UTC(2025, 0, 1),
  open: 100,
  high: 105,
  low: 95,
  close: 102,
  volume: 12,
};

describe("candleProblem", () => {
  it("accepts a well-formed candle, also with zero volume and a flat bar", () => {
    expect(candleProblem(GOOD)).toBeNull();
    expect(candleProblem({ ...GOOD, volume: 0 })).toBeNull();
    expect(candleProblem({ ...GOOD, open: 100, high: 100, low: 100, close: 100 })).toBeNull();
  });

  it.each([
    ["NaN timestamp", { timestamp: Number.NaN }, "timestamp is not a finite number (NaN)"],
    ["zero open", { open: 0 }, "open must be a finite positive price, got 0"],
    [
      "infinite high",
      { high: Number.POSITIVE_INFINITY },
      "high must be a finite positive price, got Infinity",
    ],
    ["negative low", { low: -1 }, "low must be a finite positive price, got -1"],
    ["NaN close", { close: Number.NaN }, "close must be a finite positive price, got NaN"],
    ["negative volume", { volume: -3 }, "volume must be a finite non-negative number, got -3"],
    ["NaN volume", { volume: Number.NaN }, "volume must be a finite non-negative number, got NaN"],
    ["high below low", { high: 94, low: 95, open: 94.5, close: 94.5 }, "high 94 is below low 95"],
    ["low above the open", { low: 101 }, "low 101 is above min(open, close) 100"],
    ["high below the close", { high: 101 }, "high 101 is below max(open, close) 102"],
  ])("rejects %s", (_name, patch, message) => {
    expect(candleProblem({ ...GOOD, ...patch })).toBe(message);
  });
});

describe("candleValuesProblem", () => {
  it("names the field at fault and its value", () => {
    expect(candleValuesProblem(GOOD.timestamp, 100, 105, 95, 102, 12)).toBeNull();
    expect(candleValuesProblem(GOOD.timestamp, 100, 105, 101, 102, 12)).toEqual({
      field: "low",
      value: 101,
      message: "low 101 is above min(open, close) 100",
    });
    expect(candleValuesProblem(GOOD.timestamp, 100, 105, 95, 102, -1)?.field).toBe("volume");
    expect(candleValuesProblem(Number.NaN, 100, 105, 95, 102, 1)?.field).toBe("timestamp");
    expect(isWellFormedCandle(GOOD.timestamp, 100, 105, 101, 102, 12)).toBe(false);
    expect(isWellFormedCandle(GOOD.timestamp, 100, 105, 95, 102, 12)).toBe(true);
  });
});
