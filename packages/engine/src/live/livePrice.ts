// The live tick's price: VWAP of the CC_AVG_PRICE_CANDLES_COUNT closed 1m candles before the tick, read
// through the same look-ahead guard as getCandles, waiting a little for an exchange that lags.

import {
  alignDown,
  averagePrice,
  BtError,
  type IExchangeSchema,
  type IGlobalConfig,
  type ILogger,
  MINUTE_MS,
} from "@bt/core";
import { fetchCandlesBefore } from "../run/ambient";
import type { ILiveClock } from "./liveClock";
import type { LiveRunHandle } from "./liveRunHandle";

/** How often a lagging exchange is asked again for the previous minute's candle, ms. */
const CANDLE_POLL_MS = 1_000;

/** What the price lookup of one live run needs. */
export interface ILivePriceParams {
  exchange: IExchangeSchema;
  symbol: string;
  strategyName: string;
  config: Readonly<IGlobalConfig>;
  clock: ILiveClock;
  handle: LiveRunHandle;
  /** Longest wait for the previous minute's candle, ms. */
  candleWaitMs: number;
  logger: ILogger;
}

/**
 * Returns the run's price lookup: `(tickMs) => price` in quote currency.
 * @throws BtError CANDLES (from the lookup) when no 1m candle exists before the tick, EXCHANGE when it fails.
 */
export function livePriceLookup(params: ILivePriceParams): (tickMs: number) => Promise<number> {
  const { exchange, symbol, strategyName, clock, handle, candleWaitMs, logger } = params;
  const count = params.config.CC_AVG_PRICE_CANDLES_COUNT;
  return async (tickMs) => {
    const expectedLastMs = alignDown(tickMs, "1m") - MINUTE_MS;
    let candles = await fetchCandlesBefore(exchange, symbol, "1m", tickMs, count);
    let waitedMs = 0;
    while (
      (candles.at(-1)?.timestamp ?? Number.NEGATIVE_INFINITY) < expectedLastMs &&
      waitedMs < candleWaitMs
    ) {
      if (handle.stopped) break;
      await clock.sleep(CANDLE_POLL_MS, handle.abort.signal);
      waitedMs += CANDLE_POLL_MS;
      candles = await fetchCandlesBefore(exchange, symbol, "1m", tickMs, count);
    }
    if (candles.length === 0) {
      throw new BtError(
        "CANDLES",
        `Live ${strategyName}: no 1m candle of ${symbol} before ${new Date(tickMs).toISOString()} on exchange "${exchange.exchangeName}"`,
        { field: "symbol", value: symbol, adapter: exchange.exchangeName },
      );
    }
    if ((candles.at(-1)?.timestamp ?? 0) < expectedLastMs) {
      logger.warn(
        `Live ${strategyName}: the 1m candle of ${symbol} at ${new Date(expectedLastMs).toISOString()} is missing; price from older candles`,
        { symbol, strategyName, exchangeName: exchange.exchangeName },
      );
    }
    return averagePrice(candles);
  };
}
