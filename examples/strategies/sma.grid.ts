// A grid file for `bt sweep`: 3 × 3 SMA periods (9 parameter sets) on the bundled BTCUSDT and ETHUSDT
// sample data, ranked by Sharpe ratio. Run it with `bt sweep examples/strategies/sma.grid.ts`.

import type { ISweepFile } from "@bt/cli";

const grid: ISweepFile = {
  strategy: { module: "./smaSweep.ts", name: "sma" },
  params: { fastPeriod: [5, 10, 20], slowPeriod: [30, 50, 80] },
  symbols: ["BTCUSDT", "ETHUSDT"],
  metric: "sharpeRatio",
};

export default grid;
