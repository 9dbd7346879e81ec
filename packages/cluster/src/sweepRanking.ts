// Turning the entries of a sweep into per-symbol rankings, exactly as the engine's walker ranks:
// core's rankByMetric (maxDrawdown ascending, nulls then failed backtests last, ties in input order).

import { rankByMetric, type WalkerMetric } from "@bt/core";
import type { ISweepEntry, ISweepFrame, ISweepResult, ISweepSymbolResult } from "./sweepTypes";

/** Ranks one symbol's entries (given in parameter-set order) best first. */
export function rankSweepEntries(
  symbol: string,
  entries: ReadonlyArray<ISweepEntry>,
  metric: WalkerMetric,
): ISweepSymbolResult {
  const ranking = rankByMetric(entries, metric, (entry) => ({
    stats: entry.stats,
    status: entry.error === null ? "ok" : "failed",
  }));
  const best = ranking[0] !== undefined && ranking[0].metricValue !== null ? ranking[0] : undefined;
  return { symbol, bestStrategy: best?.strategyName ?? null, bestMetric: best?.metricValue ?? null, ranking };
}

/** The result of a sweep from its entries per symbol (each in parameter-set order); `resumedCount` of them were resumed. */
export function buildSweepResult(
  entriesBySymbol: ReadonlyArray<readonly [string, ReadonlyArray<ISweepEntry>]>,
  metric: WalkerMetric,
  frame: ISweepFrame,
  elapsedMs: number,
  resumedCount = 0,
): ISweepResult {
  const symbols = entriesBySymbol.map(([symbol, entries]) => rankSweepEntries(symbol, entries, metric));
  return {
    metric,
    frame,
    symbols,
    backtestCount: symbols.reduce((sum, symbol) => sum + symbol.ranking.length, 0),
    resumedCount,
    elapsedMs,
  };
}
