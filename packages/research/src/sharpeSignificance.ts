// Is a Sharpe ratio significant? The probabilistic Sharpe ratio (Bailey and López de Prado, 2012) is
// the probability that the true Sharpe ratio exceeds a benchmark given the sample's length, skewness and
// kurtosis; the deflated Sharpe ratio (2014) sets that benchmark to the best Sharpe ratio expected from
// luck alone among N trials, so a sweep of many parameter sets is not mistaken for skill. All Sharpe
// ratios here are per observation (per trade), not annualised.

import { BtError, describeValue, mean, sampleStdDev, shapeMoments } from "@bt/core";
import { normalCdf, normalQuantile } from "./normal";

const EULER_GAMMA = 0.5772156649015329;

/** Inputs of the probabilistic Sharpe ratio. */
export interface IProbabilisticSharpeInput {
  /** Observed Sharpe ratio per observation. */
  sharpe: number;
  /** SR*, default 0. */
  benchmark?: number;
  /** Number of returns n (≥ 2). */
  observations: number;
  skewness: number;
  /** Kurtosis, not excess (3 for normal returns). */
  kurtosis: number;
}

/**
 * PSR = Φ((SR − SR*)·√(n − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4·SR²)).
 * @throws BtError VALIDATION for n < 2 or a non-positive variance term.
 * @example probabilisticSharpeRatio({ sharpe: 0.1, observations: 250, skewness: 0, kurtosis: 3 }) // ≈ 0.9423
 */
export function probabilisticSharpeRatio(input: IProbabilisticSharpeInput): number {
  const { sharpe, benchmark = 0, observations, skewness, kurtosis } = input;
  if (!Number.isInteger(observations) || observations < 2) {
    throw new BtError(
      "VALIDATION",
      `probabilisticSharpeRatio: observations must be an integer ≥ 2, got ${describeValue(observations)}`,
      {
        field: "observations",
        value: observations,
      },
    );
  }
  const variance = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(variance > 0)) {
    throw new BtError(
      "VALIDATION",
      `probabilisticSharpeRatio: 1 − γ₃·SR + (γ₄ − 1)/4·SR² must be > 0, got ${describeValue(variance)}`,
      {
        field: "kurtosis",
        value: kurtosis,
      },
    );
  }
  return normalCdf(((sharpe - benchmark) * Math.sqrt(observations - 1)) / Math.sqrt(variance));
}

/**
 * E[max SR] of N trials with Sharpe ratios of variance V and true value 0:
 * √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ the Euler–Mascheroni constant; 0 for N = 1.
 * @example expectedMaxSharpe({ trials: 100, variance: 0.5 }) // ≈ 1.7894
 */
export function expectedMaxSharpe(input: { trials: number; variance: number }): number {
  const { trials, variance } = input;
  if (!Number.isInteger(trials) || trials < 1) {
    throw new BtError(
      "VALIDATION",
      `expectedMaxSharpe: trials must be a positive integer, got ${describeValue(trials)}`,
      {
        field: "trials",
        value: trials,
      },
    );
  }
  if (!Number.isFinite(variance) || variance < 0) {
    throw new BtError(
      "VALIDATION",
      `expectedMaxSharpe: variance must be a finite number ≥ 0, got ${describeValue(variance)}`,
      {
        field: "variance",
        value: variance,
      },
    );
  }
  if (trials === 1) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

/** The deflated Sharpe ratio of a run, or N/A with its reason. */
export type IDeflatedSharpe =
  | {
      status: "ok";
      /** Observed per-trade Sharpe ratio mean / sample standard deviation. */
      sharpe: number;
      observations: number;
      skewness: number;
      kurtosis: number;
      trials: number;
      /** The benchmark SR₀ = E[max SR] of the trials. */
      expectedMaxSharpe: number;
      /** DSR = PSR(SR₀): the probability that the true Sharpe ratio beats the luck of N trials. */
      deflatedSharpe: number;
      /** PSR against 0. */
      probabilisticSharpe: number;
    }
  | { status: "na"; reason: string };

/**
 * The deflated Sharpe ratio of `returns` (per trade, percent) chosen as the best of `trials` parameter
 * sets whose per-trade Sharpe ratios have variance `trialSharpeVariance` (null when fewer than 2 were
 * computable: then N/A, since the benchmark is unknown).
 */
export function deflatedSharpeRatio(input: {
  returns: ReadonlyArray<number>;
  trials: number;
  trialSharpeVariance: number | null;
}): IDeflatedSharpe {
  const { returns, trials, trialSharpeVariance } = input;
  if (returns.length < 3) return { status: "na", reason: `${returns.length} trade(s), needs ≥ 3` };
  const std = sampleStdDev(returns);
  const shape = shapeMoments(returns);
  if (!std || shape === null) return { status: "na", reason: "zero standard deviation of the returns" };
  if (trialSharpeVariance === null) {
    return { status: "na", reason: "fewer than 2 trials with a Sharpe ratio: the luck benchmark is unknown" };
  }
  const sharpe = mean(returns) / std;
  const variance = 1 - shape.skewness * sharpe + ((shape.kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(variance > 0))
    return { status: "na", reason: "the skewness and kurtosis give a non-positive variance" };
  const benchmark = expectedMaxSharpe({ trials, variance: trialSharpeVariance });
  const base = { sharpe, observations: returns.length, skewness: shape.skewness, kurtosis: shape.kurtosis };
  return {
    status: "ok",
    ...base,
    trials,
    expectedMaxSharpe: benchmark,
    deflatedSharpe: probabilisticSharpeRatio({ ...base, benchmark }),
    probabilisticSharpe: probabilisticSharpeRatio(base),
  };
}
