import { createServer } from "node:net";
import { BtError } from "@bt/core";
import { createRedisPersist } from "@bt/persist-redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteKeysWithPrefix, REDIS_URL, uniqueRunPrefix } from "./redisTestKit";

const prefix = uniqueRunPrefix("adapter");
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

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 1;
}

describe("redis adapter against the real server", () => {
  it("keeps one hash per entity at <keyPrefix>:<entity> holding the JSON text", async () => {
    const keyPrefix = nextPrefix();
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await persist.waitForInit();
    await persist.write("signal", "BTCUSDT:s:x", { priceOpen: 1.5 });
    await persist.write("risk", "portfolio", [1, 2]);
    expect(await observer.hget(`${keyPrefix}:signal`, "BTCUSDT:s:x")).toBe('{"priceOpen":1.5}');
    expect(await observer.hgetall(`${keyPrefix}:risk`)).toEqual({ portfolio: "[1,2]" });
    await persist.delete("risk", "portfolio");
    expect(await observer.exists(`${keyPrefix}:risk`)).toBe(0);
    await persist.dispose();
  });

  it("quarantines a field that does not parse, reports it and reads null", async () => {
    const keyPrefix = nextPrefix();
    const warnings: string[] = [];
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix, onWarning: (m) => warnings.push(m) });
    await persist.waitForInit();
    await persist.write("signal", "good", { ok: true });
    await observer.hset(`${keyPrefix}:signal`, "bad", '{"truncated":');
    expect(await persist.read("signal", "bad")).toBeNull();
    expect(persist.corruptions()).toEqual([
      expect.objectContaining({
        entity: "signal",
        key: "bad",
        quarantinedAs: `${keyPrefix}:quarantine:signal field "bad"`,
      }),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^redis: corrupted record /);
    expect(await observer.hget(`${keyPrefix}:quarantine:signal`, "bad")).toBe('{"truncated":');
    expect(await persist.list("signal")).toEqual(["good"]);
    expect(await persist.read("signal", "good")).toEqual({ ok: true });
    await persist.dispose();
  });

  it("an unreachable server fails waitForInit with a clear BtError and the driver error as cause", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const persist = createRedisPersist({ url, keyPrefix: nextPrefix(), connectTimeoutMs: 1_000 });
    const error = await persist.waitForInit().catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).code).toBe("PERSIST");
    expect((error as BtError).message).toMatch(
      new RegExp(`^redis: cannot connect to ${url}/?: .*ECONNREFUSED`),
    );
    expect((error as BtError).cause).toBeInstanceOf(Error);
    expect((error as BtError).retryable).toBe(true);
    const writeError = await persist.write("signal", "k", 1).catch((caught: unknown) => caught);
    expect((writeError as BtError).message).toMatch(/^redis: cannot connect/);
    await persist.dispose();
  });

  it("a failed write throws BtError PERSIST with the Redis reply error as cause", async () => {
    const keyPrefix = nextPrefix();
    await observer.set(`${keyPrefix}:partial`, "a plain string, not a hash");
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await persist.waitForInit();
    const error = await persist.write("partial", "k", 1).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toMatch(/^redis: write partial "k" failed: WRONGTYPE/);
    expect(((error as BtError).cause as Error).message).toMatch(/WRONGTYPE/);
    expect((error as BtError).retryable).toBe(false);
    await persist.dispose();
  });

  it("uses a caller's client without closing it on dispose", async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    const persist = createRedisPersist({ client, keyPrefix: nextPrefix() });
    await persist.waitForInit();
    await persist.write("candle", "k", 1);
    await persist.dispose();
    expect(client.status).toBe("ready");
    expect(await client.ping()).toBe("PONG");
    client.disconnect();
  });

  it("rejects an empty keyPrefix", () => {
    expect(() => createRedisPersist({ keyPrefix: "" })).toThrow(
      /^redis: keyPrefix must be a non-empty string/,
    );
  });
});
