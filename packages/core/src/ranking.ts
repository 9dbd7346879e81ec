// The one ranking of runs by a WalkerMetric, used by the walker, sweeps, the cluster and walk-forward:
// working runs with a value first (best first), then working runs whose metric is null, then failed
// runs. A failed run never ranks above a working one; ties keep their input order.

import type { RunStatus } from "./runProblems";
import { isLowerBetter, type WalkerMetric } from "./statisticMetrics";
import type { IStatistics } from "./statistics";

/** What the ranking needs of one run: its statistics (null when it produced none) and its status. */
export interface IRankEntry {
  stats: IStatistics | null;
  status: RunStatus;
}

/** 0: ok with a finite value, 1: ok with a null metric, 2: failed or without statistics. */
function tierOf(entry: IRankEntry, metric: WalkerMetric): { tier: number; value: number } {
  if (entry.status !== "ok" || entry.stats === null) return { tier: 2, value: 0 };
  const value = entry.stats[metric];
  // A non-finite value cannot be ordered honestly; computeStatistics never produces one.
  if (value === null || !Number.isFinite(value)) return { tier: 1, value: 0 };
  return { tier: 0, value };
}

/**
 * Returns a new array of the entries ordered best first by `stats[metric]` (ascending for a "lower"
 * metric such as maxDrawdown, descending otherwise): ok entries with a value, then ok entries whose
 * metric is null, then failed entries and entries without stats; stable, the input is not changed.
 * Pass `toRankEntry` when the entries carry their status differently (e.g. an `error` field).
 * @example
 * const ranking = rankByMetric([{ name: "a", stats, status: "ok" }, { name: "b", stats: null, status: "failed" }], "sharpeRatio");
 * const walker = rankByMetric(results, "maxDrawdown", (entry) => ({ stats: entry.stats, status: entry.error === null ? "ok" : "failed" }));
 */
export function rankByMetric<T extends IRankEntry>(entries: ReadonlyArray<T>, metric: WalkerMetric): T[];
export function rankByMetric<T>(
  entries: ReadonlyArray<T>,
  metric: WalkerMetric,
  toRankEntry: (entry: T) => IRankEntry,
): T[];
export function rankByMetric<T>(
  entries: ReadonlyArray<T>,
  metric: WalkerMetric,
  toRankEntry: (entry: T) => IRankEntry = (entry) => entry as IRankEntry,
): T[] {
  const direction = isLowerBetter(metric) ? 1 : -1;
  return entries
    .map((entry, index) => ({ entry, index, ...tierOf(toRankEntry(entry), metric) }))
    .sort((left, right) => {
      if (left.tier !== right.tier) return left.tier - right.tier;
      if (left.tier === 0 && left.value !== right.value) return (left.value - right.value) * direction;
      return left.index - right.index;
    })
    .map((item) => item.entry);
}
