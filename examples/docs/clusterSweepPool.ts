// @bt/cluster: one thread pool for several sweeps (here one per half of January on the bundled sample).
import { createSweepPool, type ISweepResult, runSweep } from "@bt/cluster";

const sweep = {
  strategy: { name: "sma", module: "examples/docs/smaSweepStrategy.ts" },
  params: { fast: [5, 10], slow: [20, 50] },
  symbols: "BTCUSDT",
  dataSource: { type: "file", dir: "examples/data" } as const,
};
const day = 86_400_000;
const frames = [2, 16].map((startDay) => ({
  frameName: `jan-${startDay}`,
  startMs: Date.UTC(2025, 0, startDay),
  endMs: Date.UTC(2025, 0, startDay) + 14 * day,
}));
const results: ISweepResult[] = [];
// #region readme
const pool = createSweepPool({ threads: 2 }); // threads start now
await pool.ready(); // optional: resolves with the ms until every thread loaded the engine
try {
  for (const frame of frames) results.push(await runSweep({ ...sweep, frame, pool }));
} finally {
  await pool.dispose(); // resolves once every thread has exited
}
// #endregion readme
for (const result of results) console.log(result.frame.frameName, result.symbols[0]?.bestStrategy);
