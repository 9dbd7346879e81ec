// Ranking of walker entries by one statistic: maxDrawdown ascending (shallower is better), every other
// metric descending; entries whose metric is null go last; ties keep their input order.

import type { WalkerMetric } from "@bt/core";
import type { IStatistics } from "./statistics";

/** True when a smaller value of the metric is better (only maxDrawdown, a depth in percent). */
export function isLowerBetter(metric: WalkerMetric): boolean {
  return metric === "maxDrawdown";
}

/**
 * Returns a new array of the entries ordered best first by `stats[metric]`; nulls last, stable.
 * @example
 * const ranking = rankByMetric([{ name: "a", stats }, { name: "b", stats: other }], "sharpeRatio");
 */
export function rankByMetric<T extends { stats: IStatistics }>(entries: T[], metric: WalkerMetric): T[] {
  const direction = isLowerBetter(metric) ? 1 : -1;
  return entries
    .map((entry, index) => ({ entry, index, value: entry.stats[metric] }))
    .sort((left, right) => {
      if (left.value === null || right.value === null) {
        if (left.value === right.value) return left.index - right.index;
        return left.value === null ? 1 : -1;
      }
      if (left.value !== right.value) return (left.value - right.value) * direction;
      return left.index - right.index;
    })
    .map((item) => item.entry);
}
