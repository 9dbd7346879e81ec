import type { IPersistAdapterV2 } from "@bt/core";
import { createMongoPersist } from "@bt/persist-mongo";
import { describePersistContractV2 } from "@bt/persist-testkit";
import { MongoClient } from "mongodb";
import { MONGO_SERVER, MONGO_SKIP_REASON, MONGO_URL, uniqueDbName } from "./mongoTestKit";

const dbName = uniqueDbName("contract");
let counter = 0;
const collections = new WeakMap<IPersistAdapterV2, string>();
describePersistContractV2({
  name: "mongo",
  create: () => {
    const collection = `records_${counter++}`;
    const adapter = createMongoPersist({ url: MONGO_URL, dbName, collection, onWarning: () => undefined });
    collections.set(adapter, collection);
    return adapter;
  },
  capabilities: { atomicBatch: false },
  // jongodb evaluates a findOneAndUpdate filter and applies its update without isolation from concurrent
  // ones (SERVICES.md: no write-conflict detection), so it lets several contenders take one expired lease;
  // real MongoDB applies each findOneAndUpdate atomically. V41 runs against BT_MONGO_URL.
  noConcurrencyIsolation: MONGO_SERVER.startsWith("jongodb")
    ? `${MONGO_SERVER} applies concurrent conditional updates without isolation; set BT_MONGO_URL to a real MongoDB to run it`
    : undefined,
  reopen: (adapter) =>
    createMongoPersist({
      url: MONGO_URL,
      dbName,
      collection: collections.get(adapter) ?? "",
      onWarning: () => undefined,
    }),
  manyKeys: 400, // jongodb slows down past ~500 documents per collection
  skip: MONGO_SKIP_REASON || undefined,
  corrupt: async (adapter, entity, key) => {
    const client = await new MongoClient(MONGO_URL).connect();
    const records = client.db(dbName).collection(collections.get(adapter) ?? "");
    await records.updateOne({ entity, key }, { $set: { value: "{not json" } });
    await client.close();
  },
});
