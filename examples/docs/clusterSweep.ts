// examples/docs/smaSweepStrategy.ts: export default (params) => ({ interval: "15m", getSignal: … })
import { runSweep } from "@bt/cluster";

const sweep = {
  strategy: { name: "sma", module: "examples/docs/smaSweepStrategy.ts" }, // each one is named sma[fast=5,slow=20]
  params: { fast: [5, 10], slow: [20, 50] }, // or an explicit list, e.g. expandGrid(...).filter(...)
  symbols: ["BTCUSDT", "ETHUSDT"],
  frame: { frameName: "jan", startMs: Date.UTC(2025, 0, 2), endMs: Date.UTC(2025, 1, 1) },
  dataSource: { type: "file", dir: "examples/data" } as const, // candle files read by @bt/exchange-file
};
const result = await runSweep({ ...sweep, threads: 2 }); // runClusterSweep(sweep): the same across machines
for (const { symbol, ranking } of result.symbols) {
  console.log(
    symbol,
    ranking.map((entry) => `${entry.strategyName} ${entry.metricValue?.toFixed(3)}`).join(", "),
  );
}
