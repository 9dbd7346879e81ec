// A walker file: compares SMA crossover parameterisations on the same symbol and frame, ranked by
// the annualised Sharpe ratio. Run it with `bt walker examples/strategies/smaWalker.ts --symbol BTCUSDT`.

import type { IWalkerFile } from "@bt/cli";
import { smaCrossover } from "./smaCrossover";

const walker: IWalkerFile = {
  walkerName: "sma-grid",
  metric: "annualizedSharpeRatio",
  strategies: [
    smaCrossover({ fastPeriod: 5, slowPeriod: 20 }),
    smaCrossover({ fastPeriod: 10, slowPeriod: 30 }),
    smaCrossover({ fastPeriod: 20, slowPeriod: 50 }),
    smaCrossover({
      fastPeriod: 10,
      slowPeriod: 30,
      interval: "1h",
      takeProfitPercent: 3,
      stopLossPercent: 1.5,
    }),
  ],
};

export default walker;
