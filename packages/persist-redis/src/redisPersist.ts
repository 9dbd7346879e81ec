// The Redis adapter (ioredis, contract v2): per entity a hash `<keyPrefix>:v2:<entity>` (field = stored
// key, value = the record's JSON text) and a sorted set `<keyPrefix>:v2:<entity>:keys` of the same stored
// keys, all at score 0, so `list(entity, prefix)` is one ZRANGEBYLEX over that entity's keys only. Every
// write, delete and batch updates both in one MULTI/EXEC, so they are atomic. A field that does not parse
// is moved to `<keyPrefix>:v2:quarantine:<entity>` and reported, never used. Leases are hashes
// `<keyPrefix>:v2:lease-state:<stored key>` changed only by Lua scripts (leaseScripts.ts), on the Redis
// clock; a fenced write/delete/batch is one script that checks the lease and applies the operations.

import {
  assertLeaseGrant,
  assertLeaseRequest,
  assertLeaseTtl,
  assertLegacyV1Policy,
  assertPersistable,
  assertPersistTargetV2,
  BtError,
  fromStoredKey,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
  type LegacyV1Policy,
  leaseFenceRefusal,
  leaseLostReason,
  type PersistBatchOperationV2,
  type PersistEntityV2,
  type PersistValue,
  storedPrefix,
  toStoredKey,
} from "@bt/core";
import { type ChainableCommander, Redis } from "ioredis";
import { ACQUIRE_SCRIPT, FENCED_APPLY_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from "./leaseScripts";
import { refuseLegacyV1Hashes } from "./legacyV1Hashes";

/** Options of createRedisPersist. */
export interface IRedisPersistOptions {
  /** Redis URL; default `BT_REDIS_URL` or `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string;
  /** An existing ioredis client; the adapter uses it and never closes it. */
  client?: Redis;
  /** Prefix of every Redis key the adapter touches, e.g. "bt:prod"; keys are `<keyPrefix>:v2:<entity>…`. */
  keyPrefix: string;
  /** Time allowed to establish the connection, in ms (default 5,000). */
  connectTimeoutMs?: number;
  /** Receives warnings (a quarantined record); default `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Records of the v1 layout (bt before contract v2) of the live entities under `keyPrefix` (hashes
   * `<keyPrefix>:signal`, `<keyPrefix>:scheduled`): "refuse" (default) makes `waitForInit` throw, since v2
   * never reads them and an open position there would be lost; "ignore" starts anyway. They are never
   * touched.
   */
  legacyV1?: LegacyV1Policy;
}

const NAME = "redis";
const DEFAULT_URL = "redis://127.0.0.1:6379";

// Moves a field to the quarantine hash (and out of the key index) only if it still holds the bad text:
// a newer good write wins.
const QUARANTINE_SCRIPT = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
return 0`;

/** One byte above every byte of UTF-8 text: `(<prefix>\xFF` bounds a ZRANGEBYLEX prefix range. */
const ABOVE_UTF8 = Buffer.from([0xff]);

/**
 * Creates the Redis persistence adapter (contract v2); writes and batches are atomic (MULTI/EXEC).
 * @example
 * const persist = createRedisPersist({ keyPrefix: "bt:paper" });
 * await persist.waitForInit();
 * await persist.write("position", `run-1/${persistKey("BTCUSDT", "sma-cross", "binance")}`, row);
 * await persist.list("position", "run-1/");
 */
export function createRedisPersist(options: IRedisPersistOptions): IPersistAdapterV2 {
  if (typeof options.keyPrefix !== "string" || options.keyPrefix.length === 0) {
    throw new BtError("PERSIST", `${NAME}: keyPrefix must be a non-empty string`, {
      adapter: NAME,
      field: "keyPrefix",
      value: options.keyPrefix,
    });
  }
  assertLegacyV1Policy(NAME, options.legacyV1);
  const keyPrefix = options.keyPrefix;
  const legacyV1 = options.legacyV1 ?? "refuse";
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
  const found: IPersistCorruptionV2[] = [];
  let initPromise: Promise<void> | undefined;
  let disposed = false;

  const hashKey = (entity: PersistEntityV2) => `${keyPrefix}:v2:${entity}`;
  const indexKey = (entity: PersistEntityV2) => `${keyPrefix}:v2:${entity}:keys`;
  const quarantineKey = (entity: PersistEntityV2) => `${keyPrefix}:v2:quarantine:${entity}`;
  const leaseKey = (key: string) => `${keyPrefix}:v2:lease-state:${toStoredKey(key)}`;

  function fail(message: string, details: { cause?: unknown; field?: string; value?: unknown } = {}): never {
    // A reply error (WRONGTYPE, OOM, …) will fail again; connection and timeout errors may not.
    const retryable = details.cause !== undefined && (details.cause as Error).name !== "ReplyError";
    throw new BtError("PERSIST", `${NAME}: ${message}`, { adapter: NAME, retryable, ...details });
  }

  function checkTarget(entity: PersistEntityV2, key?: string, prefix?: string): void {
    if (disposed) fail("adapter is disposed");
    assertPersistTargetV2(NAME, entity, key, prefix);
  }

  /** Runs a MULTI/EXEC; a failed command inside it fails the call. */
  async function exec(transaction: ChainableCommander): Promise<void> {
    const results = await transaction.exec();
    if (results === null) throw new Error("transaction aborted");
    const failed = results.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
  }

  function queueWrite(transaction: ChainableCommander, entity: PersistEntityV2, key: string, text: string) {
    const stored = toStoredKey(key);
    transaction.hset(hashKey(entity), stored, text);
    transaction.zadd(indexKey(entity), 0, stored);
  }

  function queueDelete(transaction: ChainableCommander, entity: PersistEntityV2, key: string) {
    const stored = toStoredKey(key);
    transaction.hdel(hashKey(entity), stored);
    transaction.zrem(indexKey(entity), stored);
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

  async function initialise(): Promise<void> {
    await connect();
    if (legacyV1 === "ignore") return;
    try {
      await refuseLegacyV1Hashes(NAME, client, keyPrefix);
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      fail(`cannot look for v1 records under ${JSON.stringify(keyPrefix)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async function quarantine(entity: PersistEntityV2, key: string, text: string, reason: string) {
    const stored = toStoredKey(key);
    const moved = await command(`quarantine ${entity} ${JSON.stringify(key)}`, () =>
      client.eval(
        QUARANTINE_SCRIPT,
        3,
        hashKey(entity),
        indexKey(entity),
        quarantineKey(entity),
        stored,
        text,
      ),
    );
    if (moved !== 1) return;
    found.push({
      entity,
      key,
      reason,
      quarantinedAs: `${quarantineKey(entity)} field ${JSON.stringify(stored)}`,
    });
    warn(
      `${NAME}: corrupted record ${hashKey(entity)} field ${JSON.stringify(stored)} (${reason}) moved to ${quarantineKey(entity)}; it will not be used`,
    );
  }

  function refuse(message: string, field: string, grant: ILeaseGrant): never {
    throw new BtError("LEASE", `${NAME}: ${message}`, { adapter: NAME, field, value: grant });
  }

  /** Applies operations (text undefined = delete) in one script, only while `fence` holds its lease. */
  async function applyFenced(
    what: string,
    operations: ReadonlyArray<{ entity: PersistEntityV2; key: string; text: string | undefined }>,
    fence: ILeaseGrant,
  ): Promise<void> {
    const keys = [leaseKey(fence.key)];
    const args = [fence.holder, String(fence.token)];
    for (const { entity, key, text } of operations) {
      keys.push(hashKey(entity), indexKey(entity));
      args.push(text === undefined ? "d" : "w", toStoredKey(key), text ?? "");
    }
    const reply = (await command(what, () =>
      client.eval(FENCED_APPLY_SCRIPT, keys.length, ...keys, ...args),
    )) as [number, string?, string?, string?];
    if (reply[0] === 1) return;
    const [, holder = "", token = "", expiresAt = ""] = reply;
    const lease = token === "" ? null : { holder, token: Number(token), expiresAt: Number(expiresAt) };
    const reason = leaseFenceRefusal(lease, fence, Number.POSITIVE_INFINITY);
    refuse(`fenced write refused on lease ${JSON.stringify(fence.key)}: ${reason}`, "fence", fence);
  }

  function encode(value: PersistValue, path?: string): string {
    assertPersistable(value, NAME, path);
    return JSON.stringify(value);
  }

  const adapter: IPersistAdapterV2 = {
    name: NAME,
    specVersion: 2,
    capabilities: { atomicBatch: true },

    waitForInit() {
      if (disposed) {
        return Promise.reject(new BtError("PERSIST", `${NAME}: adapter is disposed`, { adapter: NAME }));
      }
      if (!initPromise) {
        initPromise = initialise();
        initPromise.catch(() => {
          initPromise = undefined;
        });
      }
      return initPromise;
    },

    async read(entity, key) {
      checkTarget(entity, key);
      const text = await command(`read ${entity} ${JSON.stringify(key)}`, () =>
        client.hget(hashKey(entity), toStoredKey(key)),
      );
      if (text === null) return null;
      try {
        return JSON.parse(text) as PersistValue;
      } catch (error) {
        await quarantine(entity, key, text, `invalid JSON (${(error as Error).message})`);
        return null;
      }
    },

    async write(entity, key, value, fence) {
      checkTarget(entity, key);
      const text = encode(value);
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        return applyFenced(`write ${entity} ${JSON.stringify(key)}`, [{ entity, key, text }], fence);
      }
      await command(`write ${entity} ${JSON.stringify(key)}`, () => {
        const transaction = client.multi();
        queueWrite(transaction, entity, key, text);
        return exec(transaction);
      });
    },

    async delete(entity, key, fence) {
      checkTarget(entity, key);
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        const what = `delete ${entity} ${JSON.stringify(key)}`;
        return applyFenced(what, [{ entity, key, text: undefined }], fence);
      }
      await command(`delete ${entity} ${JSON.stringify(key)}`, () => {
        const transaction = client.multi();
        queueDelete(transaction, entity, key);
        return exec(transaction);
      });
    },

    async list(entity, prefix = "") {
      checkTarget(entity, undefined, prefix);
      const start = storedPrefix(prefix);
      // Members sharing one score sort by bytes: [start, start + 0xFF) is exactly the stored keys with
      // that prefix (no UTF-8 text holds byte 0xFF), read from this entity's index only.
      const stored = await command(`list ${entity} ${JSON.stringify(prefix)}`, () =>
        start.length === 0
          ? client.zrangebylex(indexKey(entity), "-", "+")
          : client.zrangebylex(
              indexKey(entity),
              `[${start}`,
              Buffer.concat([Buffer.from(`(${start}`), ABOVE_UTF8]),
            ),
      );
      // Decoded, filtered exactly and sorted in JavaScript: UTF-16 order, not Redis's byte order.
      return stored
        .map(fromStoredKey)
        .filter((key) => key.startsWith(prefix))
        .sort();
    },

    async batch(operations: ReadonlyArray<PersistBatchOperationV2>, fence?: ILeaseGrant) {
      const texts = operations.map((operation, index) => {
        checkTarget(operation.entity, operation.key);
        return operation.op === "write" ? encode(operation.value, `operations[${index}].value`) : undefined;
      });
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        // Also an empty batch checks its fence: the caller learns it lost the lease.
        const steps = operations.map(({ entity, key }, index) => ({ entity, key, text: texts[index] }));
        return applyFenced(`batch of ${operations.length} operations`, steps, fence);
      }
      if (operations.length === 0) return;
      await command(`batch of ${operations.length} operations`, async () => {
        const transaction = client.multi();
        for (const [index, operation] of operations.entries()) {
          const text = texts[index];
          if (text === undefined) queueDelete(transaction, operation.entity, operation.key);
          else queueWrite(transaction, operation.entity, operation.key, text);
        }
        await exec(transaction);
      });
    },

    async acquireLease(key, holder, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseRequest(NAME, key, holder, ttlMs);
      const reply = (await command(`acquire lease ${JSON.stringify(key)}`, () =>
        client.eval(ACQUIRE_SCRIPT, 1, leaseKey(key), holder, String(ttlMs)),
      )) as [number, string, string];
      if (reply[0] === 1) {
        return {
          acquired: true,
          grant: { key, holder, token: Number(reply[1]), expiresAt: Number(reply[2]) },
        };
      }
      return { acquired: false, holder: reply[1], expiresAt: Number(reply[2]) };
    },

    async renewLease(grant, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      assertLeaseTtl(NAME, ttlMs);
      const reply = (await command(`renew lease ${JSON.stringify(grant.key)}`, () =>
        client.eval(RENEW_SCRIPT, 1, leaseKey(grant.key), grant.holder, String(grant.token), String(ttlMs)),
      )) as [number, string, string?];
      if (reply[0] === 1) return { ...grant, expiresAt: Number(reply[1]) };
      const [, holder, token = ""] = reply;
      const lease = token === "" ? null : { holder, token: Number(token), expiresAt: Number.NaN };
      const reason = leaseLostReason(lease, grant) ?? "it is gone";
      return refuse(`lease ${JSON.stringify(grant.key)} cannot be renewed: ${reason}`, "grant", grant);
    },

    async releaseLease(grant) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      await command(`release lease ${JSON.stringify(grant.key)}`, () =>
        client.eval(RELEASE_SCRIPT, 1, leaseKey(grant.key), grant.holder, String(grant.token)),
      );
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
