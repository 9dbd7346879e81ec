import { persistKey } from "@bt/core";
import { createRedisPersist } from "@bt/persist-redis";

// url: BT_REDIS_URL, else redis://127.0.0.1:6379
const persist = createRedisPersist({ keyPrefix: "bt:readme" });
await persist.waitForInit(); // connects and pings; fails fast with a clear error
const key = persistKey("BTCUSDT", "sma-cross", "binance");
await persist.batch([
  { op: "delete", entity: "position", key: `run-1/${key}` },
  { op: "write", entity: "closed", key: `run-1/${key}/sig-7`, value: { pnlPercent: 1.2 } },
]);
console.log(await persist.list("closed", "run-1/")); // one ZRANGEBYLEX on the entity's key index
await persist.dispose();
