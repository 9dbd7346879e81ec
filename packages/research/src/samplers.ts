// The samplers of a study. Random: every parameter uniform (log-uniform with log: true). Grid: the
// trialNumber-th combination of the cartesian product. TPE, the tree-structured Parzen estimator
// (Bergstra et al., 2011): after `startupTrials` random trials the finished ones are split into the best
// gamma(n) ("good") and the rest ("bad", failed trials included); per parameter a Parzen estimator l(x)
// is fitted to the good values and g(x) to the bad ones, `candidates` values are drawn from l, and the
// one with the largest l(x) / g(x) is taken.

import { BtError, describeValue } from "@bt/core";
import { normalCdf, normalLogPdf } from "./normal";
import type { IRng } from "./rng";
import {
  gridSize,
  gridValues,
  type ParamSet,
  type ParamSpec,
  type ParamValue,
  type SearchSpace,
} from "./searchSpace";

/** A finished (or failed) trial as a sampler sees it; value is maximised, null = failed or N/A. */
export interface ITrialObservation {
  params: ParamSet;
  value: number | null;
}

/** What a sampler gets for one trial. */
export interface ISampleContext {
  space: SearchSpace;
  /** The trials it may learn from, in trial order. */
  history: ReadonlyArray<ITrialObservation>;
  /** This trial's own random stream. */
  rng: IRng;
  trialNumber: number;
}

/** Chooses the parameters of a trial. Deterministic in its context. */
export interface ISampler {
  readonly kind: "random" | "grid" | "tpe";
  sample(context: ISampleContext): ParamSet;
}

/** Options of the TPE sampler. */
export interface ITpeOptions {
  /** Random trials before the model is used; default 10. */
  startupTrials?: number;
  /** Values drawn from l(x) per parameter; default 24. */
  candidates?: number;
  /** Good trials out of n finished; default Optuna's min(⌈0.1·n⌉, 25). */
  gamma?: (n: number) => number;
  /** Weight of the prior component (a wide Gaussian / uniform choice); default 1. */
  priorWeight?: number;
}

function randomValue(spec: ParamSpec, rng: IRng): ParamValue {
  if (spec.type === "categorical") return spec.choices[rng.int(spec.choices.length)] as ParamValue;
  const { low, high } = transformedBounds(spec);
  return fromTransformed(spec, low + rng.next() * (high - low));
}

/** Random search: each parameter independently uniform over its range (log-uniform with log: true). */
export function createRandomSampler(): ISampler {
  return {
    kind: "random",
    sample: ({ space, rng }) =>
      Object.fromEntries(Object.entries(space).map(([name, spec]) => [name, randomValue(spec, rng)])),
  };
}

/**
 * Grid search: trial n is the n-th combination, the last parameter varying fastest.
 * @throws BtError VALIDATION for a continuous parameter, or a trial past the grid's size.
 */
export function createGridSampler(space: SearchSpace): ISampler {
  const axes = Object.entries(space).map(([name, spec]) => {
    const values = gridValues(spec);
    if (values === null) {
      throw new BtError(
        "VALIDATION",
        `grid sampler: space.${name} is continuous (a float without step); give it a step or choices`,
        { field: `space.${name}`, value: spec },
      );
    }
    return [name, values] as const;
  });
  const size = gridSize(space) as number;
  return {
    kind: "grid",
    sample: ({ trialNumber }) => {
      if (!Number.isInteger(trialNumber) || trialNumber < 0 || trialNumber >= size) {
        throw new BtError(
          "VALIDATION",
          `grid sampler: trial ${describeValue(trialNumber)} is past the grid's ${size} combinations`,
          {
            field: "trialNumber",
            value: trialNumber,
          },
        );
      }
      const params: Record<string, ParamValue> = {};
      let rest = trialNumber;
      for (let i = axes.length - 1; i >= 0; i--) {
        const [name, values] = axes[i] as readonly [string, ParamValue[]];
        params[name] = values[rest % values.length] as ParamValue;
        rest = Math.floor(rest / values.length);
      }
      return Object.fromEntries(axes.map(([name]) => [name, params[name] as ParamValue]));
    },
  };
}

// --- numeric parameters in their search coordinates --------------------------------------------------

/** The step of a discrete numeric parameter (ints default to 1), or null. */
function stepOf(spec: Exclude<ParamSpec, { type: "categorical" }>): number | null {
  if (spec.log) return null;
  return spec.step ?? (spec.type === "int" ? 1 : null);
}

/** Bounds in search coordinates: log scale with log, widened by half a step for discrete values. */
function transformedBounds(spec: Exclude<ParamSpec, { type: "categorical" }>): { low: number; high: number } {
  if (spec.log) {
    const widen = spec.type === "int" ? 0.5 : 0;
    return { low: Math.log(spec.low - widen), high: Math.log(spec.high + widen) };
  }
  const step = stepOf(spec);
  return step === null
    ? { low: spec.low, high: spec.high }
    : { low: spec.low - step / 2, high: spec.high + step / 2 };
}

function toTransformed(spec: Exclude<ParamSpec, { type: "categorical" }>, value: number): number {
  return spec.log ? Math.log(value) : value;
}

/** A value in search coordinates back to the parameter's own: rounded to its grid, inside its bounds. */
function fromTransformed(spec: Exclude<ParamSpec, { type: "categorical" }>, value: number): number {
  let x = spec.log ? Math.exp(value) : value;
  const step = stepOf(spec);
  if (step !== null) x = spec.low + Math.round((x - spec.low) / step) * step;
  else if (spec.type === "int") x = Math.round(x);
  x = Math.min(spec.high, Math.max(spec.low, x));
  return spec.type === "int" ? Math.round(x) : Number(x.toPrecision(12));
}

// --- Parzen estimators --------------------------------------------------------------------------------

interface IMixture {
  mus: number[];
  sigmas: number[];
  weights: number[];
  /** log(w_i / Σw) − log(σ_i · truncated mass_i): each component's constant part of its log density. */
  logScales: number[];
  low: number;
  high: number;
}

/** Optuna-style bandwidths: the larger gap to a sorted neighbour, clipped to [range / min(100, n + 1), range]. */
function parzen(points: ReadonlyArray<number>, low: number, high: number, priorWeight: number): IMixture {
  const range = high - low;
  const prior = (low + high) / 2;
  const mus = [...points, prior];
  const order = mus.map((_, index) => index).sort((a, b) => (mus[a] as number) - (mus[b] as number));
  const sorted = order.map((index) => mus[index] as number);
  const sigmas = new Array<number>(mus.length);
  const minSigma = range / Math.min(100, mus.length + 1);
  order.forEach((index, rank) => {
    const left = (sorted[rank] as number) - (rank > 0 ? (sorted[rank - 1] as number) : low);
    const right = (rank < sorted.length - 1 ? (sorted[rank + 1] as number) : high) - (sorted[rank] as number);
    sigmas[index] = Math.min(range, Math.max(minSigma, left, right));
  });
  sigmas[mus.length - 1] = range;
  const weights = [...points.map(() => 1), priorWeight];
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const logScales = mus.map((mu, i) => {
    const sigma = sigmas[i] as number;
    const mass = normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma);
    return Math.log((weights[i] as number) / total) - Math.log(sigma * Math.max(mass, 1e-300));
  });
  return { mus, sigmas, weights, logScales, low, high };
}

function logSumExp(values: ReadonlyArray<number>): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0));
}

/** log density of the truncated mixture at x. */
function mixtureLogPdf(mixture: IMixture, x: number): number {
  const terms = mixture.mus.map((mu, i) => {
    const z = (x - mu) / (mixture.sigmas[i] as number);
    return (mixture.logScales[i] as number) + normalLogPdf(z);
  });
  return logSumExp(terms);
}

function pickIndex(weights: ReadonlyArray<number>, rng: IRng): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let draw = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    draw -= weights[i] as number;
    if (draw < 0) return i;
  }
  return weights.length - 1;
}

function sampleMixture(mixture: IMixture, rng: IRng): number {
  const i = pickIndex(mixture.weights, rng);
  const mu = mixture.mus[i] as number;
  const sigma = mixture.sigmas[i] as number;
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = mu + sigma * rng.normal();
    if (x >= mixture.low && x <= mixture.high) return x;
  }
  return mixture.low + rng.next() * (mixture.high - mixture.low);
}

function choiceKey(value: ParamValue): string {
  return `${typeof value}:${String(value)}`;
}

/** Weights per choice: counts of the group plus the prior spread evenly. */
function categoricalWeights(
  choices: ReadonlyArray<ParamValue>,
  values: ReadonlyArray<ParamValue>,
  priorWeight: number,
): number[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(choiceKey(value), (counts.get(choiceKey(value)) ?? 0) + 1);
  return choices.map((choice) => (counts.get(choiceKey(choice)) ?? 0) + priorWeight / choices.length);
}

/** Optuna's default split: the best min(⌈0.1·n⌉, 25) of n trials are good. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The tree-structured Parzen estimator (univariate: each parameter modelled on its own).
 * @example const sampler = createTpeSampler({ startupTrials: 10 });
 */
export function createTpeSampler(options: ITpeOptions = {}): ISampler {
  const startupTrials = options.startupTrials ?? 10;
  const candidates = options.candidates ?? 24;
  const gamma = options.gamma ?? defaultGamma;
  const priorWeight = options.priorWeight ?? 1;
  for (const [field, value] of [
    ["tpe.startupTrials", startupTrials],
    ["tpe.candidates", candidates],
  ] as const) {
    if (!Number.isInteger(value) || value < (field === "tpe.candidates" ? 1 : 0)) {
      throw new BtError(
        "VALIDATION",
        `${field} must be a ${field === "tpe.candidates" ? "positive" : "non-negative"} integer, got ${describeValue(value)}`,
        {
          field,
          value,
        },
      );
    }
  }
  if (!Number.isFinite(priorWeight) || priorWeight <= 0) {
    throw new BtError(
      "VALIDATION",
      `tpe.priorWeight must be a number > 0, got ${describeValue(priorWeight)}`,
      {
        field: "tpe.priorWeight",
        value: priorWeight,
      },
    );
  }
  const random = createRandomSampler();
  return {
    kind: "tpe",
    sample: (context) => {
      const { space, history, rng } = context;
      const scored = history.filter((trial) => trial.value !== null);
      if (history.length < startupTrials || scored.length === 0) return random.sample(context);
      // Stable: equal values keep trial order.
      const ranked = [...scored].sort((a, b) => (b.value as number) - (a.value as number));
      const goodCount = Math.max(1, Math.min(ranked.length, gamma(history.length)));
      const good = ranked.slice(0, goodCount);
      const goodSet = new Set(good);
      const bad = history.filter((trial) => !goodSet.has(trial));
      const params: Record<string, ParamValue> = {};
      for (const [name, spec] of Object.entries(space)) {
        const goodValues = good.map((trial) => trial.params[name]).filter((value) => value !== undefined);
        const badValues = bad.map((trial) => trial.params[name]).filter((value) => value !== undefined);
        if (spec.type === "categorical") {
          const l = categoricalWeights(spec.choices, goodValues, priorWeight);
          const g = categoricalWeights(spec.choices, badValues, priorWeight);
          const lTotal = l.reduce((sum, weight) => sum + weight, 0);
          const gTotal = g.reduce((sum, weight) => sum + weight, 0);
          let bestIndex = -1;
          let bestScore = Number.NEGATIVE_INFINITY;
          for (let c = 0; c < candidates; c++) {
            const index = pickIndex(l, rng);
            const score = Math.log((l[index] as number) / lTotal) - Math.log((g[index] as number) / gTotal);
            if (score > bestScore) [bestIndex, bestScore] = [index, score];
          }
          params[name] = spec.choices[bestIndex] as ParamValue;
          continue;
        }
        const { low, high } = transformedBounds(spec);
        const numeric = (values: ReadonlyArray<ParamValue>) =>
          values
            .filter((value): value is number => typeof value === "number")
            .map((value) => toTransformed(spec, value));
        const l = parzen(numeric(goodValues), low, high, priorWeight);
        const g = parzen(numeric(badValues), low, high, priorWeight);
        let best = Number.NaN;
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < candidates; c++) {
          const x = sampleMixture(l, rng);
          const score = mixtureLogPdf(l, x) - mixtureLogPdf(g, x);
          if (score > bestScore) [best, bestScore] = [x, score];
        }
        params[name] = fromTransformed(spec, best);
      }
      return params;
    },
  };
}
