// A space file for `bt optimize` and `bt walkforward`: the SMA crossover's periods (smaSweep.ts) searched
// by TPE on the bundled BTCUSDT sample data, maximising the Sharpe ratio of runs with at least 3 trades.
// Run it with `bt optimize examples/strategies/sma.space.ts` (a few seconds, offline).

import type { ISpaceFile } from "@bt/cli";

const space: ISpaceFile = {
  strategy: { module: "./smaSweep.ts", name: "sma" },
  space: {
    fastPeriod: { type: "int", low: 3, high: 25 },
    slowPeriod: { type: "int", low: 30, high: 120, step: 5 },
  },
  trials: 16,
  batchSize: 4,
  seed: 1,
  objective: { metric: "sharpeRatio", minTrades: 3 },
  symbols: ["BTCUSDT"],
  from: "2025-01-05",
  to: "2025-01-19",
};

export default space;
