import { createRedisPersist } from "@bt/persist-redis";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { deleteKeysWithPrefix, REDIS_URL, uniqueRunPrefix } from "./redisTestKit";

const prefix = uniqueRunPrefix("lease");
afterAll(() => deleteKeysWithPrefix(`${prefix}:`));

describe("redis adapter leases", () => {
  it("a lease is a hash <keyPrefix>:v2:lease-state:<key> on the Redis clock; records stay apart", async () => {
    const keyPrefix = `${prefix}:layout`;
    const persist = createRedisPersist({ url: REDIS_URL, keyPrefix });
    const redis = new Redis(REDIS_URL);
    try {
      const [seconds, micros] = await redis.time();
      const serverNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const result = await persist.acquireLease("run-1/BTCUSDT", "host:1:a", 30_000);
      if (!result.acquired) throw new Error("expected the lease");
      // expiresAt comes from Redis TIME, not from this process (a generous bound, no timing assertion).
      expect(Math.abs(result.grant.expiresAt - (serverNowMs + 30_000))).toBeLessThan(5_000);
      expect(await redis.hgetall(`${keyPrefix}:v2:lease-state:run-1/BTCUSDT`)).toEqual({
        holder: "host:1:a",
        token: "1",
        expiresAt: String(result.grant.expiresAt),
      });
      await persist.write("position", "run-1/p", { v: 1 }, result.grant);
      expect((await redis.keys(`${keyPrefix}:*`)).sort()).toEqual(
        [
          `${keyPrefix}:v2:lease-state:run-1/BTCUSDT`,
          `${keyPrefix}:v2:position`,
          `${keyPrefix}:v2:position:keys`,
        ].sort(),
      );
      // A wiped lease (the hash deleted behind the adapter's back) refuses renewals and fenced writes.
      await redis.del(`${keyPrefix}:v2:lease-state:run-1/BTCUSDT`);
      await expect(persist.renewLease(result.grant, 1_000)).rejects.toThrow(
        /^redis: lease "run-1\/BTCUSDT" cannot be renewed: it is gone/,
      );
      await expect(persist.write("position", "run-1/p", { v: 2 }, result.grant)).rejects.toThrow(
        /^redis: fenced write refused on lease "run-1\/BTCUSDT": no lease is held/,
      );
      expect(await persist.read("position", "run-1/p")).toEqual({ v: 1 });
    } finally {
      redis.disconnect();
      await persist.dispose();
    }
  });
});
