import { persistKey } from "@bt/core";
import { createFsPersist } from "@bt/persist-fs";

const persist = createFsPersist({ dir: "./dump/persist" });
await persist.waitForInit(); // creates folders, removes crash leftovers, quarantines bad files
const key = persistKey("BTCUSDT", "sma-cross", "binance");
await persist.write("position", `run-1/${key}`, { position: "long", priceOpen: 42_000 });
console.log(await persist.list("position", "run-1/"), persist.corruptions());
await persist.dispose();
