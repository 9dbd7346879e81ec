// Cutting a thread sweep into tasks that balance across threads: a task is one symbol and some of its
// parameter sets, sized by an estimate (1m candles its backtests walk × parameter sets). By default the
// first wave (one task per thread) covers HEAD_SHARE of the sweep; the rest shrinks as the work left
// shrinks (about 1 / (2 × threads) of it) down to a floor of MIN_TASK_CANDLES, and tasks run largest
// first, so the sweep never ends with one big task alone. Few tasks matter: each builds a fresh engine,
// which in a thread that is still warming up costs about one backtest (its code is re-optimised).
// A task's parameter sets are spread over the grid rather than a contiguous run of it, so tasks mix
// cheap and costly parameters alike.

import type { ICandleColumns } from "@bt/core";
import { lowerBound } from "@bt/exchange-file";

/** One planned thread task: a symbol and the indices of its parameter sets (ascending). */
export interface ISweepTaskPlan {
  symbol: string;
  /** Indices into the sweep's parameter sets, ascending. */
  indices: number[];
  /** Estimated size: candles per backtest × parameter sets (only compared with other tasks). */
  size: number;
}

/** Share of the estimated work the first task of each thread covers together (guided sizes). */
export const HEAD_SHARE = 0.75;
/** Candles (1m steps × parameter sets) a later task walks at least, about two 30-day backtests of 1m. */
export const MIN_TASK_CANDLES = 100_000;

/** What the schedule needs to know about a sweep. */
export interface ISweepScheduleInput {
  /**
   * Every symbol with the 1m candles one of its backtests walks (see sweepCandleCount), in sweep order,
   * and the parameter-set indices to run on it (ascending; default all of 0 … paramSetCount − 1).
   */
  symbols: ReadonlyArray<{ symbol: string; candles: number; indices?: ReadonlyArray<number> }>;
  paramSetCount: number;
  threads: number;
  /** Fixed parameter sets per task instead of guided sizes. */
  batchSize?: number;
}

/** 1m candles of `columns` a backtest over [startMs − warmupMinutes, endMs) walks (at least 1). */
export function sweepCandleCount(
  columns: ICandleColumns,
  startMs: number,
  endMs: number,
  warmupMinutes = 0,
): number {
  const from = lowerBound(columns.timestamp, startMs - warmupMinutes * 60_000);
  const to = lowerBound(columns.timestamp, endMs);
  return Math.max(1, to - from);
}

/**
 * Removes `count` entries of `left` (ascending) spread evenly over it and returns them, ascending: the
 * j-th pick is at ⌊(j + ½) · length / count⌋, so every pick is distinct.
 */
function spreadPick(left: number[], count: number): number[] {
  if (count >= left.length) return left.splice(0, left.length);
  const positions = Array.from({ length: count }, (_, pick) =>
    Math.floor(((pick + 0.5) * left.length) / count),
  );
  const picked = positions.map((position) => left[position] as number);
  for (let pick = positions.length - 1; pick >= 0; pick--) left.splice(positions[pick] as number, 1);
  return picked;
}

/** The tasks of a sweep, largest first (ties in symbol, then parameter-set order); together they cover every run once. */
export function scheduleSweepTasks(input: ISweepScheduleInput): ISweepTaskPlan[] {
  const { paramSetCount, threads, batchSize } = input;
  const all = Array.from({ length: paramSetCount }, (_, index) => index);
  const indicesOf = (symbol: ISweepScheduleInput["symbols"][number]) => [...(symbol.indices ?? all)];
  const tasks: ISweepTaskPlan[] = [];
  if (batchSize !== undefined) {
    for (const entry of input.symbols) {
      const indices = indicesOf(entry);
      for (let from = 0; from < indices.length; from += batchSize) {
        const chunk = indices.slice(from, from + batchSize);
        tasks.push({ symbol: entry.symbol, indices: chunk, size: chunk.length * entry.candles });
      }
    }
  } else {
    // Heaviest symbols first, so the big early chunks come from them and the small last ones balance.
    const symbols = [...input.symbols].sort((left, right) => right.candles - left.candles);
    const total = symbols.reduce((sum, entry) => sum + entry.candles * indicesOf(entry).length, 0);
    // The tail floor never exceeds an eighth of a thread's share, so short sweeps still end evenly.
    const floorSize = Math.min(total / (threads * 8), MIN_TASK_CANDLES);
    let remaining = total;
    for (const entry of symbols) {
      const { symbol, candles } = entry;
      const left = indicesOf(entry);
      while (left.length > 0) {
        const target =
          tasks.length < threads
            ? (total * HEAD_SHARE) / threads
            : Math.max(remaining / (threads * 2), floorSize);
        const count = Math.min(left.length, Math.max(1, Math.floor(target / candles)));
        const indices = spreadPick(left, count);
        tasks.push({ symbol, indices, size: count * candles });
        remaining -= count * candles;
      }
    }
  }
  // Array.prototype.sort is stable: equal sizes keep their order.
  return tasks.sort((left, right) => right.size - left.size);
}
