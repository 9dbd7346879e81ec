// A DCA ladder on the SMA crossover's entries: enter for 1,000, add 1,000 more if the price goes 1 %
// against the first entry and 1,500 more at 2 %; at most 3 entries. The take profit (+1.5 %) and the
// stop loss (−4 %) are prices fixed at the signal; the averaged entry price moves the breakeven point.
// Run: bt backtest examples/strategies/dcaLadder.ts
import { smaCrossover } from "./smaCrossover";
import { withRules } from "./withRules";

export default withRules(
  smaCrossover({ takeProfitPercent: 1.5, stopLossPercent: 4, holdMinutes: 1440 }),
  "sma-dca",
  {
    cost: 1_000,
    dca: {
      levels: [{ lossPercent: 1 }, { lossPercent: 2, costPercent: 150 }],
      maxEntries: 3,
    },
  },
);
