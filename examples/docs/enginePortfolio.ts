import { addExchange, addFrame, addStrategy, Backtest, getCandleColumns } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";

addExchange(createFileExchange({ dir: "examples/data", exchangeName: "binance" })); // the bundled sample
addFrame({
  frameName: "jan",
  interval: "1m",
  startDate: new Date("2025-01-01"),
  endDate: new Date("2025-02-01"),
});
addStrategy({
  strategyName: "sma",
  interval: "15m",
  warmupCandles: 21,
  getSignal: async (symbol) => {
    const { close, length } = await getCandleColumns(symbol, "15m", 21);
    if (length < 21) return null;
    const mean = (count: number) =>
      close.subarray(length - count).reduce((sum, value) => sum + value, 0) / count;
    const price = close[length - 1] as number;
    return mean(8) > mean(21)
      ? {
          position: "long",
          priceTakeProfit: price * 1.015,
          priceStopLoss: price * 0.99,
          minuteEstimatedTime: 720,
        }
      : null;
  },
});
// Two symbols, one account of 1,000 USDT, at most one position at a time: each signal stakes the balance.
const run = { strategyName: "sma", exchangeName: "binance", frameName: "jan" };
for await (const _ of Backtest.runPortfolio(["BTCUSDT", "ETHUSDT"], run, {
  accountBalance: 1000,
  maxOpenPositions: 1,
})) {
}
const { account, runs } = Backtest.getPortfolioData("sma");
for (const { symbol, stats } of runs) {
  console.log(`${symbol}: ${stats.tradeCount} trades, net ${stats.totalPnlCost?.toFixed(2)} USDT`);
}
const refused = runs
  .flatMap((data) => data.problems.problems)
  .filter((problem) => problem.source === "account");
console.log(`refused while a position was open: ${refused.reduce((sum, problem) => sum + problem.count, 0)}`);
console.log(
  `balance ${account.initialBalance} → ${account.balance.toFixed(2)} USDT, fees ${account.trades.reduce((sum, trade) => sum + (trade.feeCost ?? 0), 0).toFixed(2)}`,
);
console.log(`max drawdown (marked each minute) ${account.stats.maxDrawdownPercent.toFixed(2)}%`);
