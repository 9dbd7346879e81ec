import { DEFAULT_CONFIG, NO_SIGNAL, transition } from "@bt/core";

const origin = { symbol: "BTCUSDT", strategyName: "demo", exchangeName: "file", backtest: true };
const at = (minute: number, price: number) => ({
  origin,
  currentPrice: price,
  now: Date.UTC(2025, 0, 1) + minute * 60_000,
  config: DEFAULT_CONFIG,
});

const signal = {
  position: "long",
  priceTakeProfit: 102,
  priceStopLoss: 98,
  minuteEstimatedTime: 60,
} as const;
const opened = transition(NO_SIGNAL, { type: "signal", signal, id: "sig-1" }, at(0, 100));
console.log(opened.result.action); // "opened" at 100 (no priceOpen → open now)

const closed = transition(opened.state, { type: "tick" }, at(1, 102.4));
if (closed.result.action === "closed") {
  const { closeReason, pnl } = closed.result; // take_profit: the exit is exactly at 102
  console.log(closeReason, pnl.priceClose, pnl.pnlPercentage.toFixed(4)); // 1.5944 % at the default costs
}
