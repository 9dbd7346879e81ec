import { describe, expect, it } from "vitest";
import { median, pairedRatios } from "../src/benchStats";

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe("pairedRatios", () => {
  it("divides runs of the same round and summarises the ratios", () => {
    // Rounds: 150/100, 120/100, 90/60, 200/100 → 1.5, 1.2, 1.5, 2.
    expect(pairedRatios([150, 120, 90, 200], [100, 100, 60, 100])).toEqual({ median: 1.5, min: 1.2, max: 2 });
  });

  it("pairs only the rounds both sides ran", () => {
    expect(pairedRatios([100, 300, 999], [50, 100])).toEqual({ median: 2.5, min: 2, max: 3 });
  });

  it("is null when no round has both", () => {
    expect(pairedRatios([], [1])).toBeNull();
  });
});
