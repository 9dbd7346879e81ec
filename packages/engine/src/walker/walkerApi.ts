// The Walker object of an engine: run / background / getData / getReport / dump over the walker
// runner and the results the engine keeps.

import { BtError, describeValue } from "@bt/core";
import type { IBacktestApi } from "../backtest/backtestApi";
import type { IWalkerProgressEvent, IWalkerResult } from "../events/events";
import type { IPortfolioOptions } from "../portfolio/portfolioRunner";
import { dumpReport, type IDumpOptions } from "../reports/reportDump";
import { walkerMarkdown } from "../reports/reports";
import { drainInBackground } from "../run/drainInBackground";
import { type EngineState, runKey } from "../run/engineState";
import { matchRuns, reportName } from "../run/matchRuns";
import type { IBacktestOptions } from "../run/runOptions";
import { type IWalkerContext, runWalker, runWalkerPortfolio } from "./walkerRunner";

/** Options of Walker.getReport / dump. */
export interface IWalkerReportDumpOptions extends IDumpOptions {
  /** Free text printed under each walker heading; default "Symbol … · exchange … · frame …". */
  description?: string;
}

/** The Walker part of an engine. */
export interface IWalkerApi {
  /**
   * Runs every strategy of the walker on `symbol` over one candle load; yields progress after each
   * strategy and returns the ranking (failed strategies last, never best).
   * @throws BtError VALIDATION for a bad symbol or option, SCHEMA for unknown names (before anything
   * runs), CANDLES / EXCHANGE for bad data.
   * @example for await (const progress of Walker.run("BTCUSDT", { walkerName: "w" })) console.log(progress.bestStrategy);
   */
  run(
    symbol: string,
    context: IWalkerContext,
    options?: IBacktestOptions,
  ): AsyncGenerator<IWalkerProgressEvent, IWalkerResult, undefined>;
  /**
   * The walker over a portfolio: each strategy runs on every symbol of `symbols` from one account
   * (Backtest.runPortfolio; options.accountBalance, options.maxOpenPositions) and is ranked by the
   * walker's metric over all its trades as one sequence by close time (as the heat report's Total row).
   * Its result is kept under the symbols joined by "," (Walker.getData("BTCUSDT,ETHUSDT", walkerName));
   * each strategy's account is Backtest.getPortfolioData(strategyName) until the next strategy of the
   * same name runs.
   * @example for await (const progress of Walker.runPortfolio(["BTCUSDT", "ETHUSDT"], { walkerName: "w" })) console.log(progress.bestStrategy);
   */
  runPortfolio(
    symbols: ReadonlyArray<string>,
    context: IWalkerContext,
    options?: IPortfolioOptions,
  ): AsyncGenerator<IWalkerProgressEvent, IWalkerResult, undefined>;
  /** Runs the walker in the background; the result arrives on listenDoneWalker. Returns a stop function. */
  background(symbol: string, context: IWalkerContext, options?: IBacktestOptions): () => void;
  /**
   * The latest result of the walker on `symbol`.
   * @throws BtError STATE when the walker has not completed on that symbol.
   */
  getData(symbol: string, walkerName: string): IWalkerResult;
  /**
   * The markdown ranking report of the latest results of walkers matching `symbol` and `walkerName`
   * (each optional); failed strategies are listed under the table, never ranked.
   * @throws BtError STATE when no completed walker matches.
   */
  getReport(symbol?: string, walkerName?: string, options?: IWalkerReportDumpOptions): string;
  /**
   * Writes getReport(symbol, walkerName, options) atomically to `<dir>/walker/<walker>.md` (dir
   * default "./dump") and resolves to the absolute path.
   * @throws BtError STATE when no walker matches, PERSIST when the file cannot be written.
   */
  dump(symbol?: string, walkerName?: string, options?: IWalkerReportDumpOptions): Promise<string>;
}

/** The Walker object bound to `state`; stop goes through `backtest`. */
export function createWalkerApi(state: EngineState, backtest: IBacktestApi): IWalkerApi {
  const Walker: IWalkerApi = {
    run(symbol, context, options) {
      return runWalker(state, symbol, context, options);
    },
    runPortfolio(symbols, context, options) {
      return runWalkerPortfolio(state, symbols, context, options);
    },
    background(symbol, context, options) {
      void drainInBackground(state, runWalker(state, symbol, context, options), {
        source: "Walker.background",
        symbol,
        ...context,
      });
      return () => {
        const walker = state.walkers.has(context.walkerName)
          ? state.walkers.get(context.walkerName, "Walker.stop")
          : undefined;
        for (const strategyName of walker?.strategies ?? []) backtest.stop(symbol, strategyName);
      };
    },
    getData(symbol, walkerName) {
      const result = state.walkerResults.get(runKey(symbol, walkerName));
      if (result === undefined) {
        throw new BtError(
          "STATE",
          `Walker.getData: walker ${describeValue(walkerName)} has not completed on ${symbol}`,
          { field: "walkerName", value: walkerName },
        );
      }
      return result;
    },
    getReport(symbol, walkerName, options = {}) {
      const matches = matchRuns(state.walkerResults, symbol, walkerName, "Walker.getReport", "walker");
      return walkerMarkdown(
        matches.map((match) => match.value),
        options.description,
      );
    },
    async dump(symbol, walkerName, options = {}) {
      const markdown = Walker.getReport(symbol, walkerName, options);
      const matches = matchRuns(state.walkerResults, symbol, walkerName, "Walker.dump", "walker");
      return dumpReport("walker", reportName(walkerName, matches), markdown, options);
    },
  };
  return Walker;
}
