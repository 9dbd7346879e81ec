import { writeFile } from "node:fs/promises";
import { addExchange, addFrame, addStrategy, Backtest, getCandleColumns } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";
import { renderHtmlReport } from "@bt/report-html";

const exchange = createFileExchange({ dir: "examples/data", exchangeName: "binance" }); // the bundled sample
addExchange(exchange);
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
for await (const _ of Backtest.run("BTCUSDT", {
  strategyName: "sma",
  exchangeName: "binance",
  frameName: "jan",
})) {
}
const { closed, stats, account } = Backtest.getData("BTCUSDT", "sma");
// Display candles: a month of 1h candles (the page embeds every candle it is given).
const hourly = await exchange.getCandles("BTCUSDT", "1h", new Date("2025-01-01"), 744);
const html = renderHtmlReport({
  title: "SMA crossover on BTCUSDT, January 2025",
  settings: [
    { label: "Fee", value: "0.1 % per side" },
    { label: "Balance", value: `${account.initialBalance} USDT` },
  ],
  runs: [
    {
      symbol: "BTCUSDT",
      strategyName: "sma",
      candles: {
        interval: "1h",
        time: hourly.map((candle) => candle.timestamp),
        open: hourly.map((candle) => candle.open),
        high: hourly.map((candle) => candle.high),
        low: hourly.map((candle) => candle.low),
        close: hourly.map((candle) => candle.close),
      },
      closed,
      stats,
      money: account.trades, // core's ledger rows: stake, PnL, fees, balance after
      equity: account.equity,
    },
  ],
  quoteCurrency: "USDT",
});
await writeFile("sma.html", html);
console.log(
  `sma.html: ${closed.length} trades, ${2 * closed.length} chart markers, ${(html.length / 1e6).toFixed(1)} MB`,
);
