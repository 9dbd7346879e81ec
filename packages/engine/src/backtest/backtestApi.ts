// The Backtest object of an engine: run / background / stop / getData / getReport / dump over the
// backtest runner and the run records the engine keeps.

import {
  BtError,
  computeStatistics,
  describeValue,
  type IGlobalConfig,
  type IRunProblems,
  type IStatistics,
  type IStrategyTickResult,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultClosed,
  type RunStatus,
} from "@bt/core";
import { accountData, type IAccountData } from "../portfolio/portfolioData";
import type { IPortfolioRunRecord } from "../portfolio/portfolioRecord";
import { type IPortfolioOptions, runPortfolio } from "../portfolio/portfolioRunner";
import { dumpReport, type IDumpOptions } from "../reports/reportDump";
import { backtestMarkdown, type IBacktestReportOptions } from "../reports/reports";
import { type IRunSettings, recordStatus } from "../run/backtestRecord";
import { drainInBackground } from "../run/drainInBackground";
import { type EngineState, runKey } from "../run/engineState";
import { matchRuns, reportName } from "../run/matchRuns";
import type { IBacktestOptions } from "../run/runOptions";
import { type IBacktestContext, runBacktest } from "./backtestRunner";

/** Options of Backtest.getReport / dump: the report's options plus where dump writes. */
export type IBacktestReportDumpOptions = IBacktestReportOptions & IDumpOptions;

/** What Backtest.getData returns: the latest run's conditions, results, statistics and problems. */
export interface IBacktestData {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  frameName: string;
  /** Frame start, epoch ms. */
  periodStartMs: number;
  /** Frame end (exclusive), epoch ms. */
  periodEndMs: number;
  /** Closed signals in close order. */
  closed: IStrategyTickResultClosed[];
  /** Scheduled signals cancelled before they opened, in cancel order. */
  cancelled: IStrategyTickResultCancelled[];
  /** Each scheduled signal's scheduling, activation and cancellation, in order (the schedule report's input). */
  scheduleEvents: IStrategyTickResult[];
  /** Statistics of `closed` over the frame period (core computeStatistics). */
  stats: IStatistics;
  /** What went wrong: counted errors, validation and risk rejections, cancelled signals. */
  problems: IRunProblems;
  /** "failed" when the run threw or every getSignal call threw; "ok" otherwise. */
  status: RunStatus;
  /**
   * The run's account: balance, equity each minute and its statistics, each trade's money. The symbols
   * of a portfolio run share one account: this is the whole portfolio's.
   */
  account: IAccountData;
  /** The settings beside the config: warm-up, gap policy, balance, open-position limit. */
  settings: IRunSettings;
  /** The config the run used (fee, slippage, price model…). */
  config: Readonly<IGlobalConfig>;
}

/** The Backtest part of an engine. */
export interface IBacktestApi {
  /**
   * Backtests `context.strategyName` on `symbol` over the frame; an async generator of the results a
   * user acts on: scheduled, opened, closed and cancelled (idle/active only reach callbacks).
   * @throws BtError VALIDATION for a bad symbol or option, SCHEMA for unknown names, CANDLES / EXCHANGE
   * when the data cannot be loaded.
   * @example for await (const result of Backtest.run("BTCUSDT", { strategyName: "sma", exchangeName: "binance", frameName: "2025" })) console.log(result.action);
   */
  run(
    symbol: string,
    context: IBacktestContext,
    options?: IBacktestOptions,
  ): AsyncGenerator<IStrategyTickResult, void, undefined>;
  /**
   * Runs the strategy on every symbol of `symbols` from one account: one balance (options.accountBalance),
   * stakes from the sizing profile or balance / maxOpenPositions, at most options.maxOpenPositions
   * (default: the number of symbols) open or scheduled at once across the symbols. Yields every
   * symbol's results; getData / getReport see each symbol's run, getPortfolioData the account.
   * @example for await (const result of Backtest.runPortfolio(["BTCUSDT", "ETHUSDT"], context, { accountBalance: 1000, maxOpenPositions: 1 })) console.log(result.symbol, result.action);
   */
  runPortfolio(
    symbols: ReadonlyArray<string>,
    context: IBacktestContext,
    options?: IPortfolioOptions,
  ): AsyncGenerator<IStrategyTickResult, void, undefined>;
  /**
   * The latest portfolio run of `strategyName`: the account (balance, equity marked each minute, each
   * trade's money) and every symbol's data.
   * @throws BtError STATE when the strategy has no portfolio run.
   */
  getPortfolioData(strategyName: string): IPortfolioData;
  /** Runs the backtest in the background (results through listen*, errors on listenError); returns a stop function. */
  background(symbol: string, context: IBacktestContext, options?: IBacktestOptions): () => void;
  /** Asks running backtests of (symbol, strategy) to stop: no new signals; an open one runs to its end. */
  stop(symbol: string, strategyName: string): void;
  /**
   * Conditions, results, statistics, problems and status of the latest (or running) backtest of
   * (symbol, strategy); arrays are snapshots.
   * @throws BtError STATE when that strategy was never backtested on that symbol.
   */
  getData(symbol: string, strategyName: string): IBacktestData;
  /**
   * The markdown report (run conditions, Problems, closed signals and statistics per strategy and
   * symbol) of the latest backtests matching `symbol` and `strategyName` (each optional: omitted = all).
   * @throws BtError STATE when no recorded backtest matches; VALIDATION for bad report options.
   * @example const markdown = Backtest.getReport("BTCUSDT", "sma");
   */
  getReport(symbol?: string, strategyName?: string, options?: IBacktestReportDumpOptions): string;
  /**
   * Writes getReport(symbol, strategyName, options) atomically to `<dir>/backtest/<strategy>.md` (dir
   * default "./dump"; "all" when several strategies match) and resolves to the absolute path.
   * @throws BtError STATE when no backtest matches, PERSIST when the file cannot be written.
   */
  dump(symbol?: string, strategyName?: string, options?: IBacktestReportDumpOptions): Promise<string>;
}

/** The latest portfolio run of a strategy. */
export interface IPortfolioData {
  strategyName: string;
  exchangeName: string;
  frameName: string;
  symbols: string[];
  account: IAccountData;
  /** Each symbol's data (getData), in `symbols` order. */
  runs: IBacktestData[];
  /** The error that ended the run, or null. */
  error: Error | null;
}

/** The data of a portfolio run record. */
export function portfolioData(
  record: IPortfolioRunRecord,
  dataOf: (symbol: string) => IBacktestData,
): IPortfolioData {
  return {
    strategyName: record.strategyName,
    exchangeName: record.exchangeName,
    frameName: record.frameName,
    symbols: [...record.symbols],
    account: accountData(record.account),
    runs: record.symbols.filter((_, index) => record.runs[index] !== undefined).map(dataOf),
    error: record.error,
  };
}

/** The Backtest object bound to `state`. */
export function createBacktestApi(state: EngineState): IBacktestApi {
  const Backtest: IBacktestApi = {
    run(symbol, context, options) {
      return runBacktest(state, symbol, context, options);
    },
    runPortfolio(symbols, context, options) {
      return runPortfolio(state, symbols, context, options);
    },
    getPortfolioData(strategyName) {
      const record = state.portfolioRuns.get(strategyName);
      if (record === undefined) {
        throw new BtError(
          "STATE",
          `Backtest.getPortfolioData: no portfolio run of strategy ${describeValue(strategyName)}`,
          { field: "strategyName", value: strategyName },
        );
      }
      return portfolioData(record, (symbol) => Backtest.getData(symbol, strategyName));
    },
    background(symbol, context, options) {
      void drainInBackground(state, runBacktest(state, symbol, context, options), {
        source: "Backtest.background",
        symbol,
        ...context,
      });
      return () => Backtest.stop(symbol, context.strategyName);
    },
    stop(symbol, strategyName) {
      for (const strategy of state.running.get(runKey(symbol, strategyName)) ?? []) strategy.stopped = true;
    },
    getData(symbol, strategyName) {
      const record = state.backtestRuns.get(runKey(symbol, strategyName));
      if (record === undefined) {
        throw new BtError(
          "STATE",
          `Backtest.getData: no backtest of strategy ${describeValue(strategyName)} on ${symbol}`,
          { field: "strategyName", value: strategyName },
        );
      }
      const closed = [...record.closed];
      const { problems } = record;
      return {
        symbol,
        strategyName,
        exchangeName: record.exchangeName,
        frameName: record.frameName,
        periodStartMs: record.periodStartMs,
        periodEndMs: record.periodEndMs,
        closed,
        cancelled: [...record.cancelled],
        scheduleEvents: [...record.scheduleEvents],
        stats: computeStatistics(closed, {
          periodStartMs: record.periodStartMs,
          periodEndMs: record.periodEndMs,
          markedMaxDrawdownPercent: record.markedMaxDrawdownPercent,
        }),
        problems: {
          problems: problems.problems.map((problem) => ({ ...problem })),
          cancelled: [...problems.cancelled],
          getSignalCalls: problems.getSignalCalls,
          getSignalFailures: problems.getSignalFailures,
        },
        status: recordStatus(record),
        account: accountData(record.account),
        settings: { ...record.settings },
        config: record.config,
      };
    },
    getReport(symbol, strategyName, options = {}) {
      const matches = matchRuns(state.backtestRuns, symbol, strategyName, "Backtest.getReport", "backtest");
      const { dir: _dir, ...reportOptions } = options;
      return backtestMarkdown(
        matches.map((match) => match.value),
        reportOptions,
      );
    },
    async dump(symbol, strategyName, options = {}) {
      const markdown = Backtest.getReport(symbol, strategyName, options);
      const matches = matchRuns(state.backtestRuns, symbol, strategyName, "Backtest.dump", "backtest");
      return dumpReport("backtest", reportName(strategyName, matches), markdown, options);
    },
  };
  return Backtest;
}
