import { createPostgresPersist } from "@bt/persist-postgres";
import { describePersistContract } from "@bt/persist-testkit";
import { afterAll } from "vitest";
import { dropSchema, PG_URL, uniqueSchema } from "./postgresTestKit";

const schema = uniqueSchema("contract");
let counter = 0;
afterAll(() => dropSchema(schema));
describePersistContract({
  name: "postgres",
  create: () => createPostgresPersist({ connectionString: PG_URL, schema, table: `records_${counter++}` }),
  capabilities: { atomicBatch: true },
});
