// The targets of "Speed near the machine's limit": each figure with its limit and whether it passes.
// A figure that could not be measured is null with the reason; it never passes.

/** One target: `value` compared with `limit` (≤ unless `atLeast`). */
export interface ITarget {
  value: number | null;
  limit: number;
  /** "max": value ≤ limit; "min": value ≥ limit. */
  kind: "max" | "min";
  unit: string;
  pass: boolean;
  reason?: string;
}

/** A target from a measured (or missing) value. */
export function target(
  value: number | null | undefined,
  limit: number,
  unit: string,
  kind: "max" | "min" = "max",
  reason?: string,
): ITarget {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { value: null, limit, kind, unit, pass: false, reason: reason ?? "not measured" };
  }
  const pass = kind === "max" ? value <= limit : value >= limit;
  return { value, limit, kind, unit, pass, ...(reason === undefined ? {} : { reason }) };
}

/** The limits, by target name (also the README's table). */
export const TARGET_LIMITS = {
  /** Every scenario ≤ 1.3 × its async floor (AsyncLocalStorage + await per getSignal). */
  asyncFloorRatio: 1.3,
  /** year15m ≤ 1.5 × its sync floor. */
  year15mSyncFloorRatio: 1.5,
  /** year15m with a trailing stop and a TP ladder ≤ 1.5 × the plain year15m (position management, issue 17). */
  year15mManagedRatio: 1.5,
  /** year1mEveryMinute through a column view, ms. */
  year1mEveryMinuteColumnViewMs: 600,
  /** year1mEveryMinute through getCandles, ms. */
  year1mEveryMinuteMs: 1000,
  /** 2-thread sweep ≥ 1.8 × 1 thread. */
  sweepScaling: 1.8,
  /** `bt backtest`: first candle file opened ≤ 150 ms after process start. */
  cliFirstCandleReadMs: 150,
  /** Peak RSS of a one-year backtest, MB. */
  yearPeakRssMb: 120,
  /** Bytes held per 1m candle of a loaded year: columns exchange / objects exchange. */
  bytesPerCandleColumns: 64,
  bytesPerCandleObjects: 100,
  /** CSV load peak RSS ≤ 2 × the loaded columns' size. */
  csvLoadPeakRssRatio: 2,
} as const;
