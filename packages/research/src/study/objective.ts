// What a study maximises: any ranking metric of core's statistics (a lower-is-better one such as
// maxDrawdown is negated) or profit with a drawdown penalty, gated by a minimum number of trades. A run
// whose figure is not computable scores null with its reason, so it is never ranked as a plausible number.

import {
  BtError,
  describeValue,
  type IStatistics,
  isLowerBetter,
  isWalkerMetric,
  statisticMetric,
  WALKER_METRICS,
  type WalkerMetric,
} from "@bt/core";

/** A ranking metric, or "profitDrawdown": totalPnl − drawdownPenalty · maxDrawdown (both percent). */
export type ObjectiveMetric = WalkerMetric | "profitDrawdown";

/** How a study scores a run; every field is optional. */
export interface IObjectiveOptions {
  /** Default "sharpeRatio". */
  metric?: ObjectiveMetric;
  /** Runs with fewer closed trades score null; default 1. */
  minTrades?: number;
  /** λ of "profitDrawdown"; default 1. */
  drawdownPenalty?: number;
}

/** A resolved objective: its options with defaults, a label and the convention it follows. */
export interface IObjective {
  readonly metric: ObjectiveMetric;
  readonly minTrades: number;
  readonly drawdownPenalty: number;
  readonly label: string;
  readonly convention: string;
}

/** A score (higher is better), or null with the reason it is not computable. */
export type ObjectiveScore = { value: number; reason: null } | { value: null; reason: string };

/**
 * Validates objective options and applies their defaults.
 * @throws BtError VALIDATION naming the field and the value.
 */
export function resolveObjective(options: IObjectiveOptions = {}): IObjective {
  const metric = options.metric ?? "sharpeRatio";
  if (metric !== "profitDrawdown" && !isWalkerMetric(metric)) {
    throw new BtError(
      "VALIDATION",
      `objective.metric must be one of ${[...WALKER_METRICS, "profitDrawdown"].join(", ")}, got ${describeValue(metric)}`,
      { field: "objective.metric", value: metric },
    );
  }
  const minTrades = options.minTrades ?? 1;
  if (!Number.isInteger(minTrades) || minTrades < 0) {
    throw new BtError(
      "VALIDATION",
      `objective.minTrades must be an integer ≥ 0, got ${describeValue(minTrades)}`,
      { field: "objective.minTrades", value: minTrades },
    );
  }
  const drawdownPenalty = options.drawdownPenalty ?? 1;
  if (!Number.isFinite(drawdownPenalty) || drawdownPenalty < 0) {
    throw new BtError(
      "VALIDATION",
      `objective.drawdownPenalty must be a finite number ≥ 0, got ${describeValue(drawdownPenalty)}`,
      { field: "objective.drawdownPenalty", value: drawdownPenalty },
    );
  }
  const gate = minTrades > 1 ? `; runs with fewer than ${minTrades} trades score N/A` : "";
  if (metric === "profitDrawdown") {
    return {
      metric,
      minTrades,
      drawdownPenalty,
      label: `total PnL − ${drawdownPenalty} × max drawdown`,
      convention: `totalPnl − ${drawdownPenalty} · maxDrawdown, both percent of the compounded closed-trade curve; maximised${gate}.`,
    };
  }
  const definition = statisticMetric(metric);
  const lower = isLowerBetter(metric);
  return {
    metric,
    minTrades,
    drawdownPenalty,
    label: lower ? `−${definition.label}` : definition.label,
    convention: `${definition.convention} ${lower ? "Lower is better, so the study maximises its negation" : "Maximised"}${gate}.`,
  };
}

/** The score of one run's statistics (null stats: the run failed). */
export function scoreStatistics(objective: IObjective, stats: IStatistics | null): ObjectiveScore {
  if (stats === null) return { value: null, reason: "the backtest failed" };
  if (stats.tradeCount < objective.minTrades) {
    return { value: null, reason: `${stats.tradeCount} trades, needs ≥ ${objective.minTrades}` };
  }
  if (objective.metric === "profitDrawdown") {
    if (stats.maxDrawdown === null) {
      return { value: null, reason: stats.unavailable.maxDrawdown ?? "no max drawdown" };
    }
    return { value: stats.totalPnl - objective.drawdownPenalty * stats.maxDrawdown, reason: null };
  }
  const value = stats[objective.metric];
  if (value === null) {
    return { value: null, reason: stats.unavailable[objective.metric] ?? `${objective.metric} is N/A` };
  }
  return { value: isLowerBetter(objective.metric) ? -value : value, reason: null };
}

/** The objective's value in the metric's own terms (a negated lower-is-better metric turned back). */
export function objectiveDisplayValue(objective: IObjective, score: number | null): number | null {
  if (score === null) return null;
  return objective.metric !== "profitDrawdown" && isLowerBetter(objective.metric) ? -score : score;
}
