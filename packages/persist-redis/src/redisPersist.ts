// The Redis adapter (ioredis): one hash per entity at `<keyPrefix>:<entity>`, field = record key,
// value = the record's JSON text. Batches run in MULTI/EXEC, so they are atomic. A field that does not
// parse is moved to `<keyPrefix>:quarantine:<entity>` and reported, never used.

import {
  assertPersistable,
  assertPersistTarget,
  BtError,
  type IPersistAdapter,
  type IPersistCorruption,
  type PersistBatchOperation,
  type PersistEntity,
  type PersistValue,
} from "@bt/core";
import { Redis } from "ioredis";

/** Options of createRedisPersist. */
export interface IRedisPersistOptions {
  /** Redis URL; default `BT_REDIS_URL` or `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string;
  /** An existing ioredis client; the adapter uses it and never closes it. */
  client?: Redis;
  /** Prefix of every Redis key the adapter touches, e.g. "bt:prod"; keys are `<keyPrefix>:<entity>`. */
  keyPrefix: string;
  /** Time allowed to establish the connection, in ms (default 5,000). */
  connectTimeoutMs?: number;
  /** Receives warnings (a quarantined record); default `console.warn`. */
  onWarning?: (message: string) => void;
}

const NAME = "redis";
const DEFAULT_URL = "redis://127.0.0.1:6379";

// Moves a field to the quarantine hash only if it still holds the bad text (a newer good write wins).
const QUARANTINE_SCRIPT = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * Creates the Redis persistence adapter; batches are atomic (MULTI/EXEC).
 * @example
 * const persist = createRedisPersist({ keyPrefix: "bt:paper" });
 * await persist.waitForInit();
 * await persist.write("signal", persistKey("BTCUSDT", "sma-cross", "binance"), signalRow);
 */
export function createRedisPersist(options: IRedisPersistOptions): IPersistAdapter {
  if (typeof options.keyPrefix !== "string" || options.keyPrefix.length === 0) {
    throw new BtError("PERSIST", `${NAME}: keyPrefix must be a non-empty string`, {
      adapter: NAME,
      field: "keyPrefix",
      value: options.keyPrefix,
    });
  }
  const keyPrefix = options.keyPrefix;
  const url = options.url ?? process.env.BT_REDIS_URL ?? DEFAULT_URL;
  const ownsClient = options.client === undefined;
  let connectedOnce = false;
  const client =
    options.client ??
    new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      maxRetriesPerRequest: 3,
      // The first connection fails fast with a clear error; once up, a dropped link is retried.
      retryStrategy: (attempt) => (connectedOnce ? Math.min(attempt * 200, 2_000) : null),
    });
  let lastConnectionError: Error | undefined;
  if (ownsClient) {
    // Without a listener ioredis prints "Unhandled error event"; the error surfaces on the next command.
    client.on("error", (error: Error) => {
      lastConnectionError = error;
    });
  }
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const found: IPersistCorruption[] = [];
  let initPromise: Promise<void> | undefined;
  let disposed = false;

  const hashKey = (entity: PersistEntity) => `${keyPrefix}:${entity}`;
  const quarantineKey = (entity: PersistEntity) => `${keyPrefix}:quarantine:${entity}`;

  function fail(message: string, details: { cause?: unknown; field?: string; value?: unknown } = {}): never {
    // A reply error (WRONGTYPE, OOM, …) will fail again; connection and timeout errors may not.
    const retryable = details.cause !== undefined && (details.cause as Error).name !== "ReplyError";
    throw new BtError("PERSIST", `${NAME}: ${message}`, { adapter: NAME, retryable, ...details });
  }

  function checkTarget(entity: PersistEntity, key?: string): void {
    if (disposed) fail("adapter is disposed");
    assertPersistTarget(NAME, entity, key);
  }

  async function command<T>(what: string, run: () => Promise<T>): Promise<T> {
    await adapter.waitForInit();
    try {
      return await run();
    } catch (error) {
      return fail(`${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async function connect(): Promise<void> {
    try {
      if (client.status === "wait" || client.status === "end") await client.connect();
      await client.ping();
      connectedOnce = true;
    } catch (error) {
      const cause = lastConnectionError ?? error;
      if (ownsClient) client.disconnect();
      fail(`cannot connect to ${redactUrl(url)}: ${(cause as Error).message}`, { cause });
    }
  }

  async function quarantine(entity: PersistEntity, key: string, text: string, reason: string) {
    const moved = await command(`quarantine ${entity} ${JSON.stringify(key)}`, () =>
      client.eval(QUARANTINE_SCRIPT, 2, hashKey(entity), quarantineKey(entity), key, text),
    );
    if (moved !== 1) return;
    found.push({
      entity,
      key,
      reason,
      quarantinedAs: `${quarantineKey(entity)} field ${JSON.stringify(key)}`,
    });
    warn(
      `${NAME}: corrupted record ${hashKey(entity)} field ${JSON.stringify(key)} (${reason}) moved to ${quarantineKey(entity)}; it will not be used`,
    );
  }

  function encode(value: PersistValue, path?: string): string {
    assertPersistable(value, NAME, path);
    return JSON.stringify(value);
  }

  const adapter: IPersistAdapter = {
    name: NAME,
    specVersion: 1,
    capabilities: { atomicBatch: true },

    waitForInit() {
      if (disposed) {
        return Promise.reject(new BtError("PERSIST", `${NAME}: adapter is disposed`, { adapter: NAME }));
      }
      if (!initPromise) {
        initPromise = connect();
        initPromise.catch(() => {
          initPromise = undefined;
        });
      }
      return initPromise;
    },

    async read(entity, key) {
      checkTarget(entity, key);
      const text = await command(`read ${entity} ${JSON.stringify(key)}`, () =>
        client.hget(hashKey(entity), key),
      );
      if (text === null) return null;
      try {
        return JSON.parse(text) as PersistValue;
      } catch (error) {
        await quarantine(entity, key, text, `invalid JSON (${(error as Error).message})`);
        return null;
      }
    },

    async write(entity, key, value) {
      checkTarget(entity, key);
      const text = encode(value);
      await command(`write ${entity} ${JSON.stringify(key)}`, () => client.hset(hashKey(entity), key, text));
    },

    async delete(entity, key) {
      checkTarget(entity, key);
      await command(`delete ${entity} ${JSON.stringify(key)}`, () => client.hdel(hashKey(entity), key));
    },

    async list(entity) {
      checkTarget(entity);
      const keys = await command(`list ${entity}`, () => client.hkeys(hashKey(entity)));
      return keys.sort();
    },

    async batch(operations: ReadonlyArray<PersistBatchOperation>) {
      const texts = operations.map((operation, index) => {
        checkTarget(operation.entity, operation.key);
        return operation.op === "write" ? encode(operation.value, `operations[${index}].value`) : undefined;
      });
      if (operations.length === 0) return;
      await command(`batch of ${operations.length} operations`, async () => {
        const transaction = client.multi();
        for (const [index, operation] of operations.entries()) {
          const text = texts[index];
          if (text === undefined) transaction.hdel(hashKey(operation.entity), operation.key);
          else transaction.hset(hashKey(operation.entity), operation.key, text);
        }
        const results = await transaction.exec();
        if (results === null) throw new Error("transaction aborted");
        const failed = results.find(([error]) => error !== null);
        if (failed?.[0]) throw failed[0];
      });
    },

    corruptions() {
      return [...found];
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      if (!ownsClient) return;
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
  return adapter;
}

/** The URL without its password, for error messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}
