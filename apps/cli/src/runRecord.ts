// The machine-readable record of a run: what `--json` prints and `--dump` stores beside the markdown,
// and what `bt report` renders again. Plain JSON (epoch ms times, null for N/A statistics with the
// reason in `stats.unavailable`), with what went wrong (`problems`), the run's status and its config.

import type {
  IAccountTrade,
  IEquityPoint,
  IEquityStatistics,
  IGlobalConfig,
  IRunProblems,
  IStatistics,
  IStrategyTickResult,
  IStrategyTickResultCancelled,
  IStrategyTickResultClosed,
  RunStatus,
  WalkerMetric,
} from "@bt/core";
import type { IRunSettings } from "@bt/engine";
import type { IHtmlCandles } from "@bt/report-html";

/**
 * Version of the record layout; bumped on incompatible changes. 2: `status`, `problems`, `config` (and
 * `cancelled` on backtests) added; statistics are @bt/core's IStatistics.
 */
export const RUN_RECORD_VERSION = 2;

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

/** The settings of a backtest beside its config: @bt/engine's IBacktestData.settings, as recorded. */
export type { IRunSettings };

/** The account of a run, in quote currency. */
export interface IRecordAccount {
  initialBalance: number;
  /** Initial balance plus the realised PnL of every closed trade. */
  balance: number;
  maxOpenPositions: number;
  /** Equity marked to market, downsampled (each bucket's lowest and last point: drawdowns stay visible). */
  equity: IEquityPoint[];
  /** Statistics of the full (not downsampled) marked equity. */
  stats: IEquityStatistics;
  /** Each closed trade's stake, PnL, fees, slippage and the balance after it, in close order. */
  trades: IAccountTrade[];
}

/** A finished backtest: statistics, every closed and cancelled signal, what went wrong, the config. */
export interface IBacktestRunRecord extends IRunFrame {
  kind: "backtest";
  version: typeof RUN_RECORD_VERSION;
  strategyName: string;
  /** "failed" when the run threw or every getSignal call threw. */
  status: RunStatus;
  stats: IStatistics;
  closed: IStrategyTickResultClosed[];
  /** Scheduled signals cancelled before they opened, in cancel order. */
  cancelled: IStrategyTickResultCancelled[];
  /** Each scheduled signal's scheduling, activation and cancellation (absent in older records). */
  scheduleEvents?: IStrategyTickResult[];
  /** Counted errors, validation and risk rejections, cancelled signals, getSignal calls/failures. */
  problems: IRunProblems;
  /** The config the run used (fee, slippage, price model…). */
  config: IGlobalConfig;
  /** The run's account (absent in records written before bt had accounts). */
  account?: IRecordAccount;
  /** Warm-up, gap policy, balance and open-position limit the run used (absent in older records). */
  settings?: IRunSettings;
  /** Candles for the HTML report's chart, a display interval (absent when they could not be read). */
  chart?: IHtmlCandles;
}

/** A finished portfolio run: one strategy on several symbols from one account. */
export interface IPortfolioRunRecord extends IRunFrame {
  kind: "portfolio";
  version: typeof RUN_RECORD_VERSION;
  strategyName: string;
  symbols: string[];
  /** "failed" when any symbol's run failed. */
  status: RunStatus;
  account: IRecordAccount;
  /** Each symbol's backtest (its `account` is the shared one's trades of that symbol). */
  runs: IBacktestRunRecord[];
  config: IGlobalConfig;
}

/** One strategy of a walker run. */
export interface IWalkerRunEntry {
  strategyName: string;
  /** "failed" when its run threw or every getSignal call threw; a failed strategy is never best. */
  status: RunStatus;
  /** Null when the strategy's run threw (see `error`). */
  stats: IStatistics | null;
  metricValue: number | null;
  /** The error that stopped the strategy's run, if any. */
  error: string | null;
  problems: IRunProblems;
  /** Its account's equity, downsampled (absent when its run never started, or in older records). */
  equity?: IEquityPoint[];
}

/** A finished walker: every strategy ranked best first (failed ones last). */
export interface IWalkerRunRecord extends IRunFrame {
  kind: "walker";
  version: typeof RUN_RECORD_VERSION;
  walkerName: string;
  metric: WalkerMetric;
  bestStrategy: string | null;
  bestMetric: number | null;
  results: IWalkerRunEntry[];
  /** The config the walker's backtests used. */
  config: IGlobalConfig;
}

/** Any run record. */
export type IRunRecord = IBacktestRunRecord | IWalkerRunRecord | IPortfolioRunRecord;

/** Every record kind, as --dump names its folders (`<dir>/<kind>/<name>.json`). */
export const RUN_RECORD_KINDS: ReadonlyArray<IRunRecord["kind"]> = ["backtest", "portfolio", "walker"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isProblems(value: unknown): value is IRunProblems {
  return isObject(value) && Array.isArray(value.problems) && Array.isArray(value.cancelled);
}

/** True when `value` looks like a run record this version can render. */
export function isRunRecord(value: unknown): value is IRunRecord {
  if (!isObject(value) || value.version !== RUN_RECORD_VERSION || !isObject(value.config)) return false;
  if (value.kind === "backtest") {
    return Array.isArray(value.closed) && Array.isArray(value.cancelled) && isProblems(value.problems);
  }
  if (value.kind === "portfolio") {
    return Array.isArray(value.runs) && value.runs.every(isRunRecord) && isObject(value.account);
  }
  return (
    value.kind === "walker" &&
    Array.isArray(value.results) &&
    value.results.every((entry) => isObject(entry) && isProblems(entry.problems))
  );
}

/** The record version of a parsed bt run record of any version, or null when it is not one. */
export function runRecordVersion(value: unknown): number | null {
  if (
    !isObject(value) ||
    (value.kind !== "backtest" && value.kind !== "walker" && value.kind !== "portfolio")
  ) {
    return null;
  }
  return typeof value.version === "number" ? value.version : null;
}
