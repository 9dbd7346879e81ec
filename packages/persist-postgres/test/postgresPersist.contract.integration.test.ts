import type { IPersistAdapterV2 } from "@bt/core";
import { createPostgresPersist } from "@bt/persist-postgres";
import { describePersistContractV2 } from "@bt/persist-testkit";
import { afterAll } from "vitest";
import { dropSchema, PG_URL, uniqueSchema } from "./postgresTestKit";

const schema = uniqueSchema("contract");
let counter = 0;
afterAll(() => dropSchema(schema));
const tables = new WeakMap<IPersistAdapterV2, string>();
describePersistContractV2({
  name: "postgres",
  create: () => {
    const table = `records_${counter++}`;
    const adapter = createPostgresPersist({ connectionString: PG_URL, schema, table });
    tables.set(adapter, table);
    return adapter;
  },
  capabilities: { atomicBatch: true },
  reopen: (adapter) =>
    createPostgresPersist({ connectionString: PG_URL, schema, table: tables.get(adapter) }),
});
