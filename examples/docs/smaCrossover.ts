// A compact SMA crossover on 15-minute candles (long when the fast average crosses above the slow one,
// short when below; TP 1.5 %, SL 1 %, at most 12 h), shared by the Live and @bt/cluster examples.
import type { IStrategySchema } from "@bt/core";
import { getAveragePrice, getCandles } from "@bt/engine";

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** An SMA crossover of `fast` / `slow` 15-minute candles. */
export function smaCrossover(
  fast: number,
  slow: number,
  strategyName = `sma-${fast}-${slow}`,
): IStrategySchema {
  return {
    strategyName,
    interval: "15m",
    warmupCandles: slow + 1, // getSignal reads slow + 1 candles
    getSignal: async (symbol) => {
      const closes = (await getCandles(symbol, "15m", slow + 1)).map((candle) => candle.close);
      if (closes.length < slow + 1) return null;
      const [now, before] = [closes.slice(1), closes.slice(0, -1)];
      const above = (window: number[]) => mean(window.slice(-fast)) > mean(window);
      if (above(now) === above(before)) return null;
      const price = await getAveragePrice(symbol);
      const side = above(now) ? 1 : -1;
      return {
        position: side > 0 ? "long" : "short",
        priceTakeProfit: price * (1 + side * 0.015),
        priceStopLoss: price * (1 - side * 0.01),
        minuteEstimatedTime: 720,
      };
    },
  };
}
