// A trailing stop on the SMA crossover's entries: once the trade is 0.5 % in profit, the stop loss
// follows the best price 0.8 % behind it (it only ever tightens). The take profit is far (4 %), so most
// trades end on the trailed stop. Run: bt backtest examples/strategies/trailingStop.ts
import { smaCrossover } from "./smaCrossover";
import { withRules } from "./withRules";

export default withRules(
  smaCrossover({ takeProfitPercent: 4, stopLossPercent: 1.5, holdMinutes: 1440 }),
  "sma-trailing-stop",
  {
    trailingStop: { distancePercent: 0.8, activationPercent: 0.5 },
  },
);
