import type { IPersistAdapterV2 } from "@bt/core";
import { createRedisPersist } from "@bt/persist-redis";
import { describePersistContractV2 } from "@bt/persist-testkit";
import { afterAll } from "vitest";
import { deleteKeysWithPrefix, REDIS_URL, setHashField, uniqueRunPrefix } from "./redisTestKit";

const prefix = uniqueRunPrefix("contract");
let counter = 0;
const prefixes = new WeakMap<IPersistAdapterV2, string>();
afterAll(() => deleteKeysWithPrefix(`${prefix}:`));
describePersistContractV2({
  name: "redis",
  create: () => {
    const keyPrefix = `${prefix}:${counter++}`;
    const adapter = createRedisPersist({ url: REDIS_URL, keyPrefix, onWarning: () => undefined });
    prefixes.set(adapter, keyPrefix);
    return adapter;
  },
  capabilities: { atomicBatch: true },
  corrupt: (adapter, entity, key) => setHashField(`${prefixes.get(adapter)}:v2:${entity}`, key, "{not json"),
  reopen: (adapter) =>
    createRedisPersist({
      url: REDIS_URL,
      keyPrefix: prefixes.get(adapter) ?? "",
      onWarning: () => undefined,
    }),
});
