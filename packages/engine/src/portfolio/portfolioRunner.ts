// Portfolio runs: one strategy on several symbols from one account. Each symbol's backtest runs as
// usual over its own candle store; they share the account (balance, stakes, the open-position limit)
// and a lock-step clock, so every account event happens in time order across the symbols. Results are
// yielded as the runs make them (time order up to results of the same minute). A run that throws stops
// the others and the portfolio throws its error.

import { BtError, describeValue, type IStrategyTickResult, pnlCostsOf } from "@bt/core";
import { type IBacktestContext, runBacktest } from "../backtest/backtestRunner";
import { toError } from "../events/eventBus";
import { type EngineState, runKey } from "../run/engineState";
import { resolveBacktestRun } from "../run/resolveRun";
import { type IBacktestOptions, integerOption, resolveBacktestOptions } from "../run/runOptions";
import { PortfolioClock } from "./portfolioClock";
import type { IPortfolioRunRecord } from "./portfolioRecord";
import { RunAccount } from "./runAccount";

/** Options of a portfolio run: a backtest's, and the account's open-position limit. */
export interface IPortfolioOptions extends IBacktestOptions {
  /**
   * Open positions and scheduled signals at once across the symbols (a risk rule: a signal beyond it is
   * refused); default the number of symbols. Unsized signals stake balance / maxOpenPositions.
   */
  maxOpenPositions?: number;
}

/**
 * The symbols of a portfolio: a non-empty array of distinct non-empty strings.
 * @throws BtError VALIDATION naming the bad entry.
 */
export function checkSymbols(caller: string, symbols: unknown): string[] {
  if (!Array.isArray(symbols) || symbols.length === 0) {
    throw new BtError(
      "VALIDATION",
      `${caller}: symbols must be a non-empty array of symbols, got ${describeValue(symbols)}`,
      { field: "symbols", value: symbols },
    );
  }
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (typeof symbol !== "string" || symbol.length === 0 || seen.has(symbol)) {
      throw new BtError(
        "VALIDATION",
        `${caller}: symbols must be distinct non-empty strings, got ${describeValue(symbol)}${seen.has(symbol as string) ? " twice" : ""}`,
        { field: "symbols", value: symbol },
      );
    }
    seen.add(symbol);
  }
  return [...seen];
}

/**
 * Runs `context.strategyName` on every symbol of `symbols` from one account (options.accountBalance,
 * options.maxOpenPositions); yields every symbol's results. Backtest.getData / getReport see each
 * symbol's run; Backtest.getPortfolioData the account.
 * @throws BtError VALIDATION for bad symbols or options, SCHEMA for unknown names, and the first error
 *   of any symbol's run (the other runs are stopped).
 */
export async function* runPortfolio(
  state: EngineState,
  symbols: ReadonlyArray<string>,
  context: IBacktestContext,
  options: IPortfolioOptions = {},
): AsyncGenerator<IStrategyTickResult, void, undefined> {
  const checked = checkSymbols("Backtest.runPortfolio", symbols);
  const { maxOpenPositions: maxGiven, ...backtestOptions } = options;
  const maxOpenPositions = integerOption("Backtest", "maxOpenPositions", maxGiven, checked.length, 1);
  const { accountBalance } = resolveBacktestOptions("Backtest", backtestOptions);
  // Unknown names fail here, before any run starts.
  const { frame } = resolveBacktestRun(state, checked[0] as string, context);
  const account = new RunAccount(
    accountBalance,
    maxOpenPositions,
    frame.startDate.getTime(),
    frame.endDate.getTime(),
    pnlCostsOf(state.config),
  );
  const record: IPortfolioRunRecord = {
    strategyName: context.strategyName,
    exchangeName: context.exchangeName,
    frameName: context.frameName,
    symbols: checked,
    account,
    runs: [],
    error: null,
  };
  state.portfolioRuns.set(context.strategyName, record);
  const clock = new PortfolioClock(checked.length);
  const queue: IStrategyTickResult[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  let running = checked.length;
  let failure: { error: unknown } | null = null;
  const stopAll = () => {
    for (const symbol of checked) {
      for (const strategy of state.running.get(runKey(symbol, context.strategyName)) ?? []) {
        strategy.stopped = true;
      }
    }
  };
  const pumps = checked.map(async (symbol, index) => {
    try {
      const run = runBacktest(state, symbol, context, backtestOptions, {
        account,
        portfolio: { clock, index },
        onRecord: (runRecord) => {
          record.runs[index] = runRecord;
        },
      });
      for await (const result of run) {
        queue.push(result);
        notify();
      }
    } catch (error) {
      if (failure === null) {
        failure = { error };
        stopAll();
      }
    } finally {
      clock.finish(index);
      running--;
      notify();
    }
  });
  try {
    while (running > 0 || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      // Results are taken in arrival order; each batch is handed out whole.
      const batch = queue.splice(0, queue.length);
      for (const result of batch) yield result;
    }
    await Promise.all(pumps);
  } finally {
    // The consumer stopped early (break / return): the runs finish their open positions and end.
    if (running > 0) stopAll();
  }
  const failed = failure as { error: unknown } | null;
  if (failed !== null) {
    record.error = toError(failed.error);
    throw failed.error;
  }
}
