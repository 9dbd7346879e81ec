// The one list of statistics: for every IStatistics metric its label, unit kind, ranking direction and
// the convention it follows. Reports print from it, walkers and sweeps rank by its rankable keys, and
// WalkerMetric / WALKER_METRICS are derived from it, so a metric is defined exactly once.

import { MIN_ANNUALIZATION_DAYS, MIN_ANNUALIZATION_TRADES } from "./annualization";
import { BtError } from "./btError";
import type { IMetric, MetricDirection, MetricUnit } from "./metric";
import type { StatisticKey } from "./statistics";

const GATES = `needs ≥ ${MIN_ANNUALIZATION_TRADES} trades and ≥ ${MIN_ANNUALIZATION_DAYS} days`;

/** How a statistic's value reads: a count, percent, a unitless ratio, minutes or money in quote currency. */
export type StatisticUnit = MetricUnit;

/** Which way a statistic is better: "higher", "lower", or null when it does not rank strategies. */
export type StatisticDirection = MetricDirection;

/** One entry of STATISTIC_METRICS: IMetric over the IStatistics keys. */
export interface IStatisticMetric extends IMetric<StatisticKey> {}

/** Every statistic of IStatistics once, in the order reports print them. */
export const STATISTIC_METRICS = [
  {
    key: "tradeCount",
    label: "Trades",
    unit: "count",
    direction: null,
    convention: "Closed trades N; open positions are not counted.",
  },
  {
    key: "winCount",
    label: "Wins",
    unit: "count",
    direction: null,
    convention: "Trades with a return > 0 (after fees and slippage); a trade at exactly 0 is neither.",
  },
  {
    key: "lossCount",
    label: "Losses",
    unit: "count",
    direction: null,
    convention: "Trades with a return < 0 (after fees and slippage).",
  },
  {
    key: "winRate",
    label: "Win rate",
    unit: "percent",
    direction: "higher",
    convention: "Wins / N · 100.",
  },
  {
    key: "avgPnl",
    label: "Average PnL per trade",
    unit: "percent",
    direction: "higher",
    convention:
      "Mean per-trade return Σr / N (this is also the expectancy winRate·avgWin − lossRate·|avgLoss|).",
  },
  {
    key: "totalPnl",
    label: "Total PnL (sum)",
    unit: "percent",
    direction: "higher",
    convention: "Simple sum of per-trade returns Σr, not compounded.",
  },
  {
    key: "stdDev",
    label: "Standard deviation (sample, per trade)",
    unit: "percent",
    direction: null,
    convention: "Sample standard deviation of per-trade returns √(Σ(r − mean)² / (N − 1)).",
  },
  {
    key: "sharpeRatio",
    label: "Sharpe ratio (per trade)",
    unit: "ratio",
    direction: "higher",
    convention: "Mean / sample standard deviation of per-trade returns, rf = 0, not annualised.",
  },
  {
    key: "sortinoRatio",
    label: "Sortino ratio (per trade)",
    unit: "ratio",
    direction: "higher",
    convention: "Mean per-trade return / √(Σ min(r, 0)² / N), rf = 0, not annualised.",
  },
  {
    key: "annualizedSharpeRatio",
    label: "Sharpe ratio (daily equity, √365, rf = 0)",
    unit: "ratio",
    direction: "higher",
    convention: `Daily simple returns of the compounded closed-trade equity at UTC midnights over the period; mean / sample standard deviation · √365; ${GATES}.`,
  },
  {
    key: "annualizedSortinoRatio",
    label: "Sortino ratio (daily equity, √365, rf = 0)",
    unit: "ratio",
    direction: "higher",
    convention: `Daily returns as for the daily Sharpe; mean / √(Σ min(d, 0)² / n) · √365; ${GATES}.`,
  },
  {
    key: "certaintyRatio",
    label: "Certainty ratio",
    unit: "ratio",
    direction: "higher",
    convention: "Mean winning return / |mean losing return|.",
  },
  {
    key: "profitFactor",
    label: "Profit factor",
    unit: "ratio",
    direction: "higher",
    convention: "Sum of winning returns / |sum of losing returns|.",
  },
  {
    key: "maxDrawdown",
    label: "Max drawdown (closed trades, compounded)",
    unit: "percent",
    direction: "lower",
    convention:
      "Deepest fall from the running peak of the equity compounded over closed trades (E_0 = 1); open positions are not marked to market, so intra-trade drawdowns are not seen.",
  },
  {
    key: "maxDrawdownMarked",
    label: "Max drawdown (marked to market each minute)",
    unit: "percent",
    direction: "lower",
    convention:
      "Deepest fall from the running peak of the compounded equity valued each minute: an open position counts at what closing it at that minute's price would return (fees and slippage included); backtests only.",
  },
  {
    key: "calmarRatio",
    label: "Calmar ratio (yearly return / max drawdown)",
    unit: "ratio",
    direction: "higher",
    convention: `Expected yearly returns / max drawdown (closed trades); ${GATES}.`,
  },
  {
    key: "expectedYearlyReturns",
    label: "Expected yearly returns (compounded, 365 days)",
    unit: "percent",
    direction: "higher",
    convention: `(final equity ^ (365 days / period) − 1) · 100, compounded over closed trades; ${GATES}.`,
  },
  {
    key: "avgHoldingMinutes",
    label: "Average holding time",
    unit: "minutes",
    direction: null,
    convention: "Mean of close time − open (pendingAt) time.",
  },
  {
    key: "totalPnlCost",
    label: "Total net PnL (quote currency)",
    unit: "quote",
    // Money mixes the edge with the sizing, and is N/A for unsized runs: it does not rank strategies.
    direction: null,
    convention:
      "Sum of every trade's net result in quote currency (fees and slippage of every fill included); N/A when any trade is unsized.",
  },
  {
    key: "avgMfePercent",
    label: "Average MFE (max favourable excursion)",
    unit: "percent",
    direction: null,
    convention:
      "Mean over trades of the best price's move in the trade's favour, percent from the (cost-weighted) entry price, the exit price included; ≥ 0.",
  },
  {
    key: "avgMaePercent",
    label: "Average MAE (max adverse excursion)",
    unit: "percent",
    direction: null,
    convention:
      "Mean over trades of the worst price's move against the trade, percent from the (cost-weighted) entry price, the exit price included; ≤ 0.",
  },
  {
    key: "exposurePercent",
    label: "Exposure (time in market)",
    unit: "percent",
    direction: null,
    convention: "Union of holding intervals within the period / period length · 100.",
  },
] as const satisfies ReadonlyArray<IStatisticMetric>;

type ListedMetric = (typeof STATISTIC_METRICS)[number];

/** A metric walkers, sweeps, clusters and walk-forward can rank by: every statistic with a direction. */
export type WalkerMetric = Extract<ListedMetric, { direction: "higher" | "lower" }>["key"];

function isRankable(metric: ListedMetric): metric is Extract<ListedMetric, { key: WalkerMetric }> {
  return metric.direction !== null;
}

/** The rankable metric names, in list order (for schema validation and CLI help). */
export const WALKER_METRICS: ReadonlyArray<WalkerMetric> = Object.freeze(
  STATISTIC_METRICS.filter(isRankable).map((metric) => metric.key),
);

/** True when `value` is a WalkerMetric name (a runtime check for user input). */
export function isWalkerMetric(value: unknown): value is WalkerMetric {
  return (WALKER_METRICS as ReadonlyArray<unknown>).includes(value);
}

/** The STATISTIC_METRICS entry of a statistic. */
export function statisticMetric(key: StatisticKey): IStatisticMetric {
  const metric = STATISTIC_METRICS.find((entry) => entry.key === key);
  // Unreachable for a typed key: statisticMetrics.test.ts checks the list covers every StatisticKey.
  if (metric === undefined) {
    throw new BtError("VALIDATION", `statisticMetric: unknown statistic ${String(key)}`, {
      field: "key",
      value: key,
    });
  }
  return metric;
}

/** True when a smaller value of the metric is better (maxDrawdown, a depth in percent). */
export function isLowerBetter(metric: WalkerMetric): boolean {
  return statisticMetric(metric).direction === "lower";
}
