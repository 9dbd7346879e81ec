import { persistKey } from "@bt/core";
import { createPostgresPersist } from "@bt/persist-postgres";

// connectionString: BT_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres
const persist = createPostgresPersist({ schema: "bt_readme" });
await persist.waitForInit(); // creates the schema and table if missing
const key = persistKey("BTCUSDT", "sma-cross", "binance");
await persist.batch([
  { op: "delete", entity: "position", key: `run-1/${key}` },
  { op: "write", entity: "closed", key: `run-1/${key}/sig-7`, value: { pnlPercent: 1.2 } },
]);
console.log(await persist.list("closed", "run-1/")); // a range scan of the primary key
await persist.dispose();
