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
  it("keeps per entity a hash <keyPrefix>:v2:<entity> of JSON text and a sorted set of its keys", async () => {
    const keyPrefix = nextPrefix();
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await persist.waitForInit();
    await persist.write("position", "run-1/BTCUSDT:s:x", { priceOpen: 1.5 });
    await persist.write("cursor", "portfolio", [1, 2]);
    expect(await observer.hget(`${keyPrefix}:v2:position`, "run-1/BTCUSDT:s:x")).toBe('{"priceOpen":1.5}');
    expect(await observer.zrange(`${keyPrefix}:v2:position:keys`, 0, -1, "WITHSCORES")).toEqual([
      "run-1/BTCUSDT:s:x",
      "0",
    ]);
    expect(await observer.hgetall(`${keyPrefix}:v2:cursor`)).toEqual({ portfolio: "[1,2]" });
    await persist.delete("cursor", "portfolio");
    expect(await observer.exists(`${keyPrefix}:v2:cursor`, `${keyPrefix}:v2:cursor:keys`)).toBe(0);
    await persist.dispose();
  });

  it("stores %, NUL and lone surrogates escaped, so keys that UTF-8 would merge stay distinct", async () => {
    const keyPrefix = nextPrefix();
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await persist.waitForInit();
    const keys = ["a\uD800", "a\uD801", "a\uFFFD", "100%", "nul\u0000"];
    for (const key of keys) await persist.write("order", key, key);
    expect((await observer.hkeys(`${keyPrefix}:v2:order`)).sort()).toEqual(
      ["a%uD800", "a%uD801", "a\uFFFD", "100%25", "nul%00"].sort(),
    );
    for (const key of keys) expect(await persist.read("order", key)).toBe(key);
    expect(await persist.list("order", "a")).toEqual(["a\uD800", "a\uD801", "a\uFFFD"]);
    await persist.dispose();
  });

  it("a prefix list reads only its entity's key index (ZRANGEBYLEX), never the other entities", async () => {
    const keyPrefix = nextPrefix();
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await persist.waitForInit();
    await persist.write("closed", "run-1/a", 1);
    await persist.write("order", "run-1/b", 2);
    const monitor = await observer.duplicate().monitor();
    const commands: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => commands.push(args));
    expect(await persist.list("closed", "run-1/")).toEqual(["run-1/a"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    monitor.disconnect();
    const listing = commands.filter((args) => args.some((arg) => arg.includes(keyPrefix)));
    expect(listing.map((args) => [args[0]?.toLowerCase(), args[1]])).toEqual([
      ["zrangebylex", `${keyPrefix}:v2:closed:keys`],
    ]);
    await persist.dispose();
  });

  it("quarantines a field that does not parse, reports it and reads null", async () => {
    const keyPrefix = nextPrefix();
    const warnings: string[] = [];
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix, onWarning: (m) => warnings.push(m) });
    await persist.waitForInit();
    await persist.write("position", "good", { ok: true });
    await persist.write("position", "bad", { ok: true });
    await observer.hset(`${keyPrefix}:v2:position`, "bad", '{"truncated":');
    expect(await persist.read("position", "bad")).toBeNull();
    expect(persist.corruptions()).toEqual([
      expect.objectContaining({
        entity: "position",
        key: "bad",
        quarantinedAs: `${keyPrefix}:v2:quarantine:position field "bad"`,
      }),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^redis: corrupted record /);
    expect(await observer.hget(`${keyPrefix}:v2:quarantine:position`, "bad")).toBe('{"truncated":');
    expect(await observer.zrange(`${keyPrefix}:v2:position:keys`, 0, -1)).toEqual(["good"]);
    expect(await persist.list("position")).toEqual(["good"]);
    expect(await persist.read("position", "good")).toEqual({ ok: true });
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
    const writeError = await persist.write("position", "k", 1).catch((caught: unknown) => caught);
    expect((writeError as BtError).message).toMatch(/^redis: cannot connect/);
    await persist.dispose();
  });

  it("a failed write throws BtError PERSIST with the Redis reply error as cause", async () => {
    const keyPrefix = nextPrefix();
    await observer.set(`${keyPrefix}:v2:lease`, "a plain string, not a hash");
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    await persist.waitForInit();
    const error = await persist.write("lease", "k", 1).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toMatch(/^redis: write lease "k" failed: WRONGTYPE/);
    expect(((error as BtError).cause as Error).message).toMatch(/WRONGTYPE/);
    expect((error as BtError).retryable).toBe(false);
    await persist.dispose();
  });

  it("uses a caller's client without closing it on dispose", async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    const persist = createRedisPersist({ client, keyPrefix: nextPrefix() });
    await persist.waitForInit();
    await persist.write("closed", "k", 1);
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
