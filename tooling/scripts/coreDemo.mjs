// Interim main job until the engine lands: drives the pure state machine of @bt/core over a scripted
// price path and prints every tick result.
import { GLOBAL_CONFIG, NO_SIGNAL, transition } from "../../packages/core/dist/index.js";

const origin = { symbol: "BTCUSDT", strategyName: "demo", exchangeName: "scripted", backtest: true };
const prices = [100, 100.4, 101, 101.6, 102.2, 101.9];
let state = NO_SIGNAL;
prices.forEach((currentPrice, minute) => {
  const input = { origin, currentPrice, now: Date.UTC(2025, 0, 1, 0, minute), config: GLOBAL_CONFIG };
  const event =
    minute === 0
      ? {
          type: "signal",
          id: "demo-1",
          signal: { position: "long", priceTakeProfit: 102, priceStopLoss: 98, minuteEstimatedTime: 60 },
        }
      : { type: "tick" };
  const next = transition(state, event, input);
  state = next.state;
  const { action, currentPrice: price } = next.result;
  const extra =
    action === "closed"
      ? ` reason=${next.result.closeReason} pnl=${next.result.pnl.pnlPercentage.toFixed(4)}%`
      : "";
  console.log(`${new Date(input.now).toISOString()}  price=${price}  ${action}${extra}`);
});
