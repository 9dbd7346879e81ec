// Cutting a thread sweep into tasks that balance across threads: a task is one symbol and some of its
// parameter sets, sized by an estimate (1m candles its backtests walk × parameter sets). By default the
// tasks shrink as the work left shrinks (guided scheduling: about 1 / (2 × threads) of what is left,
// down to single runs), and they run largest first, so the sweep never ends with one big task alone.

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

/** What the schedule needs to know about a sweep. */
export interface ISweepScheduleInput {
  /** Every symbol with the 1m candles one of its backtests walks (see sweepCandleCount), in sweep order. */
  symbols: ReadonlyArray<{ symbol: string; candles: number }>;
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

/** The tasks of a sweep, largest first (ties in symbol, then parameter-set order); together they cover every run once. */
export function scheduleSweepTasks(input: ISweepScheduleInput): ISweepTaskPlan[] {
  const { paramSetCount, threads, batchSize } = input;
  const range = (from: number, count: number) => Array.from({ length: count }, (_, offset) => from + offset);
  const tasks: ISweepTaskPlan[] = [];
  if (batchSize !== undefined) {
    for (const { symbol, candles } of input.symbols) {
      for (let from = 0; from < paramSetCount; from += batchSize) {
        const count = Math.min(batchSize, paramSetCount - from);
        tasks.push({ symbol, indices: range(from, count), size: count * candles });
      }
    }
  } else {
    // Heaviest symbols first, so the big early chunks come from them and the small last ones balance.
    const symbols = [...input.symbols].sort((left, right) => right.candles - left.candles);
    let remaining = symbols.reduce((sum, { candles }) => sum + candles * paramSetCount, 0);
    for (const { symbol, candles } of symbols) {
      for (let from = 0; from < paramSetCount; ) {
        const target = remaining / (threads * 2);
        const count = Math.min(paramSetCount - from, Math.max(1, Math.floor(target / candles)));
        tasks.push({ symbol, indices: range(from, count), size: count * candles });
        from += count;
        remaining -= count * candles;
      }
    }
  }
  // Array.prototype.sort is stable: equal sizes keep their order.
  return tasks.sort((left, right) => right.size - left.size);
}
