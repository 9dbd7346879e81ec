// my.strategy.ts: the default export is an IStrategySchema.
import type { IStrategySchema } from "@bt/core";
import { getAveragePrice, getCandles } from "@bt/engine";

export default {
  strategyName: "breakout",
  interval: "15m", // getSignal runs at most once per 15-minute window while no signal is open
  warmupCandles: 21, // the most 15m candles it reads: the backtest preloads them before --from
  getSignal: async (symbol) => {
    const candles = await getCandles(symbol, "15m", 21); // closed candles before "now" only
    if (candles.length < 21) return null; // not enough history yet (Math.max() of no candles is -Infinity)
    const high = Math.max(...candles.slice(0, -1).map((candle) => candle.high)); // the 20 before the last
    const price = await getAveragePrice(symbol); // VWAP of the last 5 minutes, inside the last candle
    return price > high
      ? {
          position: "long",
          priceTakeProfit: price * 1.02,
          priceStopLoss: price * 0.99,
          minuteEstimatedTime: 240,
        }
      : null;
  },
} satisfies IStrategySchema;
