// Breakeven on the SMA crossover's entries: once the trade is 0.6 % in profit, the stop loss moves to
// the price at which the trade nets zero after fees and slippage on both sides, so a winner that turns
// back costs nothing. Run: bt backtest examples/strategies/breakeven.ts
import { smaCrossover } from "./smaCrossover";
import { withRules } from "./withRules";

export default withRules(smaCrossover({ takeProfitPercent: 2, stopLossPercent: 1 }), "sma-breakeven", {
  breakeven: { triggerPercent: 0.6 },
});
