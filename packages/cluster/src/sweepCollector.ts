// Collecting the entries of a sweep as its backtests finish, on top of the entries resumed from an
// earlier run: every runner (sequential, threads, cluster) stores its entries here by symbol and
// parameter-set index, so progress counts resumed entries and the ranking never depends on which
// entries were resumed, or in which order the others finished.

import { BtError } from "@bt/core";
import type { ISweepPlan } from "./sweepPlan";
import { buildSweepResult } from "./sweepRanking";
import type { ISweepEntry, ISweepProgress, ISweepResult } from "./sweepTypes";

/** The entries of one sweep run: resumed ones, then each new one as it finishes. */
export interface ISweepCollector {
  /** Backtests finished so far, resumed ones included. */
  readonly completed: number;
  /**
   * Stores the entry of parameter set `index` on `symbol` and reports progress.
   * @throws BtError STATE when that backtest already has an entry.
   */
  add(symbol: string, index: number, entry: ISweepEntry): void;
  /**
   * The sweep's result: one ranking per symbol over resumed and new entries.
   * @throws BtError STATE when a backtest has no entry.
   */
  result(elapsedMs: number): ISweepResult;
}

/** A collector for `plan`, prefilled with its resumed entries; `onProgress` is called after each add. */
export function createSweepCollector(
  plan: ISweepPlan<object>,
  onProgress?: (progress: ISweepProgress) => void,
): ISweepCollector {
  const slots = new Map(
    plan.symbols.map((symbol) => {
      const entries = new Array<ISweepEntry | undefined>(plan.paramSets.length).fill(undefined);
      for (const [index, entry] of plan.resumed.get(symbol) ?? []) entries[index] = entry;
      return [symbol, entries] as const;
    }),
  );
  let completed = plan.resumedCount;
  return {
    get completed() {
      return completed;
    },
    add(symbol, index, entry) {
      const entries = slots.get(symbol);
      if (entries === undefined || index < 0 || index >= entries.length || entries[index] !== undefined) {
        throw new BtError(
          "STATE",
          `sweep: a second or unexpected entry for parameter set ${index} on ${symbol} (${entry.strategyName})`,
        );
      }
      entries[index] = entry;
      completed++;
      onProgress?.({ completed, total: plan.total, entry });
    },
    result(elapsedMs) {
      const bySymbol = plan.symbols.map((symbol) => {
        const entries = slots.get(symbol) as Array<ISweepEntry | undefined>;
        const missing = entries.indexOf(undefined);
        if (missing !== -1) {
          throw new BtError(
            "STATE",
            `sweep: no entry for ${plan.names[missing]} on ${symbol} (parameter set ${missing})`,
          );
        }
        return [symbol, entries as ISweepEntry[]] as const;
      });
      return buildSweepResult(bySymbol, plan.metric, plan.frame, elapsedMs, plan.resumedCount);
    },
  };
}
