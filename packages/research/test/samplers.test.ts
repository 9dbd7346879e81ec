// The samplers: determinism, the grid's order, and the acceptance of TPE: on known 1-D and 2-D
// functions it reaches the optimum in fewer trials than random search (median over seeds).

import { describe, expect, it } from "vitest";
import {
  createGridSampler,
  createRandomSampler,
  createRng,
  createTpeSampler,
  deriveSeed,
  type ISampler,
  type ITrialObservation,
  type ParamSet,
  parseSearchSpace,
  type SearchSpace,
} from "../src/index.ts";

/** Trials a sampler needs until f ≥ optimum − tolerance (maxTrials + 1 when never). */
function trialsToOptimum(
  sampler: ISampler,
  space: SearchSpace,
  f: (params: ParamSet) => number,
  optimum: number,
  tolerance: number,
  seed: number,
  maxTrials: number,
): number {
  const history: ITrialObservation[] = [];
  for (let trialNumber = 0; trialNumber < maxTrials; trialNumber++) {
    const params = sampler.sample({
      space,
      history,
      rng: createRng(deriveSeed(seed, "trial", trialNumber)),
      trialNumber,
    });
    const value = f(params);
    if (value >= optimum - tolerance) return trialNumber + 1;
    history.push({ params, value });
  }
  return maxTrials + 1;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const SEEDS = Array.from({ length: 15 }, (_, i) => i + 1);

function compare(
  space: SearchSpace,
  f: (params: ParamSet) => number,
  optimum: number,
  tolerance: number,
  maxTrials: number,
) {
  const tpe = SEEDS.map((seed) =>
    trialsToOptimum(createTpeSampler(), space, f, optimum, tolerance, seed, maxTrials),
  );
  const random = SEEDS.map((seed) =>
    trialsToOptimum(createRandomSampler(), space, f, optimum, tolerance, seed, maxTrials),
  );
  return { tpe: median(tpe), random: median(random) };
}

describe("TPE against random search (median trials to the optimum over 15 seeds)", () => {
  it("1-D: f(x) = −(x − 2)² on [−10, 10], within 0.01", () => {
    const result = compare(
      { x: { type: "float", low: -10, high: 10 } },
      (params) => -(((params.x as number) - 2) ** 2),
      0,
      0.01,
      600,
    );
    console.info("1-D median trials", result);
    expect(result.tpe).toBeLessThan(result.random);
    expect(result.tpe).toBeLessThan(60);
  });

  it("2-D: the negative Branin function on [−5, 10] × [0, 15], within 0.1 of its optimum", () => {
    const branin = (params: ParamSet) => {
      const x = params.x as number;
      const y = params.y as number;
      const a = 1;
      const b = 5.1 / (4 * Math.PI ** 2);
      const c = 5 / Math.PI;
      const t = 1 / (8 * Math.PI);
      return -(a * (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10);
    };
    const result = compare(
      { x: { type: "float", low: -5, high: 10 }, y: { type: "float", low: 0, high: 15 } },
      branin,
      -0.397887,
      0.1,
      1000,
    );
    console.info("2-D median trials", result);
    expect(result.tpe).toBeLessThan(result.random);
  });

  it("mixed: an integer and a categorical parameter", () => {
    const result = compare(
      { n: { type: "int", low: 1, high: 200 }, side: { type: "categorical", choices: ["a", "b", "c", "d"] } },
      (params) => -Math.abs((params.n as number) - 137) - (params.side === "c" ? 0 : 50),
      0,
      0,
      2000,
    );
    console.info("mixed median trials", result);
    expect(result.tpe).toBeLessThan(result.random);
  });
});

describe("samplers", () => {
  const space: SearchSpace = {
    fast: { type: "int", low: 2, high: 10, step: 2 },
    slow: { type: "float", low: 0.1, high: 100, log: true },
    mode: { type: "categorical", choices: ["a", "b"] },
  };

  it("the same rng and history give the same sample; values stay in their bounds and grids", () => {
    const sampler = createTpeSampler({ startupTrials: 3 });
    const history: ITrialObservation[] = [];
    for (let n = 0; n < 30; n++) {
      const context = { space, history, rng: createRng(deriveSeed(9, "trial", n)), trialNumber: n };
      const params = sampler.sample(context);
      expect(sampler.sample({ ...context, rng: createRng(deriveSeed(9, "trial", n)) })).toEqual(params);
      expect([2, 4, 6, 8, 10]).toContain(params.fast);
      expect(params.slow).toBeGreaterThanOrEqual(0.1);
      expect(params.slow).toBeLessThanOrEqual(100);
      expect(["a", "b"]).toContain(params.mode);
      history.push({ params, value: n % 7 === 0 ? null : -Math.abs((params.fast as number) - 6) });
    }
  });

  it("the grid sampler walks the cartesian product, last parameter fastest, and refuses past its end", () => {
    const grid = createGridSampler(parseSearchSpace({ a: [1, 2], b: { type: "int", low: 0, high: 2 } }));
    const rng = createRng(1);
    const all = Array.from({ length: 6 }, (_, trialNumber) =>
      grid.sample({ space: {}, history: [], rng, trialNumber }),
    );
    expect(all).toEqual([
      { a: 1, b: 0 },
      { a: 1, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 0 },
      { a: 2, b: 1 },
      { a: 2, b: 2 },
    ]);
    expect(() => grid.sample({ space: {}, history: [], rng, trialNumber: 6 })).toThrow(
      /past the grid's 6 combinations/,
    );
    expect(() => createGridSampler({ x: { type: "float", low: 0, high: 1 } })).toThrow(
      /space\.x is continuous/,
    );
  });

  it("the rng repeats from its seed and derived seeds differ", () => {
    const a = createRng("s");
    const b = createRng("s");
    const values = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(deriveSeed(1, "trial", 0)).not.toBe(deriveSeed(1, "trial", 1));
  });
});
