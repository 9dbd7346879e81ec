// A take-profit ladder on the SMA crossover's entries: close 40 % of the position at +0.7 %, 30 % at
// +1.2 %, and the rest at the take profit (+2 %) or the stop loss. Each partial close is a fill of the
// trade (reports list them) with its own broker order in live. Run: bt backtest examples/strategies/takeProfitLadder.ts
import { smaCrossover } from "./smaCrossover";
import { withRules } from "./withRules";

export default withRules(smaCrossover({ takeProfitPercent: 2, stopLossPercent: 1 }), "sma-tp-ladder", {
  cost: 1_000,
  takeProfitLadder: [
    { profitPercent: 0.7, closePercent: 40 },
    { profitPercent: 1.2, closePercent: 30 },
  ],
});
