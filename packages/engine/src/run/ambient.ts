// The context-reading functions a strategy calls: getCandles, getAveragePrice, getDate, getMode,
// formatPrice, formatQuantity. Data never reaches at or past the ambient `when` (DESIGN.md
// "Look-ahead bias"): candles are the closed ones before alignDown(when, interval).

import { findContextFrame, getExecutionContext, getMethodContext, type IExecutionContext } from "@bt/context";
import {
  alignDown,
  averagePrice,
  BtError,
  CANDLE_INTERVALS,
  type CandleInterval,
  candleProblem,
  describeValue,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
  isCandleInterval,
} from "@bt/core";
import {
  columnsViewOf,
  findRuntime,
  type ICandleColumnsView,
  type IRunCandleStore,
  type IRunRuntime,
} from "./runRuntime";

/** The current execution context (one storage read); throws CONTEXT outside one. */
function currentExecution(): IExecutionContext {
  return findContextFrame()?.execution ?? getExecutionContext();
}

/** Epoch ms of the context's instant, without a Date when the context has it as a number. */
function whenMsOf(execution: IExecutionContext): number {
  const whenMs = execution.whenMs;
  return typeof whenMs === "number" ? whenMs : execution.when.getTime();
}

/**
 * The run owning the ambient context (one storage read, one WeakMap lookup, no allocation).
 * @throws BtError CONTEXT outside a context or in a context no engine run created.
 */
function currentRuntime(caller: string): IRunRuntime {
  const method = findContextFrame()?.method ?? getMethodContext();
  const runtime = findRuntime(method);
  if (runtime === undefined) {
    // getExecutionContext throws the usual "No execution context" first when there is none.
    getExecutionContext();
    throw new BtError(
      "CONTEXT",
      `${caller}: the ambient context was not created by a bt engine run (call it from getSignal, a callback or a risk validation)`,
    );
  }
  return runtime;
}

/** The interval checked last: a strategy asks for the same one on every call. */
let lastCheckedInterval: unknown;

function checkedInterval(caller: string, interval: CandleInterval): void {
  if (interval === lastCheckedInterval) return;
  if (!isCandleInterval(interval)) {
    throw new BtError(
      "VALIDATION",
      `${caller}: interval must be one of ${CANDLE_INTERVALS.join(", ")}, got ${describeValue(interval)}`,
      { field: "interval", value: interval },
    );
  }
  lastCheckedInterval = interval;
}

function checkedLimit(caller: string, limit: number): void {
  // Number.isInteger rejects NaN, ±Infinity and non-numbers.
  if (!(Number.isInteger(limit) && limit > 0)) {
    throw new BtError(
      "VALIDATION",
      `${caller}: limit must be a positive integer, got ${describeValue(limit)}`,
      {
        field: "limit",
        value: limit,
      },
    );
  }
}

/**
 * Asks the exchange for the `limit` closed candles of `interval` before `whenMs` and drops anything at or
 * after alignDown(when) (an exchange returning the forming candle cannot leak it). Validated.
 * @throws BtError EXCHANGE when the exchange fails, CANDLES for malformed candles.
 */
export async function fetchCandlesBefore(
  exchange: IExchangeSchema,
  symbol: string,
  interval: CandleInterval,
  whenMs: number,
  limit: number,
): Promise<ICandleData[]> {
  const alignedWhen = alignDown(whenMs, interval);
  const sinceMs = alignedWhen - limit * intervalToMs(interval);
  let candles: ICandleData[];
  try {
    candles = await exchange.getCandles(symbol, interval, new Date(sinceMs), limit);
  } catch (error) {
    if (BtError.isInstance(error)) throw error;
    throw new BtError(
      "EXCHANGE",
      `exchange "${exchange.exchangeName}" getCandles(${symbol}, ${interval}, ${new Date(sinceMs).toISOString()}, ${limit}) failed: ${(error as Error)?.message ?? String(error)}`,
      { adapter: exchange.exchangeName, cause: error },
    );
  }
  const closed = candles.filter((candle) => candle.timestamp >= sinceMs && candle.timestamp < alignedWhen);
  for (const candle of closed) {
    const problem = candleProblem(candle);
    if (problem !== null) {
      throw new BtError(
        "CANDLES",
        `Candles of ${symbol} from exchange "${exchange.exchangeName}" at ${new Date(candle.timestamp).toISOString()}: ${problem}`,
        { field: "timestamp", value: candle.timestamp, adapter: exchange.exchangeName },
      );
    }
  }
  return closed.slice(-limit);
}

/**
 * The store of the run when it can answer (`symbol`, `interval`, `limit`) at `whenMs`; undefined when the
 * exchange must be asked (logged as a warning when the store is the symbol's but its warm-up is short).
 */
function storeFor(
  runtime: IRunRuntime,
  caller: string,
  symbol: string,
  interval: CandleInterval,
  whenMs: number,
  limit: number,
): IRunCandleStore | undefined {
  const store = runtime.store;
  if (store === undefined || store.symbol !== symbol) return undefined;
  if (store.covers(interval, whenMs, limit)) return store;
  runtime.logger.warn(
    `${caller}(${symbol}, ${interval}, ${limit}) reaches before the preloaded warm-up; asking the exchange (raise warmupMinutes to avoid this)`,
    { symbol, interval, limit },
  );
  return undefined;
}

/**
 * The last `limit` closed candles of `interval` before the ambient `when`: open times in
 * [alignDown(when) − limit·interval, alignDown(when)), ascending; the still-forming candle is never
 * included. In backtest they come from the run's preloaded store (higher intervals aggregated from 1m).
 * The candle objects are frozen and shared between calls (only the array is new): copy one to change it.
 * For speed read getCandleColumns instead (no objects at all).
 * @throws BtError CONTEXT outside an engine run, VALIDATION for a bad interval or limit.
 * @example const candles = await getCandles("BTCUSDT", "15m", 50);
 */
export async function getCandles(
  symbol: string,
  interval: CandleInterval,
  limit: number,
): Promise<ICandleData[]> {
  const execution = currentExecution();
  const runtime = currentRuntime("getCandles");
  checkedInterval("getCandles", interval);
  checkedLimit("getCandles", limit);
  const whenMs = whenMsOf(execution);
  const store = storeFor(runtime, "getCandles", symbol, interval, whenMs, limit);
  if (store !== undefined) return store.candlesBefore(interval, whenMs, limit);
  return fetchCandlesBefore(runtime.exchange, symbol, interval, whenMs, limit);
}

/**
 * The fast path of getCandles: the same candles (the `limit` closed candles of `interval` before the
 * ambient `when`, never the forming one) as typed-array columns plus a length. In backtest the arrays
 * are views of the run's store (no copy, one small object per call); beyond the store (or in live)
 * they are filled from the exchange. Read-only: the views are the run's data. A view stays valid (and
 * unchanged) for as long as you keep it.
 * @throws BtError CONTEXT outside an engine run, VALIDATION for a bad interval or limit.
 * @example const { close, length } = await getCandleColumns("BTCUSDT", "1m", 22);
 */
export async function getCandleColumns(
  symbol: string,
  interval: CandleInterval,
  limit: number,
): Promise<ICandleColumnsView> {
  const execution = currentExecution();
  const runtime = currentRuntime("getCandleColumns");
  checkedInterval("getCandleColumns", interval);
  checkedLimit("getCandleColumns", limit);
  const whenMs = whenMsOf(execution);
  const store = storeFor(runtime, "getCandleColumns", symbol, interval, whenMs, limit);
  if (store !== undefined) {
    // A store of another engine copy may predate columnsBefore: its candles, as columns.
    if (store.columnsBefore !== undefined) return store.columnsBefore(interval, whenMs, limit);
    return columnsViewOf(store.candlesBefore(interval, whenMs, limit));
  }
  return columnsViewOf(await fetchCandlesBefore(runtime.exchange, symbol, interval, whenMs, limit));
}

/**
 * The current price of `symbol` at the ambient `when`: VWAP of the CC_AVG_PRICE_CANDLES_COUNT 1m candles
 * before it (open times in [when − N min, when)).
 * @throws BtError CONTEXT outside an engine run, CANDLES when no candle is available.
 */
export async function getAveragePrice(symbol: string): Promise<number> {
  const execution = currentExecution();
  const runtime = currentRuntime("getAveragePrice");
  const whenMs = whenMsOf(execution);
  const store = runtime.store;
  if (store !== undefined && store.symbol === symbol) {
    const price = store.priceAt(whenMs);
    if (Number.isFinite(price)) return price;
  }
  const count = runtime.config.CC_AVG_PRICE_CANDLES_COUNT;
  const candles = await fetchCandlesBefore(runtime.exchange, symbol, "1m", whenMs, count);
  if (candles.length === 0) {
    throw new BtError(
      "CANDLES",
      `getAveragePrice(${symbol}): no 1m candle before ${new Date(whenMs).toISOString()} on exchange "${runtime.exchange.exchangeName}"`,
      { field: "symbol", value: symbol, adapter: runtime.exchange.exchangeName },
    );
  }
  return averagePrice(candles);
}

/**
 * The ambient time: backtest time in backtest, the wall clock in live (a new Date each call).
 * @throws BtError CONTEXT outside a context.
 */
export function getDate(): Date {
  return new Date(whenMsOf(currentExecution()));
}

/**
 * "backtest" (backtest and walker) or "live".
 * @throws BtError CONTEXT outside a context.
 */
export function getMode(): "backtest" | "live" {
  return currentExecution().backtest ? "backtest" : "live";
}

/**
 * `price` rendered with the run's exchange precision (its formatPrice), or as-is when it has none.
 * @throws BtError CONTEXT outside an engine run.
 */
export async function formatPrice(symbol: string, price: number): Promise<string> {
  const runtime = currentRuntime("formatPrice");
  return runtime.exchange.formatPrice ? runtime.exchange.formatPrice(symbol, price) : String(price);
}

/**
 * `quantity` rendered with the run's exchange precision (its formatQuantity), or as-is when it has none.
 * @throws BtError CONTEXT outside an engine run.
 */
export async function formatQuantity(symbol: string, quantity: number): Promise<string> {
  const runtime = currentRuntime("formatQuantity");
  return runtime.exchange.formatQuantity
    ? runtime.exchange.formatQuantity(symbol, quantity)
    : String(quantity);
}
