// The shape of one entry of a metric list (STATISTIC_METRICS, EQUITY_METRICS): the key of the figure,
// its label, its unit, which way is better and its convention, so every list reads the same way.

/** How a metric's value reads: a count, percent, a unitless ratio, minutes or money in quote currency. */
export type MetricUnit = "count" | "percent" | "ratio" | "minutes" | "quote";

/** Which way a metric is better: "higher", "lower", or null when it does not rank runs. */
export type MetricDirection = "higher" | "lower" | null;

/** One entry of a metric list over the figures named by `K`. */
export interface IMetric<K extends string> {
  /** The field of the statistics object. */
  key: K;
  /** Human label naming the convention when it is not obvious, e.g. "Sharpe ratio (per trade)". */
  label: string;
  unit: MetricUnit;
  direction: MetricDirection;
  /** The formula and convention in one sentence (a report's footnote). */
  convention: string;
}
