import { describe, expect, it } from "vitest";
import {
  brokerFillProblem,
  computePnlPercent,
  configProblems,
  DEFAULT_CONFIG,
  fillPnlPercent,
} from "../src/index";

const fill = {
  orderId: "o",
  clientOrderId: "bto-1",
  price: 100.1,
  quantity: 2,
  filledAt: 1_000,
  feeQuote: 0.2002,
};

describe("brokerFillProblem", () => {
  it("accepts a plausible fill", () => {
    expect(brokerFillProblem(fill, 100, 10)).toBeNull();
  });

  it.each([
    [{ ...fill, price: Number.NaN }, "fill price must be a finite positive number, got NaN"],
    [{ ...fill, price: -1 }, "fill price must be a finite positive number, got -1"],
    [{ ...fill, quantity: 0 }, "fill quantity must be a finite positive number, got 0"],
    [
      { ...fill, filledAt: Number.POSITIVE_INFINITY },
      "fill filledAt must be a finite epoch ms, got Infinity",
    ],
    [{ ...fill, feeQuote: -0.1 }, "fill feeQuote must be a finite number ≥ 0, got -0.1"],
    [{ ...fill, clientOrderId: "" }, "fill clientOrderId must be a non-empty string, got "],
    [{ ...fill, price: 115 }, "fill price 115 is 15.00 % from the market price 100 (at most 10 %)"],
  ])("names what is wrong: %j", (bad, problem) => {
    expect(brokerFillProblem(bad, 100, 10)).toBe(problem);
  });

  it("skips the deviation check without a market price", () => {
    expect(brokerFillProblem({ ...fill, price: 1_000 }, Number.NaN, 10)).toBeNull();
  });
});

describe("fillPnlPercent", () => {
  it("equals computePnlPercent of the requested prices for fills moved by the slippage", () => {
    for (const position of ["long", "short"] as const) {
      const s = 0.1 / 100;
      const open = position === "long" ? 100 * (1 + s) : 100 * (1 - s);
      const close = position === "long" ? 103 * (1 - s) : 103 * (1 + s);
      const expected = computePnlPercent(position, 100, 103, { feePercent: 0.1, slippagePercent: 0.1 });
      expect(fillPnlPercent(position, { price: open, quantity: 1 }, { price: close }, 0.1)).toBeCloseTo(
        expected,
        12,
      );
      // With the fees the fills report (0.1 % of each filled value): the same number.
      const withFees = fillPnlPercent(
        position,
        { price: open, quantity: 3, feeQuote: (open * 3 * 0.1) / 100 },
        { price: close, feeQuote: (close * 3 * 0.1) / 100 },
        0,
      );
      expect(withFees).toBeCloseTo(expected, 12);
    }
  });
});

describe("timeout config", () => {
  it("validates the timeouts as positive integers (ms)", () => {
    expect(configProblems({ ...DEFAULT_CONFIG, CC_BROKER_TIMEOUT_MS: 0 })).toEqual([
      "CC_BROKER_TIMEOUT_MS must be a positive integer, got 0",
    ]);
    expect(configProblems({ ...DEFAULT_CONFIG, CC_GET_SIGNAL_TIMEOUT_MS: Number.NaN })).toEqual([
      "CC_GET_SIGNAL_TIMEOUT_MS must be a finite number, got NaN",
    ]);
  });
});
