import { DEFAULT_CONFIG, type IGlobalConfig, validateSignal } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const price = fc.double({ min: 0.001, max: 100_000, noNaN: true, noDefaultInfinity: true });
// Levels anywhere from −50 % to +50 % of the reference in 0.01 % steps (fc.double would crowd near 0),
// so both sides and all distances are exercised.
const offset = fc.integer({ min: -5000, max: 5000 }).map((points) => points / 10_000);

const config: fc.Arbitrary<Readonly<IGlobalConfig>> = fc
  .record({
    minTakeProfit: fc.integer({ min: 0, max: 500 }).map((points) => points / 100),
    minStopLoss: fc.integer({ min: 0, max: 500 }).map((points) => points / 100),
    maxStopLoss: fc.integer({ min: 500, max: 6000 }).map((points) => points / 100),
  })
  .map(({ minTakeProfit, minStopLoss, maxStopLoss }) => ({
    ...DEFAULT_CONFIG,
    CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: minTakeProfit,
    CC_MIN_STOPLOSS_DISTANCE_PERCENT: minStopLoss,
    CC_MAX_STOPLOSS_DISTANCE_PERCENT: maxStopLoss,
  }));

describe("validateSignal properties", () => {
  it("a signal that validates never has TP/SL on the wrong side, and its distances respect the limits", () => {
    let accepted = 0;
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
          const requested = priceOpen ?? currentPrice;
          const signal = {
            position,
            priceOpen,
            priceTakeProfit: requested * (1 + takeProfitOffset),
            priceStopLoss: requested * (1 + stopLossOffset),
            minuteEstimatedTime: 60,
          };
          if (priceOpen === undefined) delete signal.priceOpen;
          const problems = validateSignal(signal, currentPrice, limits);
          if (problems.length > 0) return;
          accepted++;
          // A limit the market has already crossed fills at the current price: its levels are measured
          // from there (b183a68); a resting one from priceOpen.
          const marketable =
            priceOpen !== undefined &&
            (position === "long" ? currentPrice <= priceOpen : currentPrice >= priceOpen);
          const open = marketable ? currentPrice : requested;
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
      { numRuns: 1000 },
    );
    // Guards against a vacuous property: a fair share of the generated signals is accepted.
    expect(accepted).toBeGreaterThan(50);
  });
});
