// The floors of year1mEveryMinute: getSignal on every frame minute computing SMA(8/21) on the last 22
// closed 1m candles and never trading (scenarios.ts runEveryMinuteBacktest). The price column is still
// computed, as bt does for any backtest. Three variants:
// - sync: a plain function reading the close column;
// - async: AsyncLocalStorage.run + await per getSignal, which awaits an async getCandles returning 22 new
//   candle objects (what the bench strategy does through bt's getCandles);
// - asyncColumns: the same with getCandles replaced by a zero-copy column window (a column view).

import { AsyncLocalStorage } from "node:async_hooks";
import { FloorCandles, type IFloorColumnWindow } from "./floorCandles";
import { floorFrame, floorPriceColumn, MINUTE_MS } from "./floorRules";
import {
  type IFloorOptions,
  type ISmaFloorStrategy,
  smaSignalOfCandles,
  smaSignalOfCloses,
} from "./smaFloor";

/** The strategy every-minute computes (and discards): SMA(8/21) on 1m. */
export const EVERY_MINUTE_STRATEGY: ISmaFloorStrategy = {
  intervalMinutes: 1,
  fast: 8,
  slow: 21,
  takeProfitPercent: 1.5,
  stopLossPercent: 1,
};

/** getSignal calls and how many of them saw a crossing (bt's runEveryMinuteBacktest returns the same). */
export interface IEveryMinuteFloorResult {
  calls: number;
  crossings: number;
  /** The price of the frame's last minute (returned so the price column is not dead code). */
  lastPrice: number;
}

interface IEveryMinuteContext {
  symbol: string;
  when: Date;
  candles: FloorCandles;
}

const everyMinuteContext = new AsyncLocalStorage<IEveryMinuteContext>();

async function contextCandles(limit: number) {
  const context = everyMinuteContext.getStore() as IEveryMinuteContext;
  return context.candles.objectsBefore(context.when.getTime(), limit);
}

async function contextWindow(limit: number): Promise<IFloorColumnWindow> {
  const context = everyMinuteContext.getStore() as IEveryMinuteContext;
  return context.candles.windowBefore(context.when.getTime(), limit);
}

/** Sync floor: one loop over the frame minutes, the crossover read straight from the close column. */
export function runEveryMinuteFloorSync(options: IFloorOptions): IEveryMinuteFloorResult {
  const prices = floorPriceColumn(options.columns);
  const candles = new FloorCandles(options.columns, 1);
  const { firstIndex, endIndex } = floorFrame(options.columns, options.frameStartMs, options.minutes);
  const strategy = EVERY_MINUTE_STRATEGY;
  const close = candles.columns.close;
  let calls = 0;
  let crossings = 0;
  for (let minute = firstIndex; minute < endIndex; minute++) {
    calls++;
    if (smaSignalOfCloses(close, Math.max(0, minute - strategy.slow - 1), minute, strategy) !== null)
      crossings++;
  }
  return { calls, crossings, lastPrice: prices[endIndex - 1] as number };
}

/**
 * Async floor: per minute a fresh Date and context, AsyncLocalStorage.run, await getSignal; getSignal
 * awaits getCandles (22 objects) or, with `columns`, a column window.
 */
export async function runEveryMinuteFloorAsync(
  options: IFloorOptions,
  view: "objects" | "columns" = "objects",
): Promise<IEveryMinuteFloorResult> {
  const prices = floorPriceColumn(options.columns);
  const candles = new FloorCandles(options.columns, 1);
  const { firstIndex, endIndex, startMs } = floorFrame(
    options.columns,
    options.frameStartMs,
    options.minutes,
  );
  const strategy = EVERY_MINUTE_STRATEGY;
  const limit = strategy.slow + 1;
  const getSignal =
    view === "objects"
      ? async (_symbol: string, _when: Date) => smaSignalOfCandles(await contextCandles(limit), strategy)
      : async (_symbol: string, _when: Date) => {
          const window = await contextWindow(limit);
          return smaSignalOfCloses(window.columns.close, window.from, window.to, strategy);
        };
  let calls = 0;
  let crossings = 0;
  for (let minute = firstIndex; minute < endIndex; minute++) {
    const when = new Date(startMs + minute * MINUTE_MS);
    calls++;
    const signal = await everyMinuteContext.run(
      { symbol: "BTCUSDT", when, candles },
      getSignal,
      "BTCUSDT",
      when,
    );
    if (signal !== null) crossings++;
  }
  return { calls, crossings, lastPrice: prices[endIndex - 1] as number };
}
