import { createServer } from "node:net";
import { BtError } from "@bt/core";
import { createPostgresPersist } from "@bt/persist-postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, PG_URL, runSql, uniqueSchema } from "./postgresTestKit";

const schema = uniqueSchema("adapter");
afterAll(() => dropSchema(schema));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 1;
}

describe("postgres adapter against the real server", () => {
  it('creates one table (entity, key COLLATE "C", value json, updated_at) with primary key (entity, key)', async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "layout" });
    await persist.waitForInit();
    await persist.write("position", "BTCUSDT:s:x", { priceOpen: 1.5 });
    await persist.write("position", "BTCUSDT:s:x", { priceOpen: 2 });
    const columns = await runSql<{ column_name: string; data_type: string; collation_name: string | null }>(
      "SELECT column_name, data_type, collation_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'layout' ORDER BY ordinal_position",
      [schema],
    );
    expect(columns).toEqual([
      { column_name: "entity", data_type: "text", collation_name: null },
      { column_name: "key", data_type: "text", collation_name: "C" },
      { column_name: "value", data_type: "json", collation_name: null },
      { column_name: "updated_at", data_type: "timestamp with time zone", collation_name: null },
    ]);
    const primaryKey = await runSql<{ column_name: string }>(
      `SELECT kcu.column_name FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
       WHERE tc.table_schema = $1 AND tc.table_name = 'layout' AND tc.constraint_type = 'PRIMARY KEY'
       ORDER BY kcu.ordinal_position`,
      [schema],
    );
    expect(primaryKey.map((row) => row.column_name)).toEqual(["entity", "key"]);
    const rows = await runSql<{ entity: string; key: string; value: unknown }>(
      `SELECT entity, key, value FROM "${schema}".layout`,
    );
    expect(rows).toEqual([{ entity: "position", key: "BTCUSDT:s:x", value: { priceOpen: 2 } }]);
    await persist.dispose();
  });

  it("quotes odd schema and table names", async () => {
    const oddTable = 'odd "table"; DROP TABLE x; --';
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: oddTable });
    await persist.waitForInit();
    await persist.write("cursor", "k", [1]);
    expect(await persist.read("cursor", "k")).toEqual([1]);
    const tables = await runSql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
      [schema, oddTable],
    );
    expect(tables).toHaveLength(1);
    await persist.dispose();
  });

  it("concurrent first starts on one table do not race", async () => {
    const adapters = Array.from({ length: 4 }, () =>
      createPostgresPersist({ connectionString: PG_URL, schema, table: "raced" }),
    );
    await Promise.all(adapters.map((adapter) => adapter.waitForInit()));
    await Promise.all(adapters.map((adapter, index) => adapter.write("closed", `k${index}`, index)));
    expect(await adapters[0]?.list("closed")).toEqual(["k0", "k1", "k2", "k3"]);
    await Promise.all(adapters.map((adapter) => adapter.dispose()));
  });

  it("an unreachable server fails waitForInit with a clear BtError and the driver error as cause", async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    const persist = createPostgresPersist({ connectionString: url, schema, table: "never" });
    const error = await persist.waitForInit().catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).code).toBe("PERSIST");
    expect((error as BtError).message).toMatch(
      /^postgres: init of .* at postgres:\/\/postgres@127.0.0.1:\d+\/test failed: .*ECONNREFUSED/,
    );
    expect(((error as BtError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    expect((error as BtError).retryable).toBe(true);
    await persist.dispose();
  });

  it("a failed write throws BtError PERSIST with the server error as cause", async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "failing" });
    await persist.waitForInit();
    await runSql(`ALTER TABLE "${schema}".failing ADD CONSTRAINT refused CHECK (key <> 'refused')`);
    const error = await persist.write("position", "refused", 1).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toMatch(/^postgres: write position "refused" failed: .*refused/);
    expect((error as BtError).cause).toBeInstanceOf(Error);
    expect(await persist.list("position")).toEqual([]);
    await persist.dispose();
  });

  it("a batch that fails on the server rolls back every operation", async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "rollback" });
    await persist.waitForInit();
    await runSql(`ALTER TABLE "${schema}".rollback ADD CONSTRAINT refused CHECK (key <> 'refused')`);
    await persist.write("position", "keep", { v: 0 });
    const error = await persist
      .batch([
        { op: "write", entity: "position", key: "first", value: 1 },
        { op: "delete", entity: "position", key: "keep" },
        { op: "write", entity: "order", key: "refused", value: 2 },
      ])
      .catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toMatch(/^postgres: batch of 3 operations failed: /);
    expect(await persist.list("position")).toEqual(["keep"]);
    expect(await persist.read("position", "keep")).toEqual({ v: 0 });
    await persist.dispose();
  });

  it("stores %, NUL and lone surrogates escaped (text holds neither NUL nor lone surrogates)", async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "escaped" });
    await persist.waitForInit();
    const keys = ["a\uD800", "a\uD801", "a\uFFFD", "100%", "nul\u0000"];
    for (const key of keys) await persist.write("order", key, key);
    const rows = await runSql<{ key: string }>(`SELECT key FROM "${schema}".escaped ORDER BY key`);
    expect(rows.map((row) => row.key).sort()).toEqual(
      ["a%uD800", "a%uD801", "a\uFFFD", "100%25", "nul%00"].sort(),
    );
    for (const key of keys) expect(await persist.read("order", key)).toBe(key);
    expect(await persist.list("order", "a")).toEqual(["a\uD800", "a\uD801", "a\uFFFD"]);
    expect(await persist.list("order", "100%")).toEqual(["100%"]);
    await persist.dispose();
  });

  it("a prefix list is a range scan of the primary key index", async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "ranged" });
    await persist.waitForInit();
    await persist.write("closed", "run-1/a", 1);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const plan = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT key FROM "${schema}".ranged WHERE entity = 'closed' AND key COLLATE "C" >= 'run-1/'
         AND key COLLATE "C" < 'run-10' ORDER BY key COLLATE "C"`,
      );
      const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
      expect(text).toMatch(/Index (Only )?Scan using ranged_pkey/);
      expect(text).toMatch(/key >= 'run-1\/'::text/);
    } finally {
      await client.end();
    }
    await persist.dispose();
  });

  it("uses a caller's pool without ending it on dispose", async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    const persist = createPostgresPersist({ pool, schema, table: "shared_pool" });
    await persist.waitForInit();
    await persist.write("lease", "k", 1);
    await persist.dispose();
    expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
