// Monte Carlo of a run's closed trades: "shuffle" replays the same trades in random orders, "bootstrap"
// draws N trades with replacement. Each run's compounded final return and max drawdown (core's
// compoundedCurve) give percentile bands. Shuffling cannot move the compounded final return (a product
// does not depend on order), only the path and so the drawdown; the bootstrap moves both.

import { BtError, compoundedCurve, describeValue } from "@bt/core";
import { createRng } from "./rng";

/** One point of a band: the p-th percentile's value (percent). */
export interface IPercentileValue {
  percentile: number;
  value: number;
}

/** What monteCarloTrades returns. */
export interface IMonteCarloResult {
  method: "shuffle" | "bootstrap";
  runs: number;
  seed: number | string;
  /** Bands of the compounded final return (E_N − 1)·100 and of the max drawdown, percent. */
  finalReturnPercent: IPercentileValue[];
  maxDrawdownPercent: IPercentileValue[];
  /** The trades as they happened. */
  observed: { finalReturnPercent: number; maxDrawdownPercent: number };
  /** Share of runs that end below the start (final return < 0). */
  probabilityOfLoss: number;
}

/** The percentile of sorted values by linear interpolation between closest ranks (Hyndman–Fan type 7). */
export function percentileOfSorted(sorted: ReadonlyArray<number>, percentile: number): number {
  const position = ((sorted.length - 1) * percentile) / 100;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  return low + ((sorted[upper] as number) - low) * (position - lower);
}

/**
 * Monte Carlo bands of per-trade percent returns.
 * @throws BtError VALIDATION for fewer than 2 returns, bad runs or percentiles.
 * @example monteCarloTrades({ returnsPercent: [2, -1, 3], runs: 1000, seed: 7, method: "bootstrap" })
 */
export function monteCarloTrades(input: {
  returnsPercent: ReadonlyArray<number>;
  runs: number;
  seed: number | string;
  method: "shuffle" | "bootstrap";
  /** Default [5, 25, 50, 75, 95]. */
  percentiles?: ReadonlyArray<number>;
}): IMonteCarloResult {
  const { returnsPercent: returns, runs, seed, method } = input;
  const percentiles = input.percentiles ?? [5, 25, 50, 75, 95];
  if (returns.length < 2 || returns.some((value) => !Number.isFinite(value))) {
    throw new BtError(
      "VALIDATION",
      `monteCarloTrades: returnsPercent needs ≥ 2 finite values, got ${describeValue(returns.length)} value(s)`,
      {
        field: "returnsPercent",
        value: returns.length,
      },
    );
  }
  if (!Number.isInteger(runs) || runs < 1) {
    throw new BtError(
      "VALIDATION",
      `monteCarloTrades: runs must be a positive integer, got ${describeValue(runs)}`,
      {
        field: "runs",
        value: runs,
      },
    );
  }
  if (method !== "shuffle" && method !== "bootstrap") {
    throw new BtError(
      "VALIDATION",
      `monteCarloTrades: method must be "shuffle" or "bootstrap", got ${describeValue(method)}`,
      {
        field: "method",
        value: method,
      },
    );
  }
  for (const percentile of percentiles) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new BtError(
        "VALIDATION",
        `monteCarloTrades: percentiles must lie in [0, 100], got ${describeValue(percentile)}`,
        {
          field: "percentiles",
          value: percentile,
        },
      );
    }
  }
  const rng = createRng(seed);
  const finals = new Float64Array(runs);
  const drawdowns = new Float64Array(runs);
  const path = [...returns];
  let losses = 0;
  for (let run = 0; run < runs; run++) {
    if (method === "shuffle") {
      rng.shuffle(path);
    } else {
      for (let i = 0; i < path.length; i++) path[i] = returns[rng.int(returns.length)] as number;
    }
    const curve = compoundedCurve(path);
    finals[run] = (curve.finalEquity - 1) * 100;
    drawdowns[run] = curve.maxDrawdown;
    if (curve.finalEquity < 1) losses++;
  }
  finals.sort();
  drawdowns.sort();
  const band = (sorted: Float64Array) =>
    percentiles.map((percentile) => ({
      percentile,
      value: percentileOfSorted(sorted as unknown as number[], percentile),
    }));
  const observed = compoundedCurve(returns);
  return {
    method,
    runs,
    seed,
    finalReturnPercent: band(finals),
    maxDrawdownPercent: band(drawdowns),
    observed: {
      finalReturnPercent: (observed.finalEquity - 1) * 100,
      maxDrawdownPercent: observed.maxDrawdown,
    },
    probabilityOfLoss: losses / runs,
  };
}
