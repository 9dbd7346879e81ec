import { createRedisPersist } from "@bt/persist-redis";
import { describePersistContract } from "@bt/persist-testkit";
import { afterAll } from "vitest";
import { deleteKeysWithPrefix, REDIS_URL, uniqueRunPrefix } from "./redisTestKit";

const prefix = uniqueRunPrefix("contract");
let counter = 0;
afterAll(() => deleteKeysWithPrefix(`${prefix}:`));
describePersistContract({
  name: "redis",
  create: () => createRedisPersist({ url: REDIS_URL, keyPrefix: `${prefix}:${counter++}` }),
  capabilities: { atomicBatch: true },
});
