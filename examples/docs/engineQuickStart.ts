import { addExchange, addFrame, addStrategy, Backtest, getCandles, listenError } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";

addExchange(createFileExchange({ dir: "examples/data", exchangeName: "binance" })); // the bundled sample
addFrame({
  frameName: "jan",
  interval: "1m",
  startDate: new Date("2025-01-01"),
  endDate: new Date("2025-02-01"),
});
addStrategy({
  strategyName: "breakout",
  interval: "15m",
  warmupCandles: 20, // getSignal reads 20 candles: the backtest preloads them before the frame start
  getSignal: async (symbol) => {
    const candles = await getCandles(symbol, "15m", 20); // closed candles before `when` only
    if (candles.length < 20) return null; // fewer at the start of the data: never trade on a short window
    const price = candles.at(-1)!.close;
    const high = Math.max(...candles.slice(0, -1).map((candle) => candle.high)); // the 19 before the last
    return price > high
      ? {
          position: "long",
          priceTakeProfit: price * 1.02,
          priceStopLoss: price * 0.99,
          minuteEstimatedTime: 240,
        }
      : null;
  },
});
listenError((error) => console.error(error));
const run = { strategyName: "breakout", exchangeName: "binance", frameName: "jan" };
let closedCount = 0;
for await (const result of Backtest.run("BTCUSDT", run)) {
  if (result.action === "closed") closedCount++; // also: result.closeReason, result.pnl.pnlPercentage
}
const { stats } = Backtest.getData("BTCUSDT", "breakout");
console.log(`${closedCount} closed trades, ${stats.winCount} won, total PnL ${stats.totalPnl.toFixed(2)}%`);
