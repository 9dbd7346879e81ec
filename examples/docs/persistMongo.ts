import { persistKey } from "@bt/core";
import { createMongoPersist } from "@bt/persist-mongo";

// url: BT_MONGO_URL, else mongodb://127.0.0.1:27017
const persist = createMongoPersist({ dbName: "bt_readme" });
await persist.waitForInit(); // connects and creates the unique index
const key = persistKey("BTCUSDT", "sma-cross", "binance");
await persist.write("position", `run-1/${key}`, { position: "long", priceOpen: 42_000 });
console.log(await persist.list("position", "run-1/")); // an anchored range on the unique index
await persist.dispose();
