// The normal distribution, the probabilistic and deflated Sharpe ratios against the paper's example and
// hand-computed cases, and the empirical p-value.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  deflatedSharpeRatio,
  empiricalPValue,
  expectedMaxSharpe,
  normalCdf,
  normalQuantile,
  probabilisticSharpeRatio,
} from "../src/index.ts";

describe("normal distribution", () => {
  it("matches known values", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517796, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301035, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845400536, 10);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 8);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(2)).toBeNaN();
  });

  it("the quantile inverts the CDF", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 9);
      }),
    );
  });
});

describe("probabilistic and deflated Sharpe ratio (Bailey and López de Prado)", () => {
  it("PSR by hand: SR 0.1 over 250 normal returns = Φ(0.1·√249 / √1.005) = 0.942261", () => {
    expect(
      probabilisticSharpeRatio({ sharpe: 0.1, observations: 250, skewness: 0, kurtosis: 3 }),
    ).toBeCloseTo(0.942261266719699, 9);
    // At the benchmark the probability is one half.
    expect(
      probabilisticSharpeRatio({ sharpe: 0.2, benchmark: 0.2, observations: 30, skewness: 1, kurtosis: 5 }),
    ).toBe(0.5);
  });

  it("the paper's example: 100 trials, V = 1/2 (annualised), T = 1,250 days, SR 2.5, γ₃ = −3, γ₄ = 10 → DSR ≈ 0.9004", () => {
    // E[max SR] = √0.5 · ((1 − γ)·Φ⁻¹(0.99) + γ·Φ⁻¹(1 − 1/(100e))) = 1.789406 annualised.
    const benchmark = expectedMaxSharpe({ trials: 100, variance: 0.5 });
    expect(benchmark).toBeCloseTo(1.7894064662732079, 9);
    const daily = Math.sqrt(250);
    const dsr = probabilisticSharpeRatio({
      sharpe: 2.5 / daily,
      benchmark: benchmark / daily,
      observations: 1250,
      skewness: -3,
      kurtosis: 10,
    });
    expect(dsr).toBeCloseTo(0.9003968344493903, 9);
  });

  it("deflatedSharpeRatio from returns: moments by hand for [1, 2, 3, 6]", () => {
    // mean 3, sample std √(14/3) = 2.160247, SR = 1.388730; population m2 = 3.5, m3 = 4.5, m4 = 24.5:
    // skewness 4.5 / 3.5^1.5 = 0.687243, kurtosis 24.5 / 12.25 = 2.
    const result = deflatedSharpeRatio({ returns: [1, 2, 3, 6], trials: 1, trialSharpeVariance: 0.04 });
    expect(result.status).toBe("ok");
    if (result.status !== "ok") return;
    expect(result.sharpe).toBeCloseTo(3 / Math.sqrt(14 / 3), 12);
    expect(result.skewness).toBeCloseTo(4.5 / 3.5 ** 1.5, 12);
    expect(result.kurtosis).toBeCloseTo(2, 12);
    // One trial: no luck to deflate, the benchmark is 0 and DSR = PSR.
    expect(result.expectedMaxSharpe).toBe(0);
    expect(result.deflatedSharpe).toBe(result.probabilisticSharpe);
    const sr = result.sharpe;
    const z = (sr * Math.sqrt(3)) / Math.sqrt(1 - result.skewness * sr + (1 / 4) * sr * sr);
    expect(result.probabilisticSharpe).toBeCloseTo(normalCdf(z), 12);
  });

  it("more trials deflate more; N/A carries its reason", () => {
    const returns = [0.5, -0.2, 0.8, 0.1, -0.4, 0.9, 0.3, -0.1];
    const dsr = (trials: number) => {
      const result = deflatedSharpeRatio({ returns, trials, trialSharpeVariance: 0.05 });
      return result.status === "ok" ? result.deflatedSharpe : Number.NaN;
    };
    expect(dsr(10)).toBeLessThan(dsr(2));
    expect(dsr(1000)).toBeLessThan(dsr(10));
    expect(deflatedSharpeRatio({ returns: [1, 2], trials: 5, trialSharpeVariance: 1 })).toEqual({
      status: "na",
      reason: "2 trade(s), needs ≥ 3",
    });
    expect(deflatedSharpeRatio({ returns: [1, 1, 1], trials: 5, trialSharpeVariance: 1 }).status).toBe("na");
    expect(deflatedSharpeRatio({ returns, trials: 5, trialSharpeVariance: null })).toMatchObject({
      status: "na",
      reason: expect.stringMatching(/luck benchmark is unknown/),
    });
    expect(() => expectedMaxSharpe({ trials: 0, variance: 1 })).toThrow(
      /trials must be a positive integer, got 0/,
    );
  });
});

describe("empiricalPValue", () => {
  it("counts samples at least as extreme, never 0", () => {
    expect(empiricalPValue(5, [1, 2, 6], "higher")).toBe(0.5);
    expect(empiricalPValue(5, [1, 2, 3], "higher")).toBe(0.25);
    expect(empiricalPValue(2, [1, 2, 3], "lower")).toBe(0.75);
    expect(() => empiricalPValue(1, [], "higher")).toThrow(/needs ≥ 1 finite sample/);
  });
});
