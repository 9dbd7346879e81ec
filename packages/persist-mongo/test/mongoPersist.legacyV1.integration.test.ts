// A database written by bt before contract v2 (documents of entity "signal"/"scheduled" in the collection
// "bt_persist", or "signal" documents in a configured collection) is never read by the v2 layout:
// waitForInit refuses it loudly unless legacyV1 is "ignore".
import { BtError, persistKey } from "@bt/core";
import { createMongoPersist } from "@bt/persist-mongo";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MONGO_SERVER, MONGO_SKIP_REASON, MONGO_URL, uniqueDbName } from "./mongoTestKit";

let observer: MongoClient;

/** Writes a document as the v1 adapter did: { entity, key (raw), value: JSON text, updatedAt }. */
async function writeV1Document(
  dbName: string,
  entity: string,
  key: string,
  value: unknown,
  collection = "bt_persist",
) {
  await observer
    .db(dbName)
    .collection(collection)
    .updateOne(
      { entity, key },
      { $set: { value: JSON.stringify(value), updatedAt: new Date() } },
      { upsert: true },
    );
}

const documentsOf = (dbName: string, collection = "bt_persist") =>
  observer
    .db(dbName)
    .collection(collection)
    .find({}, { projection: { _id: 0, entity: 1, key: 1, value: 1 } })
    .sort({ entity: 1, key: 1 })
    .toArray();

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!BtError.isInstance(error)) throw new Error(`expected a BtError, got ${String(error)}`);
  return error;
}

describe.skipIf(MONGO_SKIP_REASON !== "")(
  `mongo adapter over a v1 layout (legacyV1) against ${MONGO_SERVER}`,
  () => {
    beforeAll(async () => {
      observer = new MongoClient(MONGO_URL, { serverSelectionTimeoutMS: 5_000 });
      await observer.connect();
    });
    afterAll(() => observer?.close());

    it('refuses to start over v1 documents in "bt_persist", naming the collection, the count and the first records', async () => {
      const dbName = uniqueDbName("legacy");
      const open = persistKey("BTCUSDT", "sma-cross", "binance");
      await writeV1Document(dbName, "signal", open, { priceOpen: 42_000 });
      await writeV1Document(dbName, "signal", `${open}#cursor`, { at: 1 });
      await writeV1Document(dbName, "scheduled", "ethusdt:b:c", { priceOpen: 3_000 });
      await writeV1Document(dbName, "scheduled", "solusdt:b:c", { priceOpen: 100 });
      await writeV1Document(dbName, "risk", "r", { exposure: 1 });
      const before = await documentsOf(dbName);
      const persist = createMongoPersist({ url: MONGO_URL, dbName });
      const error = await rejection(persist.waitForInit());
      expect(error.code).toBe("PERSIST");
      expect(error.adapter).toBe("mongo");
      expect(error.field).toBe("legacyV1");
      const signalKeys = [open, `${open}#cursor`].sort();
      expect(error.message).toBe(
        `mongo: ${dbName}.bt_persist holds 4 records of persistence contract v1 (written by bt before contract v2: signal ${JSON.stringify(signalKeys[0])}, signal ${JSON.stringify(signalKeys[1])}, scheduled "ethusdt:b:c", …); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 documents (entity "signal", "scheduled") out of ${dbName}.bt_persist once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
      );
      expect(error.value).toMatchObject({ count: 4 });
      await expect(persist.read("position", open)).rejects.toThrow(
        /^mongo: \S+\.bt_persist holds 4 records of persistence contract v1/,
      );
      await expect(persist.write("position", open, 1)).rejects.toThrow(/contract v1/);
      await persist.dispose();
      expect(await documentsOf(dbName)).toEqual(before);
      expect(await documentsOf(dbName, "bt_persist_v2")).toEqual([]);
    });

    it("names a single record in the singular", async () => {
      const dbName = uniqueDbName("legacy");
      await writeV1Document(dbName, "scheduled", "x:y:z", { priceOpen: 1 });
      const persist = createMongoPersist({ url: MONGO_URL, dbName });
      await expect(persist.waitForInit()).rejects.toThrow(
        `mongo: ${dbName}.bt_persist holds 1 record of persistence contract v1 (written by bt before contract v2: scheduled "x:y:z"); `,
      );
      await persist.dispose();
    });

    it('with legacyV1 "ignore" starts, works on v2 data, and leaves the v1 documents as they were', async () => {
      const dbName = uniqueDbName("legacy");
      await writeV1Document(dbName, "signal", "btcusdt:a:b", { priceOpen: 1 });
      const before = await documentsOf(dbName);
      const persist = createMongoPersist({ url: MONGO_URL, dbName, legacyV1: "ignore" });
      await persist.waitForInit();
      expect(await persist.read("position", "btcusdt:a:b")).toBeNull();
      await persist.write("position", "btcusdt:a:b", { v2: true });
      expect(await persist.read("position", "btcusdt:a:b")).toEqual({ v2: true });
      expect(await persist.list("position")).toEqual(["btcusdt:a:b"]);
      await persist.dispose();
      expect(await documentsOf(dbName)).toEqual(before);
    });

    it('a configured collection: its own scheduled documents are fine, a v1 "signal" document is refused', async () => {
      const dbName = uniqueDbName("legacy");
      const first = createMongoPersist({ url: MONGO_URL, dbName, collection: "mine" });
      await first.waitForInit();
      await first.write("scheduled", "run", { at: 1 });
      await first.dispose();
      const second = createMongoPersist({ url: MONGO_URL, dbName, collection: "mine" });
      await second.waitForInit();
      expect(await second.read("scheduled", "run")).toEqual({ at: 1 });
      await second.dispose();
      await writeV1Document(dbName, "signal", "btcusdt:a:b", { priceOpen: 1 }, "mine");
      const third = createMongoPersist({ url: MONGO_URL, dbName, collection: "mine" });
      await expect(third.waitForInit()).rejects.toThrow(
        `mongo: ${dbName}.mine holds 1 record of persistence contract v1 (written by bt before contract v2: signal "btcusdt:a:b"); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 documents (entity "signal") out of ${dbName}.mine once`,
      );
      await third.dispose();
      expect(await documentsOf(dbName, "mine")).toHaveLength(2);
    });

    it("starts over v2 data only, an emptied v1 collection, and v1 entities that never held live state", async () => {
      const dbName = uniqueDbName("legacy");
      const first = createMongoPersist({ url: MONGO_URL, dbName });
      await first.waitForInit();
      await first.write("position", "run", { open: true });
      await first.write("scheduled", "run", { at: 1 });
      await first.dispose();
      await writeV1Document(dbName, "signal", "closed", { priceOpen: 1 });
      await observer.db(dbName).collection("bt_persist").deleteOne({ entity: "signal", key: "closed" });
      await writeV1Document(dbName, "risk", "r", { exposure: 1 });
      await writeV1Document(dbName, "partial", "p", { filled: 1 });
      await writeV1Document(dbName, "candle", "c", [1, 2]);
      const second = createMongoPersist({ url: MONGO_URL, dbName });
      await second.waitForInit();
      expect(await second.read("position", "run")).toEqual({ open: true });
      expect(await second.list("scheduled")).toEqual(["run"]);
      await second.dispose();
      expect(await documentsOf(dbName)).toHaveLength(3);
    });

    it("rejects an unknown legacyV1 value when created", () => {
      expect(() => createMongoPersist({ url: MONGO_URL, legacyV1: "skip" as "ignore" })).toThrow(
        /^mongo: legacyV1 must be "refuse" or "ignore", got "skip"$/,
      );
    });
  },
);
