// Shared helpers of the Redis tests: a prefix unique to this test run, and cleanup of exactly the keys
// under it (SCAN + DEL), never a flush of the shared server.

import { Redis } from "ioredis";

/** The server the tests use (the real Redis on 127.0.0.1:6379 unless BT_REDIS_URL says otherwise). */
export const REDIS_URL = process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix no other test run shares. */
export function uniqueRunPrefix(label: string): string {
  return `bt-test:${label}:${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Sets one hash field directly (to damage a record behind the adapter's back). */
export async function setHashField(hash: string, field: string, text: string): Promise<void> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined); // surfaced by connect() below
  try {
    await redis.connect();
    await redis.hset(hash, field, text);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key that starts with `prefix`; returns how many were deleted. */
export async function deleteKeysWithPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined); // surfaced by connect() below
  try {
    await redis.connect();
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    redis.disconnect();
  }
}
