// The MongoDB adapter (official driver, imported lazily; contract v2): one collection of { entity, key,
// value, updatedAt } with a unique compound index (entity, key); writes are atomic upserts, batches one
// ordered bulkWrite (not atomic), and `list(entity, prefix)` an anchored range query on that index.
// `value` holds the record's JSON text, so every PersistValue round-trips exactly. Leases are documents
// of `<collection>_leases` (unique index on key) changed by conditional findOneAndUpdate calls on the
// process clock (Date.now(), epoch ms); a fenced write runs in a transaction that first updates the lease
// document it is fenced by, so on MongoDB a concurrent takeover write-conflicts with it (see fencedRun).

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
  storedPrefixEnd,
  toStoredKey,
} from "@bt/core";
import type { AnyBulkWriteOperation, ClientSession, Collection, Filter, MongoClient } from "mongodb";
import { LEGACY_V1_DEFAULT_COLLECTION, refuseLegacyV1Documents } from "./legacyV1Documents";

/** Options of createMongoPersist. */
export interface IMongoPersistOptions {
  /** MongoDB URL; default `BT_MONGO_URL` or `mongodb://127.0.0.1:27017`. Ignored when `client` is given. */
  url?: string;
  /** An existing MongoClient; the adapter uses it and never closes it. */
  client?: MongoClient;
  /** Database name; default "bt". */
  dbName?: string;
  /**
   * Collection name; default "bt_persist_v2" (corrupted documents go to `<collection>_quarantine`, leases
   * to `<collection>_leases`).
   */
  collection?: string;
  /** Time allowed to reach the server, in ms (default 5,000). */
  connectTimeoutMs?: number;
  /** Receives warnings (a quarantined document); default `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Records of the v1 layout (bt before contract v2) of the live entities: "signal"/"scheduled" documents
   * in the old default collection "bt_persist" of `dbName` (or, with `collection` set, "signal" documents
   * in that collection). "refuse" (default) makes `waitForInit` throw, since v2 never reads them and an
   * open position there would be lost; "ignore" starts anyway. They are never touched.
   */
  legacyV1?: LegacyV1Policy;
  /** The lease clock in epoch ms (expiresAt and expiry checks); default `Date.now`. */
  now?: () => number;
}

/** Shape of a lease document; holder "" once released (the token stays, so the next one is higher). */
interface ILeaseDocument {
  /** The stored form of the lease key. */
  key: string;
  holder: string;
  token: number;
  /** Epoch ms, process clock of the adapter that took or renewed it. */
  expiresAt: number;
  /** When a fenced write last touched it (what makes a concurrent takeover conflict). */
  fencedAt?: number;
}

/** Shape of a stored document. */
interface IRecordDocument {
  entity: PersistEntityV2;
  /** The stored form of the key ("%", NUL and lone surrogates escaped, see storedKey.ts). */
  key: string;
  /** JSON text of the value. */
  value: string;
  updatedAt: Date;
}

const NAME = "mongo";
const DEFAULT_URL = "mongodb://127.0.0.1:27017";
const DUPLICATE_KEY = 11000;
const UPSERT_ATTEMPTS = 3;
const ACQUIRE_ATTEMPTS = 5;

/**
 * Creates the MongoDB persistence adapter (contract v2); batches are applied in order but not atomically.
 * @example
 * const persist = createMongoPersist({ url: "mongodb://127.0.0.1:27017", dbName: "bt" });
 * await persist.waitForInit();
 * await persist.write("position", `run-1/${persistKey("BTCUSDT", "sma-cross", "binance")}`, row);
 * await persist.list("position", "run-1/");
 */
export function createMongoPersist(options: IMongoPersistOptions = {}): IPersistAdapterV2 {
  assertLegacyV1Policy(NAME, options.legacyV1);
  const legacyV1 = options.legacyV1 ?? "refuse";
  const url = options.url ?? process.env.BT_MONGO_URL ?? DEFAULT_URL;
  const dbName = options.dbName ?? "bt";
  const collectionName = options.collection ?? "bt_persist_v2";
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const ownsClient = options.client === undefined;
  const found: IPersistCorruptionV2[] = [];
  let client: MongoClient | undefined = options.client;
  let records: Collection<IRecordDocument> | undefined;
  let quarantined: Collection<IRecordDocument & { reason: string }> | undefined;
  let leases: Collection<ILeaseDocument> | undefined;
  // Transactions need a replica set (or jongodb); on a standalone server a fenced write falls back to
  // check-then-write (see fencedRun).
  let transactions = true;
  const now = options.now ?? (() => Date.now());
  let initPromise: Promise<void> | undefined;
  let disposed = false;

  function fail(message: string, details: { cause?: unknown; field?: string; value?: unknown } = {}): never {
    const retryable = details.cause !== undefined && isRetryable(details.cause);
    throw new BtError("PERSIST", `${NAME}: ${message}`, { adapter: NAME, retryable, ...details });
  }

  function checkTarget(entity: PersistEntityV2, key?: string, prefix?: string): void {
    if (disposed) fail("adapter is disposed");
    assertPersistTargetV2(NAME, entity, key, prefix);
  }

  async function connect(): Promise<void> {
    try {
      if (!client) {
        const { MongoClient } = await import("mongodb");
        client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
      }
      await client.connect();
      const db = client.db(dbName);
      // Before anything is created: a refused start leaves the database as it was.
      if (legacyV1 === "refuse") {
        await refuseLegacyV1Documents(NAME, db, {
          collection: options.collection ?? LEGACY_V1_DEFAULT_COLLECTION,
          shared: options.collection !== undefined,
        });
      }
      records = db.collection<IRecordDocument>(collectionName);
      quarantined = db.collection(`${collectionName}_quarantine`);
      await records.createIndex({ entity: 1, key: 1 }, { unique: true, name: "entity_key_unique" });
      leases = db.collection<ILeaseDocument>(`${collectionName}_leases`);
      await leases.createIndex({ key: 1 }, { unique: true, name: "key_unique" });
    } catch (error) {
      if (ownsClient) {
        await client?.close().catch(() => undefined);
        client = undefined;
      }
      if (BtError.isInstance(error)) throw error;
      fail(`cannot connect to ${redactUrl(url)} (database ${dbName}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Runs a driver call after init, wrapping its errors; retries upserts that raced on the unique index. */
  async function run<T>(what: string, call: (collection: Collection<IRecordDocument>) => Promise<T>) {
    await adapter.waitForInit();
    const collection = records as Collection<IRecordDocument>;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(collection);
      } catch (error) {
        // Two concurrent upserts of a new key can both try to insert; the loser sees 11000 and retries.
        if ((error as { code?: unknown }).code === DUPLICATE_KEY && attempt < UPSERT_ATTEMPTS) continue;
        return fail(`${what} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  function upsert(entity: PersistEntityV2, key: string, text: string) {
    return {
      filter: { entity, key: toStoredKey(key) },
      update: { $set: { value: text, updatedAt: new Date() } },
      upsert: true,
    };
  }

  async function quarantine(document: IRecordDocument & { _id?: unknown }, reason: string): Promise<void> {
    const { entity } = document;
    const key = fromStoredKey(document.key);
    await run(`quarantine ${entity} ${JSON.stringify(key)}`, async (collection) => {
      const target = quarantined as Collection<IRecordDocument & { reason: string }>;
      const copy = await target.insertOne({
        entity,
        key: document.key,
        value: document.value,
        updatedAt: document.updatedAt,
        reason,
      });
      // Delete only the bad version: a good write that landed meanwhile must survive.
      const removed = await collection.deleteOne({ _id: document._id, value: document.value } as never);
      if (removed.deletedCount === 0) {
        await target.deleteOne({ _id: copy.insertedId });
        return;
      }
      const quarantinedAs = `${dbName}.${collectionName}_quarantine ${String(copy.insertedId)}`;
      found.push({ entity, key, reason, quarantinedAs });
      warn(
        `${NAME}: corrupted document ${entity} ${JSON.stringify(key)} (${reason}) moved to ${quarantinedAs}`,
      );
    });
  }

  function refuse(message: string, field: string, grant: ILeaseGrant): never {
    throw new BtError("LEASE", `${NAME}: ${message}`, { adapter: NAME, field, value: grant });
  }

  /** Runs a driver call on the lease collection after init, wrapping its errors. */
  async function onLeases<T>(what: string, call: (collection: Collection<ILeaseDocument>) => Promise<T>) {
    await adapter.waitForInit();
    try {
      return await call(leases as Collection<ILeaseDocument>);
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      return fail(`${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Runs `work` only while `fence` is the current grant. In a transaction, the lease document is updated
   * first (conditionally on holder, token and expiry): MongoDB then aborts either this write or a
   * concurrent takeover with a write conflict, so a stale token never writes. Without transactions
   * (standalone server) the same conditional update runs just before `work`: not atomic, the window is a
   * write that starts right before the lease expires (renew early).
   */
  async function fencedRun(
    what: string,
    fence: ILeaseGrant,
    work: (collection: Collection<IRecordDocument>, session: ClientSession | undefined) => Promise<unknown>,
  ): Promise<void> {
    await adapter.waitForInit();
    const leaseCollection = leases as Collection<ILeaseDocument>;
    const check = async (session: ClientSession | undefined) => {
      const at = now();
      const filter = {
        key: toStoredKey(fence.key),
        holder: fence.holder,
        token: fence.token,
        expiresAt: { $gt: at },
      };
      const touched = await leaseCollection.findOneAndUpdate(
        filter,
        { $set: { fencedAt: at } },
        { session, returnDocument: "after" },
      );
      if (touched === null) {
        const lease = await leaseCollection.findOne({ key: toStoredKey(fence.key) }, { session });
        refuse(
          `fenced write refused on lease ${JSON.stringify(fence.key)}: ${leaseFenceRefusal(lease, fence, at) ?? `the lease expired at ${lease?.expiresAt} (now ${at})`}`,
          "fence",
          fence,
        );
      }
    };
    const collection = records as Collection<IRecordDocument>;
    try {
      if (transactions) {
        const session = (client as MongoClient).startSession();
        try {
          await session.withTransaction(async () => {
            await check(session);
            await work(collection, session);
          });
          return;
        } catch (error) {
          if (!isTransactionUnsupported(error)) throw error;
          transactions = false;
        } finally {
          await session.endSession();
        }
      }
      await check(undefined);
      await work(collection, undefined);
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      fail(`${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  function encode(value: PersistValue, path?: string): string {
    assertPersistable(value, NAME, path);
    return JSON.stringify(value);
  }

  const adapter: IPersistAdapterV2 = {
    name: NAME,
    specVersion: 2,
    capabilities: { atomicBatch: false },

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
      const document = await run(`read ${entity} ${JSON.stringify(key)}`, (collection) =>
        collection.findOne({ entity, key: toStoredKey(key) }),
      );
      if (document === null) return null;
      if (typeof document.value !== "string") {
        await quarantine(document, `value is a ${typeof document.value}, not JSON text`);
        return null;
      }
      try {
        return JSON.parse(document.value) as PersistValue;
      } catch (error) {
        await quarantine(document, `invalid JSON (${(error as Error).message})`);
        return null;
      }
    },

    async write(entity, key, value, fence) {
      checkTarget(entity, key);
      const text = encode(value);
      const { filter, update } = upsert(entity, key, text);
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        return fencedRun(`write ${entity} ${JSON.stringify(key)}`, fence, (collection, session) =>
          collection.updateOne(filter, update, { upsert: true, session }),
        );
      }
      await run(`write ${entity} ${JSON.stringify(key)}`, (collection) =>
        collection.updateOne(filter, update, { upsert: true }),
      );
    },

    async delete(entity, key, fence) {
      checkTarget(entity, key);
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        return fencedRun(`delete ${entity} ${JSON.stringify(key)}`, fence, (collection, session) =>
          collection.deleteOne({ entity, key: toStoredKey(key) }, { session }),
        );
      }
      await run(`delete ${entity} ${JSON.stringify(key)}`, (collection) =>
        collection.deleteOne({ entity, key: toStoredKey(key) }),
      );
    },

    async list(entity, prefix = "") {
      checkTarget(entity, undefined, prefix);
      const start = storedPrefix(prefix);
      const end = storedPrefixEnd(start);
      // An anchored range on the (entity, key) index, not a regex: no metacharacter can widen it.
      const range: Filter<IRecordDocument> =
        start.length === 0
          ? { entity }
          : { entity, key: end === undefined ? { $gte: start } : { $gte: start, $lt: end } };
      const documents = await run(`list ${entity} ${JSON.stringify(prefix)}`, (collection) =>
        collection.find(range).sort({ key: 1 }).toArray(),
      );
      // Decoded, filtered exactly and sorted again in JavaScript: UTF-16 order, the same for every adapter.
      return documents
        .map((document) => fromStoredKey(document.key))
        .filter((key) => key.startsWith(prefix))
        .sort();
    },

    async batch(operations: ReadonlyArray<PersistBatchOperationV2>, fence?: ILeaseGrant) {
      const texts = operations.map((operation, index) => {
        checkTarget(operation.entity, operation.key);
        return operation.op === "write" ? encode(operation.value, `operations[${index}].value`) : undefined;
      });
      if (fence !== undefined) assertLeaseGrant(NAME, fence, "fence");
      // An empty fenced batch still checks its fence: the caller learns it lost the lease.
      if (operations.length === 0 && fence === undefined) return;
      const steps: AnyBulkWriteOperation<IRecordDocument>[] = operations.map((operation, index) => {
        const text = texts[index];
        return text === undefined
          ? { deleteOne: { filter: { entity: operation.entity, key: toStoredKey(operation.key) } } }
          : { updateOne: upsert(operation.entity, operation.key, text) };
      });
      if (fence !== undefined) {
        return fencedRun(`batch of ${operations.length} operations`, fence, async (collection, session) => {
          if (steps.length > 0) await collection.bulkWrite(steps, { ordered: true, session });
        });
      }
      // Re-running the whole ordered batch after a duplicate-key race is safe: every step is idempotent.
      await run(`batch of ${operations.length} operations`, (collection) =>
        collection.bulkWrite(steps, { ordered: true }),
      );
    },

    async acquireLease(key, holder, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseRequest(NAME, key, holder, ttlMs);
      const stored = toStoredKey(key);
      return onLeases(`acquire lease ${JSON.stringify(key)}`, async (collection) => {
        for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
          const at = now();
          const expiresAt = at + ttlMs;
          // A takeover: only a released or expired lease matches, and $inc makes its token higher.
          const taken = await collection.findOneAndUpdate(
            { key: stored, $or: [{ holder: "" }, { expiresAt: { $lte: at } }] },
            { $set: { holder, expiresAt }, $inc: { token: 1 } },
            { returnDocument: "after" },
          );
          if (taken !== null) {
            return { acquired: true as const, grant: { key, holder, token: taken.token, expiresAt } };
          }
          try {
            // A first acquire; the unique index lets one insert win.
            await collection.insertOne({ key: stored, holder, token: 1, expiresAt });
            return { acquired: true as const, grant: { key, holder, token: 1, expiresAt } };
          } catch (error) {
            if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
          }
          const held = await collection.findOne({ key: stored });
          if (held !== null && held.holder !== "" && now() < held.expiresAt) {
            return { acquired: false as const, holder: held.holder, expiresAt: held.expiresAt };
          }
          // Released or expired between the two calls: try again.
        }
        return fail(`acquire lease ${JSON.stringify(key)} failed: the lease kept changing hands`);
      });
    },

    async renewLease(grant, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      assertLeaseTtl(NAME, ttlMs);
      const stored = toStoredKey(grant.key);
      return onLeases(`renew lease ${JSON.stringify(grant.key)}`, async (collection) => {
        const expiresAt = now() + ttlMs;
        const renewed = await collection.findOneAndUpdate(
          { key: stored, holder: grant.holder, token: grant.token },
          { $set: { expiresAt } },
          { returnDocument: "after" },
        );
        if (renewed !== null) return { ...grant, expiresAt };
        const lease = await collection.findOne({ key: stored });
        const reason = leaseLostReason(lease, grant) ?? "it is gone";
        return refuse(`lease ${JSON.stringify(grant.key)} cannot be renewed: ${reason}`, "grant", grant);
      });
    },

    async releaseLease(grant) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      await onLeases(`release lease ${JSON.stringify(grant.key)}`, (collection) =>
        collection.updateOne(
          { key: toStoredKey(grant.key), holder: grant.holder, token: grant.token },
          { $set: { holder: "", expiresAt: 0 } },
        ),
      );
    },

    corruptions() {
      return [...found];
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      if (ownsClient && client) await client.close();
    },
  };
  return adapter;
}

/** True for the error of a server that cannot run transactions (a standalone mongod). */
function isTransactionUnsupported(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : "";
  return code === 20 || /replica set member or mongos|Transaction numbers/.test(message);
}

function isRetryable(error: unknown): boolean {
  const name = (error as { name?: unknown }).name;
  return typeof name === "string" && /Network|ServerSelection|Timeout/.test(name);
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
