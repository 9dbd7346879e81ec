// Not a README block: the doc test runs it after `bt backtest … --persist ./myAdapter.ts` (cliPersistAdapter.ts)
// to read back what the backtest recorded, as the README says: readLiveState(…, "backtest") from @bt/engine.
// Prints one JSON line: the closed-signal history's signal ids and whether a position / scheduled signal is left.
import { readLiveState } from "@bt/engine";
import { createRedisPersist } from "@bt/persist-redis";

const [symbol = "BTCUSDT", strategyName = "breakout", exchangeName = "file"] = process.argv.slice(2);
const persist = createRedisPersist({ url: process.env.MY_REDIS_URL, keyPrefix: "team-a" });
await persist.waitForInit();
const state = await readLiveState(persist, symbol, strategyName, exchangeName, "backtest");
const live = await readLiveState(persist, symbol, strategyName, exchangeName, "live");
console.log(
  JSON.stringify({
    closed: state.closed.map((closed) => closed.signal.id),
    position: state.position !== null,
    missing: state.missing.length,
    liveClosed: live.closed.length,
  }),
);
await persist.dispose();
