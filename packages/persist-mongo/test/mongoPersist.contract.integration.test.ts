import { createMongoPersist } from "@bt/persist-mongo";
import { describePersistContract } from "@bt/persist-testkit";
import { MONGO_SKIP_REASON, MONGO_URL, uniqueDbName } from "./mongoTestKit";

const dbName = uniqueDbName("contract");
let counter = 0;
describePersistContract({
  name: "mongo",
  create: () => createMongoPersist({ url: MONGO_URL, dbName, collection: `records_${counter++}` }),
  capabilities: { atomicBatch: false },
  manyKeys: 400, // jongodb slows down past ~500 documents per collection
  skip: MONGO_SKIP_REASON || undefined,
});
