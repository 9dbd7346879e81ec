import { computePnlPercent } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// Prices span realistic markets (0.01 … 100,000); the close stays within ×0.2 … ×5 of the open.
const price = fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true });
const ratio = fc.double({ min: 0.2, max: 5, noNaN: true, noDefaultInfinity: true });
const percent = fc.double({ min: 0, max: 5, noNaN: true, noDefaultInfinity: true });
const FREE = { feePercent: 0, slippagePercent: 0 };

/** |a − b| within `relative` of the larger magnitude (absolute below 1). */
function expectNear(actual: number, expected: number, relative = 1e-9): void {
  const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * scale);
}

describe("computePnlPercent properties", () => {
  // Let r = close/open, s' = s/100. From the formula:
  //   long:  r_L = r·(1−s')/(1+s'),  pnl_L = 100·(r_L − 1) − f·(1 + r_L)
  //   short: r_S = r·(1+s')/(1−s'),  pnl_S = 100·(1 − r_S) − f·(1 + r_S)
  // Without costs r_L = r_S = r, so pnl_short(open, close) = −pnl_long(open, close) exactly.
  // With costs, pnl_L + pnl_S = 100·(r_L − r_S) − f·(2 + r_L + r_S) < 0: both sides pay, so the sum of the
  // long and the mirrored short is strictly negative whenever f > 0 or s > 0.
  it("without costs a short is exactly the negated long", () => {
    fc.assert(
      fc.property(price, ratio, (open, r) => {
        const close = open * r;
        expectNear(
          computePnlPercent("short", open, close, FREE),
          -computePnlPercent("long", open, close, FREE),
        );
      }),
    );
  });

  it("with costs, long + short equals 100·(r_L − r_S) − f·(2 + r_L + r_S) and is negative", () => {
    fc.assert(
      fc.property(price, ratio, percent, percent, (open, r, feePercent, slippagePercent) => {
        fc.pre(feePercent + slippagePercent >= 1e-3);
        const close = open * r;
        const costs = { feePercent, slippagePercent };
        const slip = slippagePercent / 100;
        const rLong = (close / open) * ((1 - slip) / (1 + slip));
        const rShort = (close / open) * ((1 + slip) / (1 - slip));
        const sum =
          computePnlPercent("long", open, close, costs) + computePnlPercent("short", open, close, costs);
        expectNear(sum, 100 * (rLong - rShort) - feePercent * (2 + rLong + rShort));
        expect(sum).toBeLessThan(0);
      }),
    );
  });

  it("is increasing in the close price for a long and decreasing for a short", () => {
    fc.assert(
      fc.property(
        price,
        ratio,
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        percent,
        percent,
        (open, r, step, f, s) => {
          const lower = open * r;
          const higher = lower * (1 + step);
          const costs = { feePercent: f, slippagePercent: s };
          expect(computePnlPercent("long", open, lower, costs)).toBeLessThan(
            computePnlPercent("long", open, higher, costs),
          );
          expect(computePnlPercent("short", open, lower, costs)).toBeGreaterThan(
            computePnlPercent("short", open, higher, costs),
          );
        },
      ),
    );
  });

  it("a zero-cost round trip at the same price is exactly 0", () => {
    fc.assert(
      fc.property(price, fc.constantFrom("long" as const, "short" as const), (open, position) => {
        expect(Math.abs(computePnlPercent(position, open, open, FREE))).toBe(0);
      }),
    );
  });

  it("costs always reduce pnl (strictly when any cost is charged)", () => {
    fc.assert(
      fc.property(
        price,
        ratio,
        percent,
        percent,
        fc.constantFrom("long" as const, "short" as const),
        (open, r, feePercent, slippagePercent, position) => {
          const close = open * r;
          const free = computePnlPercent(position, open, close, FREE);
          const charged = computePnlPercent(position, open, close, { feePercent, slippagePercent });
          if (feePercent + slippagePercent >= 1e-6) expect(charged).toBeLessThan(free);
          else expect(charged).toBeLessThanOrEqual(free + 1e-9);
        },
      ),
    );
  });
});
