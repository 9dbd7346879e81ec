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
  intervalToMs,
  isCandleInterval,
  MINUTE_MS,
} from "@bt/core";

/** The store a run needs. */
export interface IStorePlan {
  /** The store's candles: "1m", or the exchange's base interval. */
  interval: CandleInterval;
  /** Candles the price is made of: CC_AVG_PRICE_CANDLES_COUNT on 1m (VWAP), 1 on a coarser base (its close). */
  priceCandleCount: number;
  /** First candle asked for (warm-up included). */
  fromMs: number;
  /** End of the range, exclusive: nothing at or after it is asked for. */
  toMs: number;
  /** The first price of the frame needs candles from here (frame start − priceCandleCount steps). */
  requiredFromMs: number;
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
export function coarserInterval(frameInterval: CandleInterval, baseInterval: CandleInterval): CandleInterval {
  return intervalToMs(frameInterval) % intervalToMs(baseInterval) === 0 ? frameInterval : baseInterval;
}

/** The store `frame` needs on `interval` candles with `warmupMinutes` before its start. */
export function planStore(
  frame: Pick<IFrameSchema, "startDate" | "endDate">,
  interval: CandleInterval,
  warmupMinutes: number,
  config: Pick<IGlobalConfig, "CC_AVG_PRICE_CANDLES_COUNT">,
): IStorePlan {
  const stepMs = intervalToMs(interval);
  const priceCandleCount = interval === "1m" ? config.CC_AVG_PRICE_CANDLES_COUNT : 1;
  const firstStepMs = alignUp(frame.startDate.getTime(), interval);
  const requiredFromMs = firstStepMs - priceCandleCount * stepMs;
  const fromMs = alignDown(
    firstStepMs - Math.max(warmupMinutes * MINUTE_MS, priceCandleCount * stepMs),
    interval,
  );
  return {
    interval,
    priceCandleCount,
    fromMs,
    toMs: alignUp(frame.endDate.getTime(), interval),
    requiredFromMs,
  };
}
