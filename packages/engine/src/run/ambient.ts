// The context-reading functions a strategy calls: getCandles, getAveragePrice, getDate, getMode,
// formatPrice, formatQuantity. Data never reaches at or past the ambient `when` (DESIGN.md
// "Look-ahead bias"): candles are the closed ones before alignDown(when, interval).

import { getExecutionContext, getMethodContext } from "@bt/context";
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
import { findRuntime, type IRunRuntime } from "./runRuntime";

function currentRun(caller: string): { whenMs: number; backtest: boolean; runtime: IRunRuntime } {
  const execution = getExecutionContext();
  const method = getMethodContext();
  const runtime = findRuntime(method);
  if (runtime === undefined) {
    throw new BtError(
      "CONTEXT",
      `${caller}: the ambient context was not created by a bt engine run (call it from getSignal, a callback or a risk validation)`,
    );
  }
  return { whenMs: execution.when.getTime(), backtest: execution.backtest, runtime };
}

function checkedLimit(caller: string, limit: number): void {
  if (!Number.isInteger(limit) || limit <= 0) {
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
 * The last `limit` closed candles of `interval` before the ambient `when`: open times in
 * [alignDown(when) − limit·interval, alignDown(when)), ascending; the still-forming candle is never
 * included. In backtest they come from the run's preloaded store (higher intervals aggregated from 1m).
 * @throws BtError CONTEXT outside an engine run, VALIDATION for a bad interval or limit.
 * @example const candles = await getCandles("BTCUSDT", "15m", 50);
 */
export async function getCandles(
  symbol: string,
  interval: CandleInterval,
  limit: number,
): Promise<ICandleData[]> {
  const { whenMs, runtime } = currentRun("getCandles");
  if (!isCandleInterval(interval)) {
    throw new BtError(
      "VALIDATION",
      `getCandles: interval must be one of ${CANDLE_INTERVALS.join(", ")}, got ${describeValue(interval)}`,
      { field: "interval", value: interval },
    );
  }
  checkedLimit("getCandles", limit);
  const store = runtime.store;
  if (store !== undefined && store.symbol === symbol) {
    if (store.covers(interval, whenMs, limit)) return store.candlesBefore(interval, whenMs, limit);
    runtime.logger.warn(
      `getCandles(${symbol}, ${interval}, ${limit}) reaches before the preloaded warm-up; asking the exchange (raise warmupMinutes to avoid this)`,
      { symbol, interval, limit },
    );
  }
  return fetchCandlesBefore(runtime.exchange, symbol, interval, whenMs, limit);
}

/**
 * The current price of `symbol` at the ambient `when`: VWAP of the CC_AVG_PRICE_CANDLES_COUNT 1m candles
 * before it (open times in [when − N min, when)).
 * @throws BtError CONTEXT outside an engine run, CANDLES when no candle is available.
 */
export async function getAveragePrice(symbol: string): Promise<number> {
  const { whenMs, runtime } = currentRun("getAveragePrice");
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
  return new Date(getExecutionContext().when.getTime());
}

/**
 * "backtest" (backtest and walker) or "live".
 * @throws BtError CONTEXT outside a context.
 */
export function getMode(): "backtest" | "live" {
  return getExecutionContext().backtest ? "backtest" : "live";
}

/**
 * `price` rendered with the run's exchange precision (its formatPrice), or as-is when it has none.
 * @throws BtError CONTEXT outside an engine run.
 */
export async function formatPrice(symbol: string, price: number): Promise<string> {
  const { runtime } = currentRun("formatPrice");
  return runtime.exchange.formatPrice ? runtime.exchange.formatPrice(symbol, price) : String(price);
}

/**
 * `quantity` rendered with the run's exchange precision (its formatQuantity), or as-is when it has none.
 * @throws BtError CONTEXT outside an engine run.
 */
export async function formatQuantity(symbol: string, quantity: number): Promise<string> {
  const { runtime } = currentRun("formatQuantity");
  return runtime.exchange.formatQuantity
    ? runtime.exchange.formatQuantity(symbol, quantity)
    : String(quantity);
}
