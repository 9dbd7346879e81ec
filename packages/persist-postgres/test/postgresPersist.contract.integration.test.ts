import { createPostgresPersist } from "@bt/persist-postgres";
import { describePersistContractV2 } from "@bt/persist-testkit";
import { afterAll } from "vitest";
import { dropSchema, PG_URL, uniqueSchema } from "./postgresTestKit";

const schema = uniqueSchema("contract");
let counter = 0;
afterAll(() => dropSchema(schema));
describePersistContractV2({
  name: "postgres",
  create: () => createPostgresPersist({ connectionString: PG_URL, schema, table: `records_${counter++}` }),
  capabilities: { atomicBatch: true },
});
