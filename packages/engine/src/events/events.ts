// The payloads of the engine's events (besides IStrategyTickResult, which comes from @bt/core).

import type { IRunProblems, ISignalProblem, IStatistics, RunStatus, WalkerMetric } from "@bt/core";

/** Backtest progress of one (symbol, strategy); `progress` in [0, 1]. */
export interface IProgressEvent {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  frameName: string;
  /** Frame timestamps already behind the engine. */
  processedFrames: number;
  totalFrames: number;
  /** processedFrames / totalFrames, in [0, 1]. */
  progress: number;
}

/** A backtest or live run finished (normally or by stop). */
export interface IDoneEvent {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  frameName: string;
  backtest: boolean;
  /** True when the run ended because stop() was called. */
  stopped: boolean;
}

/** A signal rejected by the strategy's risk profile. */
export interface IRiskEvent {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  riskName: string;
  /** The signal as returned by getSignal (after sizing decided nothing yet). */
  pendingSignal: unknown;
  /** Why it was rejected: the thrown message, the returned string, or a generated text for `false`. */
  reason: string;
  /** Index of the rejecting validation in the profile's `validations`. */
  validationIndex: number;
  currentPrice: number;
  /** Epoch ms of the decision. */
  timestamp: number;
  activePositionCount: number;
  backtest: boolean;
}

/** A signal from getSignal that failed validation (DESIGN.md rules, or sizing) and was never executed. */
export interface IValidationEvent {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  /** The value getSignal returned. */
  signal: unknown;
  problems: ISignalProblem[];
  currentPrice: number;
  /** Epoch ms of the decision. */
  timestamp: number;
  backtest: boolean;
}

/** One strategy's outcome inside a walker. */
export interface IWalkerStrategyResult {
  strategyName: string;
  /** Statistics of its closed signals; null when the strategy failed. */
  stats: IStatistics | null;
  /** stats[metric], or null (not computable, or the strategy failed). */
  metricValue: number | null;
  /** The error that stopped this strategy, if any (also sent to listenError). */
  error: Error | null;
  /**
   * "failed" when the run threw or every getSignal call threw; a failed strategy is ranked after every
   * working one and is never bestStrategy.
   */
  status: RunStatus;
  /** What went wrong in its run: counted errors, validation and risk rejections, cancelled signals. */
  problems: IRunProblems;
}

/** Emitted (and yielded by Walker.run) after each strategy of a walker. */
export interface IWalkerProgressEvent {
  walkerName: string;
  symbol: string;
  exchangeName: string;
  frameName: string;
  metric: WalkerMetric;
  /** The strategy just finished. */
  strategyName: string;
  strategyResult: IWalkerStrategyResult;
  strategiesTested: number;
  totalStrategies: number;
  /** Best so far by the metric, ranked as in the final result (null while no working strategy has a value). */
  bestStrategy: string | null;
  bestMetric: number | null;
}

/** The final result of a walker: the best strategy and every strategy's stats, ranked best first. */
export interface IWalkerResult {
  walkerName: string;
  symbol: string;
  exchangeName: string;
  frameName: string;
  metric: WalkerMetric;
  bestStrategy: string | null;
  bestMetric: number | null;
  bestStats: IStatistics | null;
  /** Every strategy, best first: working ones with a value, then working ones without, then failed ones. */
  results: IWalkerStrategyResult[];
}
