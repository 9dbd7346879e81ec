// The stores of the live fault-injection test: one factory per persistence adapter (fs in a temp dir,
// Redis under a key prefix unique to the test file, PostgreSQL in a schema unique to it) that opens
// fresh adapter instances on one store (a "restart"), garbles a stored record in the adapter's own
// storage (the fs file, the Redis hash field, the PostgreSQL row), empties the store while a run is
// running, and removes only what the test created.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IPersistAdapterV2, PersistEntityV2 } from "@bt/core";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { createPostgresPersist } from "@bt/persist-postgres";
import { createRedisPersist } from "@bt/persist-redis";
import { Redis } from "ioredis";
import pg from "pg";

/** One store (a folder, a key prefix or a schema) of one adapter. */
export interface IFaultStore {
  /** A fresh adapter instance on the store: a new process would open this. */
  open(): IPersistAdapterV2;
  /** Replaces the stored text of (entity, key) by a torn copy of it (the first 17 characters). */
  garble(entity: PersistEntityV2, key: string): Promise<void>;
  /** Deletes everything of the store (a Redis restarted without its data, a wiped folder or schema). */
  wipe(): Promise<void>;
}

/** An adapter under test: where its stores live and how to remove them afterwards. */
export interface IFaultAdapter {
  name: "fs" | "redis" | "postgres";
  /** A store of its own for the test case labelled `label` (unique within the file). */
  store(label: string): IFaultStore;
  /** Child-process arguments naming the store of `label` (see liveChild.ts). */
  childArgs(label: string): string[];
  /** Removes every store this adapter created. */
  cleanup(): Promise<void>;
}

const quiet = () => undefined;

/** fs stores: one folder per label under `root`. */
export function fsFaultAdapter(root: string): IFaultAdapter {
  const dirOf = (label: string) => join(root, "fs", label);
  return {
    name: "fs",
    store(label) {
      const dir = dirOf(label);
      return {
        open: () => createFsPersist({ dir, onWarning: quiet }),
        async garble(entity, key) {
          const file = join(dir, "v2", entity, keyToFileName(key));
          writeFileSync(file, readFileSync(file, "utf8").slice(0, 17));
        },
        async wipe() {
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
        },
      };
    },
    childArgs: (label) => ["--adapter", "fs", "--data", dirOf(label)],
    async cleanup() {
      rmSync(join(root, "fs"), { recursive: true, force: true });
    },
  };
}

async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

/** Redis stores: one key prefix per label under `prefix`; only those keys are ever deleted. */
export function redisFaultAdapter(url: string, prefix: string): IFaultAdapter {
  const prefixOf = (label: string) => `${prefix}:${label}`;
  const withClient = async <T>(use: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await client.connect();
    try {
      return await use(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    name: "redis",
    store(label) {
      const keyPrefix = prefixOf(label);
      return {
        open: () => createRedisPersist({ url, keyPrefix, onWarning: quiet }),
        garble: (entity, key) =>
          withClient(async (client) => {
            // Our keys hold no %, NUL or lone surrogate: the stored field is the key itself.
            const text = await client.hget(`${keyPrefix}:v2:${entity}`, key);
            if (text === null) throw new Error(`redis: no record ${entity}/${key} to garble`);
            await client.hset(`${keyPrefix}:v2:${entity}`, key, text.slice(0, 17));
          }),
        wipe: () => withClient((client) => deletePrefix(client, keyPrefix)),
      };
    },
    childArgs: (label) => ["--adapter", "redis", "--prefix", prefixOf(label)],
    cleanup: () => withClient((client) => deletePrefix(client, prefix)),
  };
}

/** PostgreSQL stores: one schema per label (`<schemaPrefix>_<label>`); only those are dropped. */
export function postgresFaultAdapter(connectionString: string, schemaPrefix: string): IFaultAdapter {
  const schemaOf = (label: string) => `${schemaPrefix}_${label.replaceAll(/[^a-z0-9_]/g, "_")}`;
  const created = new Set<string>();
  const withClient = async <T>(use: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: "postgres",
    store(label) {
      const schema = schemaOf(label);
      created.add(schema);
      return {
        open: () => createPostgresPersist({ connectionString, schema }),
        // The json column only holds valid JSON: a torn write shows up as a value of the wrong shape.
        garble: (entity, key) =>
          withClient(async (client) => {
            const updated = await client.query(
              `UPDATE "${schema}"."bt_persist_v2" SET value = to_json(left(value::text, 17)) WHERE entity = $1 AND key = $2`,
              [entity, key],
            );
            if (updated.rowCount !== 1) throw new Error(`postgres: no record ${entity}/${key} to garble`);
          }),
        wipe: () =>
          withClient(async (client) => {
            await client.query(`DELETE FROM "${schema}"."bt_persist_v2"`);
            await client.query(`DELETE FROM "${schema}"."bt_persist_v2_leases"`);
          }),
      };
    },
    childArgs: (label) => {
      created.add(schemaOf(label));
      return ["--adapter", "postgres", "--schema", schemaOf(label)];
    },
    cleanup: () =>
      withClient(async (client) => {
        for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }),
  };
}
