// Issue 4 crash test: the live child process is SIGKILLed 52 times at random moments and restarted,
// with @bt/persist-fs (temp dir) and with @bt/persist-redis (the real Redis at BT_REDIS_URL or
// 127.0.0.1:6379, under a key prefix unique to this run: only those keys are deleted afterwards). Both
// adapters run concurrently; the checks are in src/liveCrashSuite.ts.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFsPersist } from "@bt/persist-fs";
import { createRedisPersist } from "@bt/persist-redis";
import { Redis } from "ioredis";
import { afterAll, describe } from "vitest";
import { defineLiveCrashTest } from "../src/liveCrashSuite";

const root = mkdtempSync(join(tmpdir(), "bt-live-crash-"));
const prefix = `bt-test:live-crash:${process.pid}:${Date.now()}`;
const url = process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379";

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
});

describe.concurrent("live crash test", () => {
  defineLiveCrashTest({
    name: "fs",
    scenario: (label) => ({
      adapterArgs: { adapter: "fs", data: join(root, "fs", label) },
      clockFile: join(root, `fs-${label}.clock.json`),
    }),
    openPersist: (label) => createFsPersist({ dir: join(root, "fs", label), onWarning: () => undefined }),
  });
  defineLiveCrashTest({
    name: "redis",
    scenario: (label) => ({
      adapterArgs: { adapter: "redis", prefix: `${prefix}:${label}` },
      clockFile: join(root, `redis-${label}.clock.json`),
    }),
    openPersist: (label) =>
      createRedisPersist({ url, keyPrefix: `${prefix}:${label}`, onWarning: () => undefined }),
  });
});
