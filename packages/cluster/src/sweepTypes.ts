// The data shapes shared by every sweep runner (sequential, worker threads, BullMQ cluster): parameter
// sets, strategy factories and modules, frames and data sources in a serialisable form, and the
// per-backtest entries and per-symbol rankings a sweep returns.

import type {
  IGlobalConfig,
  IStatistics,
  IStrategySchema,
  IStrategyTickResultClosed,
  WalkerMetric,
} from "@bt/core";
import type { IBacktestOptions } from "@bt/engine";

/** One parameter value: numbers, strings and booleans survive JSON and structured clone unchanged. */
export type SweepParamValue = number | string | boolean;

/** One parameter set, e.g. `{ fast: 5, slow: 20 }`; key order is the order used in strategy names. */
export type SweepParams = Readonly<Record<string, SweepParamValue>>;

/** A grid: every key lists its candidate values; expandGrid makes the cartesian product. */
export type SweepGrid = Readonly<Record<string, ReadonlyArray<SweepParamValue>>>;

/** A strategy schema without its name: the sweep names each combination itself. */
export type SweepStrategySchema = Omit<IStrategySchema, "strategyName"> & { strategyName?: string };

/**
 * Builds the strategy of one parameter set (P: an object of numbers, strings and booleans, checked at run
 * time); called once per backtest, in whichever thread runs it.
 */
export type StrategyFactory<P extends object = SweepParams> = (params: P) => SweepStrategySchema;

/**
 * The strategy under test: `name` prefixes every combination (`sma[fast=5,slow=20]`); `module` is a file
 * path (TypeScript allowed) whose `exportName` export (default `"default"`) is a StrategyFactory; `factory`
 * is the same function in memory (sequential runs only: threads and other machines load `module`).
 */
export interface ISweepStrategy<P extends object = SweepParams> {
  name: string;
  module?: string;
  exportName?: string;
  factory?: StrategyFactory<P>;
}

/** A backtest frame in serialisable form (epoch ms), as sent to threads and other machines. */
export interface ISweepFrame {
  frameName: string;
  /** Frame tick interval; default "1m". */
  interval?: IStrategySchema["interval"];
  /** Frame start, epoch ms (inclusive). */
  startMs: number;
  /** Frame end, epoch ms (exclusive). */
  endMs: number;
}

/**
 * Where a worker finds 1m candles, in serialisable form: a directory read by @bt/exchange-file, or a
 * module whose `exportName` export (default `"default"`) is `(symbol) => ICandleColumns` (may be async).
 * Relative paths resolve against the process's working directory (a cluster worker's `root`).
 */
export type SweepDataSource =
  | { type: "file"; dir: string }
  | { type: "module"; path: string; exportName?: string };

/** Backtest options forwarded to every backtest of a sweep (serialisable subset of IBacktestOptions). */
export type SweepBacktestOptions = Pick<
  IBacktestOptions,
  "warmupMinutes" | "batchSize" | "gapPolicy" | "accountBalance"
>;

/** A failed backtest, in serialisable form. */
export interface ISweepError {
  name: string;
  message: string;
  /** BtError code when the error was a BtError. */
  code?: string;
}

/** The outcome of one backtest of a sweep: one parameter set on one symbol over one frame. */
export interface ISweepEntry {
  /** The combination's strategy name, e.g. `sma[fast=5,slow=20]`. */
  strategyName: string;
  params: SweepParams;
  symbol: string;
  frameName: string;
  /** Statistics of the closed signals over the frame; null when the backtest failed. */
  stats: IStatistics | null;
  /** stats[metric], or null (not computable, or the backtest failed). */
  metricValue: number | null;
  /** Closed signals in close order (empty when `keepClosed` is false or the backtest failed). */
  closed: IStrategyTickResultClosed[];
  error: ISweepError | null;
}

/** The ranking of one symbol: every combination, best first (nulls and failures last, ties in input order). */
export interface ISweepSymbolResult {
  symbol: string;
  bestStrategy: string | null;
  bestMetric: number | null;
  ranking: ISweepEntry[];
}

/** What every sweep runner returns. */
export interface ISweepResult {
  metric: WalkerMetric;
  frame: ISweepFrame;
  /** One ranking per symbol, in the order the symbols were given. */
  symbols: ISweepSymbolResult[];
  /** Backtests run (parameter sets × symbols). */
  backtestCount: number;
  /** Of those, the entries taken from the `resume` option instead of being run (0 for a fresh sweep). */
  resumedCount: number;
  /** Wall time of the sweep in ms (candle loading included). */
  elapsedMs: number;
}

/** Progress of a sweep, reported after each finished backtest. */
export interface ISweepProgress {
  /** Backtests finished, resumed ones included (1 … total). */
  completed: number;
  total: number;
  entry: ISweepEntry;
}

/** Options shared by every sweep runner. */
export interface ISweepOptionsBase<P extends object = SweepParams> {
  strategy: ISweepStrategy<P>;
  /** A grid (expanded with expandGrid) or an explicit list of parameter sets. */
  params: SweepGrid | ReadonlyArray<P>;
  /** One symbol or several; each symbol gets its own ranking. */
  symbols: string | ReadonlyArray<string>;
  frame: ISweepFrame;
  /** Ranking metric; default "sharpeRatio" (maxDrawdown ranks ascending). */
  metric?: WalkerMetric;
  backtest?: SweepBacktestOptions;
  /**
   * Config patch for every backtest of the sweep, over the default engine's config at the sweep's start
   * (so `setConfig` before a sweep applies). Resolved once and sent to every thread and cluster job.
   */
  config?: Partial<IGlobalConfig>;
  /** Exchange name the candles are registered under (it appears in every signal); default "sweep". */
  exchangeName?: string;
  /** Keep every closed signal in the entries (default true); false sends statistics only. */
  keepClosed?: boolean;
  /**
   * Entries already finished by an earlier run of this same sweep (e.g. read back from a run journal):
   * their (strategyName, symbol) pairs are not run again, and the result ranks them with the new ones
   * exactly as if all had run now. Each must belong to this sweep (a known strategy name, symbol and
   * frame name), at most once per pair.
   */
  resume?: ReadonlyArray<ISweepEntry>;
  /** Called after each finished backtest; `completed` counts resumed entries too (it starts at their number). */
  onProgress?: (progress: ISweepProgress) => void;
}
