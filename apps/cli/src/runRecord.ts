// The machine-readable record of a run: what `--json` prints and `--dump` stores beside the markdown,
// and what `bt report` renders again. Plain JSON (epoch ms times, null for N/A statistics).

import type { IStrategyTickResultClosed, WalkerMetric } from "@bt/core";
import type { IStatistics } from "@bt/report-markdown";

/** Version of the record layout; bumped on incompatible changes. */
export const RUN_RECORD_VERSION = 1;

/** Where a run's data came from and its frame. */
export interface IRunFrame {
  symbol: string;
  exchangeName: string;
  /** Frame tick interval. */
  interval: string;
  /** Frame start, epoch ms (inclusive). */
  periodStartMs: number;
  /** Frame end, epoch ms (exclusive). */
  periodEndMs: number;
}

/** A finished backtest: statistics and every closed signal. */
export interface IBacktestRunRecord extends IRunFrame {
  kind: "backtest";
  version: typeof RUN_RECORD_VERSION;
  strategyName: string;
  stats: IStatistics;
  closed: IStrategyTickResultClosed[];
}

/** One strategy of a walker run. */
export interface IWalkerRunEntry {
  strategyName: string;
  /** Null when the strategy failed (see `error`). */
  stats: IStatistics | null;
  metricValue: number | null;
  error: string | null;
}

/** A finished walker: every strategy ranked best first. */
export interface IWalkerRunRecord extends IRunFrame {
  kind: "walker";
  version: typeof RUN_RECORD_VERSION;
  walkerName: string;
  metric: WalkerMetric;
  bestStrategy: string | null;
  bestMetric: number | null;
  results: IWalkerRunEntry[];
}

/** Any run record. */
export type IRunRecord = IBacktestRunRecord | IWalkerRunRecord;

/** True when `value` looks like a run record this version can render. */
export function isRunRecord(value: unknown): value is IRunRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<IRunRecord>;
  return (
    record.version === RUN_RECORD_VERSION &&
    ((record.kind === "backtest" && Array.isArray((record as IBacktestRunRecord).closed)) ||
      (record.kind === "walker" && Array.isArray((record as IWalkerRunRecord).results)))
  );
}
