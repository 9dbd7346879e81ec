// Turning the entries of a sweep into per-symbol rankings, exactly as the engine's walker ranks:
// rankByMetric (maxDrawdown ascending, nulls last, ties in input order), then failed backtests.

import type { WalkerMetric } from "@bt/core";
import { type IStatistics, rankByMetric } from "@bt/report-markdown";
import type { ISweepEntry, ISweepFrame, ISweepResult, ISweepSymbolResult } from "./sweepTypes";

/** Ranks one symbol's entries (given in parameter-set order) best first. */
export function rankSweepEntries(
  symbol: string,
  entries: ReadonlyArray<ISweepEntry>,
  metric: WalkerMetric,
): ISweepSymbolResult {
  const succeeded = entries.filter(
    (entry): entry is ISweepEntry & { stats: IStatistics } => entry.stats !== null,
  );
  const ranking = [...rankByMetric(succeeded, metric), ...entries.filter((entry) => entry.stats === null)];
  const best = ranking[0] !== undefined && ranking[0].metricValue !== null ? ranking[0] : undefined;
  return { symbol, bestStrategy: best?.strategyName ?? null, bestMetric: best?.metricValue ?? null, ranking };
}

/** The result of a sweep from its entries per symbol (each in parameter-set order). */
export function buildSweepResult(
  entriesBySymbol: ReadonlyArray<readonly [string, ReadonlyArray<ISweepEntry>]>,
  metric: WalkerMetric,
  frame: ISweepFrame,
  elapsedMs: number,
): ISweepResult {
  const symbols = entriesBySymbol.map(([symbol, entries]) => rankSweepEntries(symbol, entries, metric));
  return {
    metric,
    frame,
    symbols,
    backtestCount: symbols.reduce((sum, symbol) => sum + symbol.ranking.length, 0),
    elapsedMs,
  };
}
