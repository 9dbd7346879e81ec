import { DEFAULT_CONFIG, type IGlobalConfig, validateSignal } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const price = fc.double({ min: 0.001, max: 100_000, noNaN: true, noDefaultInfinity: true });
// Levels anywhere from −50 % to +50 % of the reference, so both sides and all distances are exercised.
const offset = fc.double({ min: -0.5, max: 0.5, noNaN: true, noDefaultInfinity: true });

const config: fc.Arbitrary<Readonly<IGlobalConfig>> = fc
  .record({
    minTakeProfit: fc.double({ min: 0, max: 5, noNaN: true }),
    minStopLoss: fc.double({ min: 0, max: 5, noNaN: true }),
    maxStopLoss: fc.double({ min: 5, max: 60, noNaN: true }),
  })
  .map(({ minTakeProfit, minStopLoss, maxStopLoss }) => ({
    ...DEFAULT_CONFIG,
    CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: minTakeProfit,
    CC_MIN_STOPLOSS_DISTANCE_PERCENT: minStopLoss,
    CC_MAX_STOPLOSS_DISTANCE_PERCENT: maxStopLoss,
  }));

describe("validateSignal properties", () => {
  it("a signal that validates never has TP/SL on the wrong side, and its distances respect the limits", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("long" as const, "short" as const),
        price,
        fc.option(offset, { nil: undefined }),
        offset,
        offset,
        config,
        (position, currentPrice, openOffset, takeProfitOffset, stopLossOffset, limits) => {
          const priceOpen = openOffset === undefined ? undefined : currentPrice * (1 + openOffset);
          const open = priceOpen ?? currentPrice;
          const signal = {
            position,
            priceOpen,
            priceTakeProfit: open * (1 + takeProfitOffset),
            priceStopLoss: open * (1 + stopLossOffset),
            minuteEstimatedTime: 60,
          };
          if (priceOpen === undefined) delete signal.priceOpen;
          const problems = validateSignal(signal, currentPrice, limits);
          if (problems.length > 0) return;
          if (position === "long") {
            expect(signal.priceTakeProfit).toBeGreaterThan(open);
            expect(signal.priceStopLoss).toBeLessThan(open);
            if (priceOpen !== undefined) expect(currentPrice).toBeGreaterThan(signal.priceStopLoss);
          } else {
            expect(signal.priceTakeProfit).toBeLessThan(open);
            expect(signal.priceStopLoss).toBeGreaterThan(open);
            if (priceOpen !== undefined) expect(currentPrice).toBeLessThan(signal.priceStopLoss);
          }
          const takeProfitDistance = (Math.abs(signal.priceTakeProfit - open) / open) * 100;
          const stopLossDistance = (Math.abs(signal.priceStopLoss - open) / open) * 100;
          // Limits are inclusive up to floating-point error (1e-9 percentage points).
          expect(takeProfitDistance).toBeGreaterThan(limits.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT - 1e-8);
          expect(stopLossDistance).toBeGreaterThan(limits.CC_MIN_STOPLOSS_DISTANCE_PERCENT - 1e-8);
          expect(stopLossDistance).toBeLessThan(limits.CC_MAX_STOPLOSS_DISTANCE_PERCENT + 1e-8);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("some generated signals validate (the property above is not vacuous)", () => {
    const accepted = fc
      .sample(fc.tuple(price, fc.double({ min: 0.01, max: 0.1, noNaN: true })), 50)
      .filter(([currentPrice, distance]) => {
        const signal = {
          position: "long" as const,
          priceTakeProfit: currentPrice * (1 + distance),
          priceStopLoss: currentPrice * (1 - distance),
          minuteEstimatedTime: 60,
        };
        return validateSignal(signal, currentPrice, DEFAULT_CONFIG).length === 0;
      });
    expect(accepted.length).toBe(50);
  });
});
