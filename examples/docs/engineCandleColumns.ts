// @bt/engine README, "Reading candles fast": an 8/21 SMA strategy on getCandleColumns, backtested on the
// bundled sample. The README shows the strategy (the region below).
import type { IStrategySchema } from "@bt/core";
import { addExchange, addFrame, addStrategy, Backtest, getCandleColumns } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";

const signalFromPrice = (price: number) =>
  ({
    position: "long",
    priceTakeProfit: price * 1.01,
    priceStopLoss: price * 0.99,
    minuteEstimatedTime: 120,
  }) as const;

// #region readme
const strategy: IStrategySchema = {
  strategyName: "sma-8-21",
  interval: "15m",
  warmupCandles: 22, // the most candles one call asks: preloaded before the frame start
  getSignal: async (symbol) => {
    const { close, length } = await getCandleColumns(symbol, "15m", 22); // closed candles only, as getCandles
    if (length < 22) return null; // fewer at the start of the data
    let fast = 0;
    let slow = 0;
    for (let index = 0; index < 21; index++) {
      slow += close[length - 1 - index]!;
      if (index < 8) fast += close[length - 1 - index]!;
    }
    return fast / 8 > slow / 21 ? signalFromPrice(close[length - 1]!) : null;
  },
};
// #endregion readme

addExchange(createFileExchange({ dir: "examples/data" }));
addFrame({
  frameName: "jan",
  interval: "1m",
  startDate: new Date("2025-01-02"),
  endDate: new Date("2025-02-01"),
});
addStrategy(strategy);
for await (const _ of Backtest.run("BTCUSDT", {
  strategyName: "sma-8-21",
  exchangeName: "file",
  frameName: "jan",
}));
console.log(`${Backtest.getData("BTCUSDT", "sma-8-21").stats.tradeCount} closed trades`);
