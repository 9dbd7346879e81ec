// What a backtest (or a walker's shared store) loads: the base interval (1m, or the exchange's finest when
// it has no 1m data), the candles the price at an instant is made of, and the range [fromMs, toMs) with
// the part of it the first price needs. One owner for both runners, so they cannot load different data.

import {
  alignDown,
  alignUp,
  BtError,
  type CandleInterval,
  describeValue,
  type IExchangeSchema,
  type IFrameSchema,
  type IGlobalConfig,
  type IStrategySchema,
  intervalToMs,
  isCandleInterval,
  MINUTE_MS,
} from "@bt/core";

/** The store a run needs (the range part of the candle load options). */
export interface IStorePlan {
  /** The store's candles: "1m", or the exchange's base interval. */
  interval: CandleInterval;
  /** Candles the price is made of: CC_AVG_PRICE_CANDLES_COUNT on 1m (VWAP), 1 on a coarser base (its close). */
  priceCandleCount: number;
  /** First candle asked for (warm-up included). */
  fromMs: number;
  /** End of the range, exclusive: nothing at or after it is asked for. */
  toMs: number;
  /** The first base step at or after the frame start: the data must start by then. */
  frameStartMs: number;
}

/** Candles the price at an instant is made of on `interval` candles (see IStorePlan.priceCandleCount). */
export function priceCandleCountOf(
  interval: CandleInterval,
  config: Pick<IGlobalConfig, "CC_AVG_PRICE_CANDLES_COUNT">,
): number {
  return interval === "1m" ? config.CC_AVG_PRICE_CANDLES_COUNT : 1;
}

/**
 * The first instant with a price on data whose first `interval` candle opens at `dataStartMs`: after the
 * candles the price is made of.
 */
export function firstPricedMs(
  dataStartMs: number,
  interval: CandleInterval,
  config: Pick<IGlobalConfig, "CC_AVG_PRICE_CANDLES_COUNT">,
): number {
  return dataStartMs + priceCandleCountOf(interval, config) * intervalToMs(interval);
}

/**
 * The warm-up a backtest of these strategies preloads, in minutes: the run option when given, else the
 * largest `warmupCandles` × interval of the strategies (0 when none declares one).
 */
export function warmupMinutesOf(
  option: number | null,
  strategies: ReadonlyArray<Pick<IStrategySchema, "interval" | "warmupCandles">>,
): number {
  if (option !== null) return option;
  let minutes = 0;
  for (const strategy of strategies) {
    minutes = Math.max(
      minutes,
      ((strategy.warmupCandles ?? 0) * intervalToMs(strategy.interval)) / MINUTE_MS,
    );
  }
  return minutes;
}

/**
 * The finest interval `exchange` has for `symbol`: its getBaseInterval, "1m" when it has none.
 * @throws BtError EXCHANGE when getBaseInterval fails or answers something that is not an interval.
 */
export async function baseIntervalOf(exchange: IExchangeSchema, symbol: string): Promise<CandleInterval> {
  if (exchange.getBaseInterval === undefined) return "1m";
  let interval: unknown;
  try {
    interval = await exchange.getBaseInterval(symbol);
  } catch (error) {
    if (BtError.isInstance(error)) throw error;
    throw new BtError(
      "EXCHANGE",
      `exchange "${exchange.exchangeName}" getBaseInterval(${symbol}) failed: ${(error as Error)?.message ?? String(error)}`,
      { adapter: exchange.exchangeName, cause: error },
    );
  }
  if (!isCandleInterval(interval)) {
    throw new BtError(
      "EXCHANGE",
      `exchange "${exchange.exchangeName}" getBaseInterval(${symbol}) must return a candle interval, got ${describeValue(interval)}`,
      { adapter: exchange.exchangeName, field: "getBaseInterval", value: interval },
    );
  }
  return interval;
}

/**
 * The interval a frame of `frameInterval` ticks at on `baseInterval` candles: the frame's own when it is a
 * whole number of candles, else the candles' (a 15m frame on 1h candles ticks hourly).
 */
export function tickIntervalOn(frameInterval: CandleInterval, baseInterval: CandleInterval): CandleInterval {
  return intervalToMs(frameInterval) % intervalToMs(baseInterval) === 0 ? frameInterval : baseInterval;
}

/**
 * The store a backtest of `strategies` on `frame` needs: on the exchange's base interval, with the warm-up
 * they declare (or the run option `warmupMinutes`, when not null) before the frame start.
 * @throws BtError EXCHANGE when the exchange's getBaseInterval fails or answers no interval.
 */
export async function planStore(
  exchange: IExchangeSchema,
  symbol: string,
  frame: Pick<IFrameSchema, "startDate" | "endDate">,
  warmupMinutes: number | null,
  strategies: ReadonlyArray<Pick<IStrategySchema, "interval" | "warmupCandles">>,
  config: Pick<IGlobalConfig, "CC_AVG_PRICE_CANDLES_COUNT">,
): Promise<IStorePlan> {
  const interval = await baseIntervalOf(exchange, symbol);
  const stepMs = intervalToMs(interval);
  const priceCandleCount = priceCandleCountOf(interval, config);
  const frameStartMs = alignUp(frame.startDate.getTime(), interval);
  const warmupMs = warmupMinutesOf(warmupMinutes, strategies) * MINUTE_MS;
  const fromMs = alignDown(frameStartMs - Math.max(warmupMs, priceCandleCount * stepMs), interval);
  return {
    interval,
    priceCandleCount,
    fromMs,
    toMs: alignUp(frame.endDate.getTime(), interval),
    frameStartMs,
  };
}
