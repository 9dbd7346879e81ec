// Issue 4 crash test: the live child process is SIGKILLed at random moments and restarted (a few times by
// default, BT_CRASH_KILLS times in the long mode, see README.md), with @bt/persist-fs (temp dir), with
// @bt/persist-redis (the real Redis at BT_REDIS_URL or 127.0.0.1:6379, under a key prefix unique to this
// run: only those keys are deleted afterwards) and with @bt/persist-postgres (BT_PG_URL or the local
// `test` database, in a schema unique to this run: only that schema is dropped afterwards). The adapters
// run concurrently; the checks are in src/liveCrashSuite.ts. BT_CRASH_ADAPTERS=postgres (a comma list)
// runs only some of them. Each adapter runs two scenarios: "plain" (opens, closes, cancels) and "manage"
// (the same signals with a take-profit ladder, a DCA ladder and a trailing stop: kills also land inside
// size changes); BT_CRASH_VARIANTS=manage (a comma list) runs only some of them.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFsPersist } from "@bt/persist-fs";
import { createPostgresPersist } from "@bt/persist-postgres";
import { createRedisPersist } from "@bt/persist-redis";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe } from "vitest";
import { crashPostgresUrl } from "../src/crashSettings";
import { defineLiveCrashTest } from "../src/liveCrashSuite";
import type { ScenarioVariant } from "../src/liveScenario";

const root = mkdtempSync(join(tmpdir(), "bt-live-crash-"));
const prefix = `bt-test:live-crash:${process.pid}:${Date.now()}`;
const url = process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379";
const pgUrl = crashPostgresUrl();
// One schema per run and label (reference, killed): lower case, so it needs no quoting in psql.
const pgSchemaPrefix = `bt_test_live_crash_${process.pid}_${Date.now().toString(36)}`;
const pgSchema = (label: string) => `${pgSchemaPrefix}_${label}`;
const only = process.env.BT_CRASH_ADAPTERS?.split(",").map((name) => name.trim());
const selected = (name: string) => only === undefined || only.includes(name);
const onlyVariants = process.env.BT_CRASH_VARIANTS?.split(",").map((name) => name.trim());
const VARIANTS = (["plain", "manage"] as const).filter(
  (variant) => onlyVariants === undefined || onlyVariants.includes(variant),
);
/** The store label of a run: "reference" / "killed" for the plain scenario, "manage_…" for the other. */
const labelOf = (variant: ScenarioVariant, label: string) =>
  variant === "plain" ? label : `${variant}_${label}`;

async function dropPostgresSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    for (const variant of VARIANTS)
      for (const label of ["reference", "killed"]) {
        await client.query(`DROP SCHEMA IF EXISTS "${pgSchema(labelOf(variant, label))}" CASCADE`);
      }
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (selected("postgres")) await dropPostgresSchemas();
  if (!selected("redis")) return;
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
  for (const variant of VARIANTS) {
    const at = (label: string) => labelOf(variant, label);
    if (selected("fs")) {
      defineLiveCrashTest({
        name: "fs",
        variant,
        scenario: (label) => ({
          adapterArgs: { adapter: "fs", data: join(root, "fs", at(label)) },
          clockFile: join(root, `fs-${at(label)}.clock.json`),
        }),
        openPersist: (label) =>
          createFsPersist({ dir: join(root, "fs", at(label)), onWarning: () => undefined }),
      });
    }
    if (selected("redis")) {
      defineLiveCrashTest({
        name: "redis",
        variant,
        scenario: (label) => ({
          adapterArgs: { adapter: "redis", prefix: `${prefix}:${at(label)}` },
          clockFile: join(root, `redis-${at(label)}.clock.json`),
        }),
        openPersist: (label) =>
          createRedisPersist({ url, keyPrefix: `${prefix}:${at(label)}`, onWarning: () => undefined }),
      });
    }
    if (selected("postgres")) {
      defineLiveCrashTest({
        name: "postgres",
        variant,
        scenario: (label) => ({
          adapterArgs: { adapter: "postgres", schema: pgSchema(at(label)) },
          clockFile: join(root, `postgres-${at(label)}.clock.json`),
        }),
        openPersist: (label) =>
          createPostgresPersist({ connectionString: pgUrl, schema: pgSchema(at(label)) }),
      });
    }
  }
});
