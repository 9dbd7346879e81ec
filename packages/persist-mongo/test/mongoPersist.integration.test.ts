import { createServer } from "node:net";
import { BtError } from "@bt/core";
import { createMongoPersist } from "@bt/persist-mongo";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MONGO_SERVER, MONGO_SKIP_REASON, MONGO_URL, uniqueDbName } from "./mongoTestKit";

const dbName = uniqueDbName("adapter");
let counter = 0;
const nextCollection = () => `records_${counter++}`;
let observer: MongoClient;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 1;
}

describe.skipIf(MONGO_SKIP_REASON !== "")(`mongo adapter against ${MONGO_SERVER}`, () => {
  beforeAll(async () => {
    observer = new MongoClient(MONGO_URL, { serverSelectionTimeoutMS: 5_000 });
    await observer.connect();
  });
  afterAll(() => observer?.close());

  it("stores { entity, key, value: JSON text, updatedAt } under a unique (entity, key) index", async () => {
    const collection = nextCollection();
    const persist = createMongoPersist({ url: MONGO_URL, dbName, collection });
    await persist.waitForInit();
    await persist.write("position", "BTCUSDT:s:x", { priceOpen: 1.5 });
    await persist.write("position", "BTCUSDT:s:x", { priceOpen: 2 });
    const documents = await observer.db(dbName).collection(collection).find({}).toArray();
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ entity: "position", key: "BTCUSDT:s:x", value: '{"priceOpen":2}' });
    expect(documents[0]?.updatedAt).toBeInstanceOf(Date);
    const duplicate = await observer
      .db(dbName)
      .collection(collection)
      .insertOne({ entity: "position", key: "BTCUSDT:s:x", value: "1" })
      .catch((error: unknown) => error);
    expect((duplicate as { code?: number }).code).toBe(11000);
    await persist.dispose();
  });

  it("quarantines documents whose value is not JSON text, reports them and reads null", async () => {
    const collection = nextCollection();
    const warnings: string[] = [];
    const persist = createMongoPersist({
      url: MONGO_URL,
      dbName,
      collection,
      onWarning: (m) => warnings.push(m),
    });
    await persist.waitForInit();
    await persist.write("cursor", "good", { ok: true });
    const raw = observer.db(dbName).collection(collection);
    await raw.insertOne({ entity: "cursor", key: "broken", value: '{"truncated":', updatedAt: new Date() });
    await raw.insertOne({ entity: "cursor", key: "object", value: { not: "text" }, updatedAt: new Date() });
    expect(await persist.read("cursor", "broken")).toBeNull();
    expect(await persist.read("cursor", "object")).toBeNull();
    const corruptions = persist.corruptions();
    expect(corruptions.map((corruption) => corruption.key)).toEqual(["broken", "object"]);
    expect(corruptions[0]?.reason).toMatch(/invalid JSON/);
    expect(corruptions[1]?.reason).toMatch(/not JSON text/);
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(warning).toMatch(/^mongo: corrupted document /);
    const kept = await observer.db(dbName).collection(`${collection}_quarantine`).find({}).toArray();
    expect(kept.map((document) => document.key).sort()).toEqual(["broken", "object"]);
    expect(await persist.list("cursor")).toEqual(["good"]);
    await persist.dispose();
  });

  it("an unreachable server fails waitForInit with a clear BtError and the driver error as cause", async () => {
    const url = `mongodb://127.0.0.1:${await closedPort()}`;
    const persist = createMongoPersist({ url, dbName, connectTimeoutMs: 500 });
    const error = await persist.waitForInit().catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).code).toBe("PERSIST");
    expect((error as BtError).message).toMatch(
      /^mongo: cannot connect to mongodb:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/,
    );
    expect((error as BtError).cause).toBeInstanceOf(Error);
    expect((error as BtError).retryable).toBe(true);
    await persist.dispose();
  });

  it("a failed write throws BtError PERSIST with the driver error as cause", async () => {
    const persist = createMongoPersist({ url: MONGO_URL, dbName, collection: nextCollection() });
    await persist.waitForInit();
    // Larger than a BSON document may be (16 MiB).
    const error = await persist
      .write("closed", "huge", "x".repeat(17 * 1024 * 1024))
      .catch((caught) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toMatch(/^mongo: write closed "huge" failed: /);
    expect((error as BtError).cause).toBeInstanceOf(Error);
    expect(await persist.read("closed", "huge")).toBeNull();
    await persist.dispose();
  });

  it("stores %, NUL and lone surrogates escaped, so keys that UTF-8 would merge stay distinct", async () => {
    const collection = nextCollection();
    const persist = createMongoPersist({ url: MONGO_URL, dbName, collection });
    await persist.waitForInit();
    const keys = ["a\uD800", "a\uD801", "a\uFFFD", "100%", "nul\u0000"];
    for (const key of keys) await persist.write("order", key, key);
    const documents = await observer.db(dbName).collection(collection).find({}).toArray();
    expect(documents.map((document) => document.key).sort()).toEqual(
      ["a%uD800", "a%uD801", "a\uFFFD", "100%25", "nul%00"].sort(),
    );
    for (const key of keys) expect(await persist.read("order", key)).toBe(key);
    expect(await persist.list("order", "a")).toEqual(["a\uD800", "a\uD801", "a\uFFFD"]);
    expect(await persist.list("order", "a\uD800")).toEqual(["a\uD800"]);
    await persist.dispose();
  });

  it("uses a caller's client without closing it on dispose", async () => {
    const client = new MongoClient(MONGO_URL);
    const persist = createMongoPersist({ client, dbName, collection: nextCollection() });
    await persist.waitForInit();
    await persist.write("lease", "k", 1);
    await persist.dispose();
    expect(await client.db(dbName).command({ ping: 1 })).toMatchObject({ ok: 1 });
    await client.close();
  });
});
