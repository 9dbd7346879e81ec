// A database written by bt before contract v2 (rows of entity 'signal'/'scheduled' in the table
// "bt_persist", or in a configured table) is never read by the v2 layout: waitForInit refuses it loudly
// unless legacyV1 is "ignore".
import { BtError, persistKey } from "@bt/core";
import { createPostgresPersist } from "@bt/persist-postgres";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, PG_URL, runSql, uniqueSchema } from "./postgresTestKit";

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});
function freshSchema(): string {
  const schema = uniqueSchema("legacy");
  schemas.push(schema);
  return schema;
}

/** Creates a table exactly as the v1 adapter did (key with the default collation). */
async function createV1Table(schema: string, table = "bt_persist"): Promise<void> {
  await runSql(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await runSql(`CREATE TABLE IF NOT EXISTS "${schema}"."${table}" (
    entity text NOT NULL,
    key text NOT NULL,
    value json NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity, key)
  )`);
}

/** Writes a row as the v1 adapter did: the raw key, the value's JSON text. */
async function writeV1Row(schema: string, entity: string, key: string, value: unknown, table = "bt_persist") {
  await runSql(
    `INSERT INTO "${schema}"."${table}" (entity, key, value, updated_at) VALUES ($1, $2, $3::json, now())`,
    [entity, key, JSON.stringify(value)],
  );
}

const rowsOf = (schema: string, table = "bt_persist") =>
  runSql(
    `SELECT entity, key, value::text AS value FROM "${schema}"."${table}" ORDER BY entity, key COLLATE "C"`,
  );
const tablesOf = async (schema: string) =>
  (
    await runSql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [schema],
    )
  ).map((row) => row.table_name);

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!BtError.isInstance(error)) throw new Error(`expected a BtError, got ${String(error)}`);
  return error;
}

describe("postgres adapter over a v1 layout (legacyV1)", () => {
  it('refuses to start over v1 rows in "bt_persist", naming the table, the count and the first records', async () => {
    const schema = freshSchema();
    await createV1Table(schema);
    const open = persistKey("BTCUSDT", "sma-cross", "binance");
    await writeV1Row(schema, "signal", open, { priceOpen: 42_000 });
    await writeV1Row(schema, "signal", `${open}#cursor`, { at: 1 });
    await writeV1Row(schema, "scheduled", "ethusdt:b:c", { priceOpen: 3_000 });
    await writeV1Row(schema, "scheduled", "solusdt:b:c", { priceOpen: 100 });
    await writeV1Row(schema, "risk", "r", { exposure: 1 });
    const before = await rowsOf(schema);
    const persist = createPostgresPersist({ connectionString: PG_URL, schema });
    const error = await rejection(persist.waitForInit());
    expect(error.code).toBe("PERSIST");
    expect(error.adapter).toBe("postgres");
    expect(error.field).toBe("legacyV1");
    const signalKeys = [open, `${open}#cursor`].sort();
    expect(error.message).toBe(
      `postgres: "${schema}"."bt_persist" holds 4 records of persistence contract v1 (written by bt before contract v2: signal ${JSON.stringify(signalKeys[0])}, signal ${JSON.stringify(signalKeys[1])}, scheduled "ethusdt:b:c", …); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 rows (entity 'signal', 'scheduled') out of "${schema}"."bt_persist" once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    );
    expect(error.value).toMatchObject({ count: 4 });
    await expect(persist.read("position", open)).rejects.toThrow(
      /^postgres: ".*"\."bt_persist" holds 4 records of persistence contract v1/,
    );
    await expect(persist.write("position", open, 1)).rejects.toThrow(/contract v1/);
    await persist.dispose();
    expect(await tablesOf(schema)).toEqual(["bt_persist"]);
    expect(await rowsOf(schema)).toEqual(before);
  });

  it("names a single record in the singular", async () => {
    const schema = freshSchema();
    await createV1Table(schema);
    await writeV1Row(schema, "scheduled", "x:y:z", { priceOpen: 1 });
    const persist = createPostgresPersist({ connectionString: PG_URL, schema });
    await expect(persist.waitForInit()).rejects.toThrow(
      `postgres: "${schema}"."bt_persist" holds 1 record of persistence contract v1 (written by bt before contract v2: scheduled "x:y:z"); `,
    );
    await persist.dispose();
  });

  it('with legacyV1 "ignore" starts, works on v2 data, and leaves the v1 rows as they were', async () => {
    const schema = freshSchema();
    await createV1Table(schema);
    await writeV1Row(schema, "signal", "btcusdt:a:b", { priceOpen: 1 });
    const before = await rowsOf(schema);
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, legacyV1: "ignore" });
    await persist.waitForInit();
    expect(await persist.read("position", "btcusdt:a:b")).toBeNull();
    await persist.write("position", "btcusdt:a:b", { v2: true });
    expect(await persist.read("position", "btcusdt:a:b")).toEqual({ v2: true });
    expect(await persist.list("position")).toEqual(["btcusdt:a:b"]);
    await persist.dispose();
    expect(await tablesOf(schema)).toEqual(["bt_persist", "bt_persist_v2", "bt_persist_v2_leases"]);
    expect(await rowsOf(schema)).toEqual(before);
  });

  it("a configured table bt wrote before contract v2 (v1 shape): its signal and scheduled rows are refused", async () => {
    const schema = freshSchema();
    await createV1Table(schema, "mine");
    await writeV1Row(schema, "scheduled", "ethusdt:b:c", { priceOpen: 3_000 }, "mine");
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "mine" });
    await expect(persist.waitForInit()).rejects.toThrow(
      `postgres: "${schema}"."mine" holds 1 record of persistence contract v1 (written by bt before contract v2: scheduled "ethusdt:b:c"); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 rows (entity 'signal', 'scheduled') out of "${schema}"."mine" once`,
    );
    await persist.dispose();
    expect(await rowsOf(schema, "mine")).toHaveLength(1);
  });

  it("a configured table of contract v2: its own scheduled rows are fine, a v1 'signal' row is refused", async () => {
    const schema = freshSchema();
    const first = createPostgresPersist({ connectionString: PG_URL, schema, table: "mine" });
    await first.waitForInit();
    await first.write("scheduled", "run", { at: 1 });
    await first.dispose();
    const second = createPostgresPersist({ connectionString: PG_URL, schema, table: "mine" });
    await second.waitForInit();
    expect(await second.read("scheduled", "run")).toEqual({ at: 1 });
    await second.dispose();
    await writeV1Row(schema, "signal", "btcusdt:a:b", { priceOpen: 1 }, "mine");
    const third = createPostgresPersist({ connectionString: PG_URL, schema, table: "mine" });
    await expect(third.waitForInit()).rejects.toThrow(
      `postgres: "${schema}"."mine" holds 1 record of persistence contract v1 (written by bt before contract v2: signal "btcusdt:a:b"); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 rows (entity 'signal') out of "${schema}"."mine" once`,
    );
    await third.dispose();
  });

  it("starts over v2 data only, an empty v1 table, v1 entities that never held live state, and a foreign bt_persist", async () => {
    const schema = freshSchema();
    const first = createPostgresPersist({ connectionString: PG_URL, schema });
    await first.waitForInit();
    await first.write("position", "run", { open: true });
    await first.write("scheduled", "run", { at: 1 });
    await first.dispose();
    await createV1Table(schema);
    const restart = async () => {
      const persist = createPostgresPersist({ connectionString: PG_URL, schema });
      await persist.waitForInit();
      expect(await persist.read("position", "run")).toEqual({ open: true });
      expect(await persist.list("scheduled")).toEqual(["run"]);
      await persist.dispose();
    };
    await restart();
    await writeV1Row(schema, "risk", "r", { exposure: 1 });
    await writeV1Row(schema, "partial", "p", { filled: 1 });
    await writeV1Row(schema, "candle", "c", [1, 2]);
    await restart();
    expect(await rowsOf(schema)).toHaveLength(3);
    await runSql(`DROP TABLE "${schema}"."bt_persist"`);
    await runSql(`CREATE TABLE "${schema}"."bt_persist" (id int, note text)`);
    await restart();
  });

  it("rejects an unknown legacyV1 value when created", () => {
    expect(() => createPostgresPersist({ connectionString: PG_URL, legacyV1: "skip" as "ignore" })).toThrow(
      /^postgres: legacyV1 must be "refuse" or "ignore", got "skip"$/,
    );
  });
});
