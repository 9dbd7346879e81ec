// A key prefix written by bt before contract v2 (hashes <keyPrefix>:signal and <keyPrefix>:scheduled) is
// never read by the v2 layout: waitForInit refuses it loudly unless legacyV1 is "ignore".
import { BtError, persistKey } from "@bt/core";
import { createRedisPersist } from "@bt/persist-redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteKeysWithPrefix, REDIS_URL, uniqueRunPrefix } from "./redisTestKit";

const prefix = uniqueRunPrefix("legacy-v1");
let counter = 0;
const nextPrefix = () => `${prefix}:${counter++}`;
let observer: Redis;

beforeAll(async () => {
  observer = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await observer.connect().catch((error: Error) => {
    throw new Error(`Redis is not reachable at ${REDIS_URL} (CI starts it with .ci/run): ${error.message}`);
  });
});
afterAll(async () => {
  await deleteKeysWithPrefix(`${prefix}:`);
  observer?.disconnect();
});

/** Writes a record as the v1 adapter did: field = the raw key in the hash `<keyPrefix>:<entity>`, JSON text. */
async function writeV1Record(keyPrefix: string, entity: string, key: string, value: unknown) {
  await observer.hset(`${keyPrefix}:${entity}`, key, JSON.stringify(value));
}

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!BtError.isInstance(error)) throw new Error(`expected a BtError, got ${String(error)}`);
  return error;
}

describe("redis adapter over a v1 layout (legacyV1)", () => {
  it("refuses to start over v1 signal/scheduled hashes, naming the prefix, the count and the first records", async () => {
    const keyPrefix = nextPrefix();
    const open = persistKey("BTCUSDT", "sma-cross", "binance");
    await writeV1Record(keyPrefix, "signal", open, { priceOpen: 42_000 });
    await writeV1Record(keyPrefix, "signal", `${open}#cursor`, { at: 1 });
    await writeV1Record(keyPrefix, "scheduled", "ethusdt:b:c", { priceOpen: 3_000 });
    await writeV1Record(keyPrefix, "scheduled", "solusdt:b:c", { priceOpen: 100 });
    const before = {
      signal: await observer.hgetall(`${keyPrefix}:signal`),
      scheduled: await observer.hgetall(`${keyPrefix}:scheduled`),
    };
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    const error = await rejection(persist.waitForInit());
    expect(error.code).toBe("PERSIST");
    expect(error.adapter).toBe("redis");
    expect(error.field).toBe("legacyV1");
    const signalFields = [open, `${open}#cursor`].sort();
    expect(error.message).toBe(
      `redis: keyPrefix ${JSON.stringify(keyPrefix)} holds 4 records of persistence contract v1 (written by bt before contract v2: ${keyPrefix}:signal field ${JSON.stringify(signalFields[0])}, ${keyPrefix}:signal field ${JSON.stringify(signalFields[1])}, ${keyPrefix}:scheduled field "ethusdt:b:c", …); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or rename or delete the v1 hashes (${keyPrefix}:signal, ${keyPrefix}:scheduled) once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    );
    expect(error.value).toMatchObject({ count: 4 });
    await expect(persist.read("position", open)).rejects.toThrow(
      /^redis: keyPrefix .* holds 4 records of persistence contract v1/,
    );
    await expect(persist.write("position", open, 1)).rejects.toThrow(/contract v1/);
    await persist.dispose();
    expect((await observer.keys(`${keyPrefix}:*`)).sort()).toEqual([
      `${keyPrefix}:scheduled`,
      `${keyPrefix}:signal`,
    ]);
    expect(await observer.hgetall(`${keyPrefix}:signal`)).toEqual(before.signal);
    expect(await observer.hgetall(`${keyPrefix}:scheduled`)).toEqual(before.scheduled);
  });

  it("names a single record in the singular", async () => {
    const keyPrefix = nextPrefix();
    await writeV1Record(keyPrefix, "scheduled", "x:y:z", { priceOpen: 1 });
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await expect(persist.waitForInit()).rejects.toThrow(
      `redis: keyPrefix ${JSON.stringify(keyPrefix)} holds 1 record of persistence contract v1 (written by bt before contract v2: ${keyPrefix}:scheduled field "x:y:z"); `,
    );
    await persist.dispose();
  });

  it('with legacyV1 "ignore" starts, works on v2 data, and leaves the v1 hash as it was', async () => {
    const keyPrefix = nextPrefix();
    await writeV1Record(keyPrefix, "signal", "btcusdt:a:b", { priceOpen: 1 });
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix, legacyV1: "ignore" });
    await persist.waitForInit();
    expect(await persist.read("position", "btcusdt:a:b")).toBeNull();
    await persist.write("position", "btcusdt:a:b", { v2: true });
    expect(await persist.read("position", "btcusdt:a:b")).toEqual({ v2: true });
    expect(await persist.list("position")).toEqual(["btcusdt:a:b"]);
    await persist.dispose();
    expect(await observer.hgetall(`${keyPrefix}:signal`)).toEqual({ "btcusdt:a:b": '{"priceOpen":1}' });
  });

  it("starts over v2 data only, an emptied v1 hash, and v1 entities that never held live state", async () => {
    const keyPrefix = nextPrefix();
    const first = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await first.waitForInit();
    await first.write("position", "run", { open: true });
    await first.write("scheduled", "run", { at: 1 });
    await first.dispose();
    // A v1 hash whose last field was deleted no longer exists in Redis.
    await writeV1Record(keyPrefix, "signal", "closed", { priceOpen: 1 });
    await observer.hdel(`${keyPrefix}:signal`, "closed");
    await writeV1Record(keyPrefix, "risk", "r", { exposure: 1 });
    await writeV1Record(keyPrefix, "partial", "p", { filled: 1 });
    await writeV1Record(keyPrefix, "candle", "c", [1, 2]);
    await observer.hset(`${keyPrefix}:quarantine:signal`, "bad", "{");
    const second = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await second.waitForInit();
    expect(await second.read("position", "run")).toEqual({ open: true });
    expect(await second.list("scheduled")).toEqual(["run"]);
    await second.dispose();
    expect(await observer.hgetall(`${keyPrefix}:risk`)).toEqual({ r: '{"exposure":1}' });
  });

  it("rejects an unknown legacyV1 value when created", () => {
    expect(() =>
      createRedisPersist({ url: REDIS_URL, keyPrefix: nextPrefix(), legacyV1: "skip" as "ignore" }),
    ).toThrow(/^redis: legacyV1 must be "refuse" or "ignore", got "skip"$/);
  });
});
