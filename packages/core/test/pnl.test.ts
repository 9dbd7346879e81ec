import { computePnlPercent } from "@bt/core";
import { describe, expect, it } from "vitest";

describe("computePnlPercent (wiring smoke)", () => {
  it("long 100 → 102 at zero costs is +2%", () => {
    expect(computePnlPercent("long", 100, 102, { feePercent: 0, slippagePercent: 0 })).toBeCloseTo(2, 12);
  });
});
