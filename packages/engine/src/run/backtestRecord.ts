// What the engine keeps of the latest backtest of each (symbol, strategy) for getData / getReport:
// the run conditions (names, period, config), the closed and cancelled results, the counted problems
// and the error that ended the run, if any.

import {
  emptyRunProblems,
  type IGlobalConfig,
  type IRunProblems,
  type IStrategyTickResult,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultClosed,
  type RunStatus,
  runStatus,
} from "@bt/core";
import type { MissingCandlePolicy } from "../candles/candleLoader";
import type { RunAccount } from "../portfolio/runAccount";
import { emptyObjectArray } from "./objectArray";

/** The settings of a backtest beside its config: what a report must state for its figures to be read. */
export interface IRunSettings {
  /** Minutes of candles loaded before the frame start for the strategy's look-backs. */
  warmupMinutes: number;
  /** Missing 1m candles inside the data: an error, or filled with flat candles. */
  gapPolicy: MissingCandlePolicy;
  /** The account's initial balance, quote currency. */
  accountBalance: number;
  /** Open positions and scheduled signals at once on the account (1 for a plain backtest). */
  maxOpenPositions: number;
}

/** The record of one backtest run (mutated while it runs). */
export interface IBacktestRunRecord {
  readonly symbol: string;
  readonly strategyName: string;
  readonly exchangeName: string;
  readonly frameName: string;
  /** Frame start, epoch ms. */
  readonly periodStartMs: number;
  /** Frame end (exclusive), epoch ms. */
  readonly periodEndMs: number;
  /** The config the run started with. */
  readonly config: Readonly<IGlobalConfig>;
  /** The run's account (a portfolio's runs share one): stakes, balance, equity in quote currency. */
  readonly account: RunAccount;
  /** The settings the run used, as reports state them. */
  readonly settings: IRunSettings;
  readonly closed: IStrategyTickResultClosed[];
  readonly cancelled: IStrategyTickResultCancelled[];
  /** What the schedule report reads: each signal's scheduling, its activation and its cancellation. */
  readonly scheduleEvents: IStrategyTickResult[];
  readonly problems: IRunProblems;
  /** The error that ended the run early (also on listenError), or null. */
  error: Error | null;
  /**
   * Max drawdown of the equity marked to market each minute over the run's price column (percent), set
   * when the run completes; undefined while it runs or when it threw.
   */
  markedMaxDrawdownPercent: number | undefined;
}

/** A fresh record for a run starting now. */
export function createBacktestRunRecord(
  fields: Omit<
    IBacktestRunRecord,
    "closed" | "cancelled" | "scheduleEvents" | "problems" | "error" | "markedMaxDrawdownPercent"
  >,
): IBacktestRunRecord {
  // One literal with every field (no spread): records of every run share one map, so the loop's reads
  // of record fields stay monomorphic across the runs of a walker or sweep.
  return {
    symbol: fields.symbol,
    strategyName: fields.strategyName,
    exchangeName: fields.exchangeName,
    frameName: fields.frameName,
    periodStartMs: fields.periodStartMs,
    periodEndMs: fields.periodEndMs,
    config: fields.config,
    account: fields.account,
    settings: fields.settings,
    closed: emptyObjectArray<IStrategyTickResultClosed>(),
    cancelled: emptyObjectArray<IStrategyTickResultCancelled>(),
    scheduleEvents: emptyObjectArray<IStrategyTickResult>(),
    problems: emptyRunProblems(),
    error: null,
    markedMaxDrawdownPercent: undefined,
  };
}

/** "failed" when the run threw or every getSignal call threw; "ok" otherwise. */
export function recordStatus(record: IBacktestRunRecord): RunStatus {
  return record.error !== null ? "failed" : runStatus(record.problems);
}
