// SMA crossover with take profit and stop loss: goes long when the fast simple moving average of
// closes crosses above the slow one, short when it crosses below. The default export is the strategy
// `bt backtest` runs; `smaCrossover(params)` builds variants (the walker file compares several).

import type { IStrategySchema } from "@bt/core";
import { getAveragePrice, getCandles } from "@bt/engine";

/** Parameters of the SMA crossover; periods in candles of `interval`, distances in percent of the price. */
export interface ISmaCrossoverParams {
  fastPeriod: number;
  slowPeriod: number;
  takeProfitPercent: number;
  stopLossPercent: number;
  /** Maximum holding time in minutes (closes as time_expired). */
  holdMinutes: number;
  interval: IStrategySchema["interval"];
}

/** The default parameters: 10/30 SMA on 15-minute candles, TP 1.5 %, SL 1 %, at most 12 hours. */
export const DEFAULT_SMA_PARAMS: ISmaCrossoverParams = {
  fastPeriod: 10,
  slowPeriod: 30,
  takeProfitPercent: 1.5,
  stopLossPercent: 1,
  holdMinutes: 720,
  interval: "15m",
};

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Builds an SMA crossover strategy; its name encodes the parameters unless `strategyName` is given. */
export function smaCrossover(
  overrides: Partial<ISmaCrossoverParams> = {},
  strategyName?: string,
): IStrategySchema {
  const params = { ...DEFAULT_SMA_PARAMS, ...overrides };
  return {
    strategyName: strategyName ?? `sma-${params.fastPeriod}-${params.slowPeriod}-${params.interval}`,
    interval: params.interval,
    // getSignal reads slowPeriod + 1 candles: the backtest preloads that many before the frame start.
    warmupCandles: params.slowPeriod + 1,
    note: `SMA ${params.fastPeriod}/${params.slowPeriod} crossover on ${params.interval}, TP ${params.takeProfitPercent}% SL ${params.stopLossPercent}%`,
    getSignal: async (symbol) => {
      // slowPeriod + 1 closed candles: the averages now and one candle ago.
      const candles = await getCandles(symbol, params.interval, params.slowPeriod + 1);
      if (candles.length < params.slowPeriod + 1) return null;
      const closes = candles.map((candle) => candle.close);
      const now = closes.slice(1);
      const before = closes.slice(0, -1);
      const fastNow = mean(now.slice(-params.fastPeriod));
      const slowNow = mean(now);
      const fastBefore = mean(before.slice(-params.fastPeriod));
      const slowBefore = mean(before);
      const crossedUp = fastBefore <= slowBefore && fastNow > slowNow;
      const crossedDown = fastBefore >= slowBefore && fastNow < slowNow;
      if (!crossedUp && !crossedDown) return null;
      const price = await getAveragePrice(symbol);
      const takeProfit = params.takeProfitPercent / 100;
      const stopLoss = params.stopLossPercent / 100;
      return crossedUp
        ? {
            position: "long",
            priceTakeProfit: price * (1 + takeProfit),
            priceStopLoss: price * (1 - stopLoss),
            minuteEstimatedTime: params.holdMinutes,
            note: "fast SMA crossed above slow",
          }
        : {
            position: "short",
            priceTakeProfit: price * (1 - takeProfit),
            priceStopLoss: price * (1 + stopLoss),
            minuteEstimatedTime: params.holdMinutes,
            note: "fast SMA crossed below slow",
          };
    },
  };
}

export default smaCrossover({}, "sma-crossover");
