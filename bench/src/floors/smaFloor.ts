// The floors of the SMA-crossover scenarios (year15m, year1m, walker10): bt's backtest loop with its exact
// rules (floorRules.ts) and the bench's SMA(fast/slow) crossover (scenarios.ts smaCrossover), written as
// one tight loop. Two variants:
// - sync: getSignal is a plain function reading the close column; no promise, no context.
// - async: what any engine with bt's API shape pays at least: getSignal is an async function entered
//   through AsyncLocalStorage.run and awaited on every call, and it awaits an async getCandles that reads
//   the context and returns candle objects, exactly as the bench strategy does.

import { AsyncLocalStorage } from "node:async_hooks";
import type { ICandleColumns, ICandleData } from "@bt/core";
import { FloorCandles } from "./floorCandles";
import {
  floorExitIndex,
  floorFrame,
  floorPriceColumn,
  floorSignalValid,
  type IFloorSignal,
  MINUTE_MS,
} from "./floorRules";

/** One SMA crossover: periods on closed candles of `intervalMinutes`, TP/SL in percent of the last close. */
export interface ISmaFloorStrategy {
  intervalMinutes: number;
  fast: number;
  slow: number;
  takeProfitPercent: number;
  stopLossPercent: number;
}

/** What a floor run computed: closed trades and getSignal calls. */
export interface IFloorResult {
  trades: number;
  calls: number;
}

/** Options shared by the floors: the 1m columns (frame start − warm-up …) and the frame. */
export interface IFloorOptions {
  columns: Readonly<ICandleColumns>;
  frameStartMs: number;
  minutes: number;
}

function signalAt(price: number, fastAboveNow: boolean, strategy: ISmaFloorStrategy): IFloorSignal {
  return fastAboveNow
    ? {
        long: true,
        priceTakeProfit: price * (1 + strategy.takeProfitPercent / 100),
        priceStopLoss: price * (1 - strategy.stopLossPercent / 100),
      }
    : {
        long: false,
        priceTakeProfit: price * (1 - strategy.takeProfitPercent / 100),
        priceStopLoss: price * (1 + strategy.stopLossPercent / 100),
      };
}

/**
 * The crossover on closes [end − slow − 1, end): null when there are too few candles or no crossing.
 * Same summation order as the bench strategy, so the decisions are bit-identical.
 */
export function smaSignalOfCloses(
  close: ArrayLike<number>,
  from: number,
  end: number,
  strategy: ISmaFloorStrategy,
): IFloorSignal | null {
  const { fast, slow } = strategy;
  if (end - from < slow + 1) return null;
  let fastNow = 0;
  let slowNow = 0;
  let fastBefore = 0;
  let slowBefore = 0;
  const last = end - 1;
  for (let offset = 0; offset < slow; offset++) {
    const now = close[last - offset] as number;
    const before = close[last - offset - 1] as number;
    slowNow += now;
    slowBefore += before;
    if (offset < fast) {
      fastNow += now;
      fastBefore += before;
    }
  }
  const fastAboveNow = fastNow / fast > slowNow / slow;
  const fastAboveBefore = fastBefore / fast > slowBefore / slow;
  if (fastAboveNow === fastAboveBefore) return null;
  return signalAt(close[last] as number, fastAboveNow, strategy);
}

/** The same crossover on candle objects (what getCandles returns). */
export function smaSignalOfCandles(candles: ICandleData[], strategy: ISmaFloorStrategy): IFloorSignal | null {
  const { fast, slow } = strategy;
  if (candles.length < slow + 1) return null;
  let fastNow = 0;
  let slowNow = 0;
  let fastBefore = 0;
  let slowBefore = 0;
  const last = candles.length - 1;
  for (let offset = 0; offset < slow; offset++) {
    const now = (candles[last - offset] as ICandleData).close;
    const before = (candles[last - offset - 1] as ICandleData).close;
    slowNow += now;
    slowBefore += before;
    if (offset < fast) {
      fastNow += now;
      fastBefore += before;
    }
  }
  const fastAboveNow = fastNow / fast > slowNow / slow;
  const fastAboveBefore = fastBefore / fast > slowBefore / slow;
  if (fastAboveNow === fastAboveBefore) return null;
  return signalAt((candles[last] as ICandleData).close, fastAboveNow, strategy);
}

/** Cache of aggregated candles by interval, shared by the strategies of one run (a walker loads once). */
export class FloorCandleCache {
  private readonly byInterval = new Map<number, FloorCandles>();
  constructor(readonly minutes: Readonly<ICandleColumns>) {}

  get(intervalMinutes: number): FloorCandles {
    let candles = this.byInterval.get(intervalMinutes);
    if (candles === undefined) {
      candles = new FloorCandles(this.minutes, intervalMinutes);
      this.byInterval.set(intervalMinutes, candles);
    }
    return candles;
  }
}

/**
 * bt's backtest loop, sync: visit frame minutes; while idle, ask getSignal once per interval window and
 * otherwise jump to the next window; a valid signal opens at the current price, its exit is scanned on
 * the price column, and the loop resumes at the minute after the close.
 */
function smaLoopSync(
  options: IFloorOptions,
  prices: Float64Array,
  candles: FloorCandles,
  strategy: ISmaFloorStrategy,
): IFloorResult {
  const { firstIndex, endIndex, startMs } = floorFrame(
    options.columns,
    options.frameStartMs,
    options.minutes,
  );
  const { intervalMs } = candles;
  let trades = 0;
  let calls = 0;
  let lastBoundaryMs = Number.NEGATIVE_INFINITY;
  let minute = firstIndex;
  while (minute < endIndex) {
    const nowMs = startMs + minute * MINUTE_MS;
    const boundaryMs = candles.boundaryMs(nowMs);
    if (boundaryMs !== lastBoundaryMs) {
      lastBoundaryMs = boundaryMs;
      calls++;
      const end = candles.endBefore(nowMs);
      const signal = smaSignalOfCloses(
        candles.columns.close,
        Math.max(0, end - strategy.slow - 1),
        end,
        strategy,
      );
      if (signal !== null && floorSignalValid(signal, prices[minute] as number)) {
        const exitIndex = floorExitIndex(signal, prices, minute, endIndex);
        trades++;
        minute = Math.max(minute + 1, exitIndex + 1);
        continue;
      }
    }
    minute = Math.max(minute + 1, (boundaryMs + intervalMs - startMs) / MINUTE_MS);
  }
  return { trades, calls };
}

/** The ambient context of the async floor: what bt's ExecutionContext carries per call. */
interface IFloorContext {
  symbol: string;
  when: Date;
  candles: FloorCandles;
}

const floorContext = new AsyncLocalStorage<IFloorContext>();

/** The async floor's getCandles: reads the ambient context, returns closed candle objects. */
async function floorGetCandles(limit: number): Promise<ICandleData[]> {
  const context = floorContext.getStore() as IFloorContext;
  return context.candles.objectsBefore(context.when.getTime(), limit);
}

/** The same loop as smaLoopSync with getSignal entered through AsyncLocalStorage and awaited. */
async function smaLoopAsync(
  options: IFloorOptions,
  prices: Float64Array,
  candles: FloorCandles,
  strategy: ISmaFloorStrategy,
): Promise<IFloorResult> {
  const { firstIndex, endIndex, startMs } = floorFrame(
    options.columns,
    options.frameStartMs,
    options.minutes,
  );
  const { intervalMs } = candles;
  const getSignal = async (_symbol: string, _when: Date): Promise<IFloorSignal | null> =>
    smaSignalOfCandles(await floorGetCandles(strategy.slow + 1), strategy);
  let trades = 0;
  let calls = 0;
  let lastBoundaryMs = Number.NEGATIVE_INFINITY;
  let minute = firstIndex;
  while (minute < endIndex) {
    const nowMs = startMs + minute * MINUTE_MS;
    const boundaryMs = candles.boundaryMs(nowMs);
    if (boundaryMs !== lastBoundaryMs) {
      lastBoundaryMs = boundaryMs;
      calls++;
      const when = new Date(nowMs);
      const signal = await floorContext.run({ symbol: "BTCUSDT", when, candles }, getSignal, "BTCUSDT", when);
      if (signal !== null && floorSignalValid(signal, prices[minute] as number)) {
        const exitIndex = floorExitIndex(signal, prices, minute, endIndex);
        trades++;
        minute = Math.max(minute + 1, exitIndex + 1);
        continue;
      }
    }
    minute = Math.max(minute + 1, (boundaryMs + intervalMs - startMs) / MINUTE_MS);
  }
  return { trades, calls };
}

/** Sync floor of one or more SMA strategies run one after another on the same candles (a walker). */
export function runSmaFloorSync(options: IFloorOptions, strategies: ISmaFloorStrategy[]): IFloorResult {
  const prices = floorPriceColumn(options.columns);
  const cache = new FloorCandleCache(options.columns);
  const total = { trades: 0, calls: 0 };
  for (const strategy of strategies) {
    const result = smaLoopSync(options, prices, cache.get(strategy.intervalMinutes), strategy);
    total.trades += result.trades;
    total.calls += result.calls;
  }
  return total;
}

/** Async floor (AsyncLocalStorage + await per getSignal) of the same strategies. */
export async function runSmaFloorAsync(
  options: IFloorOptions,
  strategies: ISmaFloorStrategy[],
): Promise<IFloorResult> {
  const prices = floorPriceColumn(options.columns);
  const cache = new FloorCandleCache(options.columns);
  const total = { trades: 0, calls: 0 };
  for (const strategy of strategies) {
    const result = await smaLoopAsync(options, prices, cache.get(strategy.intervalMinutes), strategy);
    total.trades += result.trades;
    total.calls += result.calls;
  }
  return total;
}
