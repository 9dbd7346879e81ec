// The PostgreSQL adapter (pg, contract v2): one table (entity, key COLLATE "C", value json, updated_at)
// with primary key (entity, key); writes are upserts (INSERT … ON CONFLICT DO UPDATE), batches run in one
// transaction, and `list(entity, prefix)` is an index range scan `key >= prefix AND key < successor`.
// The `json` column is validated by the server, so a stored record is always parseable. Leases are rows
// of `<table>_leases` (key, holder, token, expires_at) on the database clock (clock_timestamp(), epoch
// ms): taken by one atomic UPSERT … WHERE free or expired; a fenced write runs in a transaction that
// first locks the lease row (SELECT … FOR UPDATE), so a takeover waits until that write committed.

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
  type ILeaseState,
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
import pg from "pg";
import { LEGACY_V1_DEFAULT_TABLE, refuseLegacyV1Rows } from "./legacyV1Rows";

/** Options of createPostgresPersist. */
export interface IPostgresPersistOptions {
  /** Connection URL; default `BT_PG_URL` or `postgres://postgres@127.0.0.1:5432/postgres`. */
  connectionString?: string;
  /** An existing pg Pool; the adapter uses it and never ends it. */
  pool?: pg.Pool;
  /** Schema of the table, created if missing; default "public". */
  schema?: string;
  /**
   * Table name, created if missing; default "bt_persist_v2" (contract v2 records only). Leases live in
   * `<table>_leases` beside it.
   */
  table?: string;
  /** Time allowed to obtain a connection, in ms (default 5,000). */
  connectTimeoutMs?: number;
  /**
   * Records of the v1 layout (bt before contract v2) of the live entities: 'signal'/'scheduled' rows in
   * the old default table "bt_persist" of `schema` (or, with `table` set, in that table). "refuse"
   * (default) makes `waitForInit` throw, since v2 never reads them and an open position there would be
   * lost; "ignore" starts anyway. They are never touched.
   */
  legacyV1?: LegacyV1Policy;
}

const NAME = "postgres";
const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";
// The lease clock: the database server's, so every process agrees whatever its own clock says.
// clock_timestamp(), not now(): inside a transaction now() is frozen at its start.
const NOW_MS = "floor(extract(epoch from clock_timestamp()) * 1000)::bigint";

interface ILeaseRow {
  holder: string;
  token: string;
  expires_at: string;
}

/** A lease row as core's ILeaseState (bigint columns arrive as strings). */
function leaseState(row: ILeaseRow): ILeaseState {
  return { holder: row.holder, token: Number(row.token), expiresAt: Number(row.expires_at) };
}

/**
 * Creates the PostgreSQL persistence adapter (contract v2); batches are atomic (one transaction).
 * @example
 * const persist = createPostgresPersist({ connectionString: process.env.DATABASE_URL, schema: "bt" });
 * await persist.waitForInit();
 * await persist.write("position", `run-1/${persistKey("BTCUSDT", "sma-cross", "binance")}`, row);
 * await persist.list("position", "run-1/");
 */
export function createPostgresPersist(options: IPostgresPersistOptions = {}): IPersistAdapterV2 {
  assertLegacyV1Policy(NAME, options.legacyV1);
  const legacyV1 = options.legacyV1 ?? "refuse";
  const schema = options.schema ?? "public";
  const table = options.table ?? "bt_persist_v2";
  for (const [field, value] of [
    ["schema", schema],
    ["table", table],
  ] as const) {
    if (value.length === 0 || value.includes("\u0000")) {
      throw new BtError("PERSIST", `${NAME}: ${field} must be a non-empty name`, {
        adapter: NAME,
        field,
        value,
      });
    }
  }
  const url = options.connectionString ?? process.env.BT_PG_URL ?? DEFAULT_URL;
  const ownsPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: url,
      max: 8,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    });
  // An idle client losing its connection emits "error" on the pool; the next query reports it instead.
  if (ownsPool) pool.on("error", () => undefined);
  const qualified = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  const leases = `${quoteIdentifier(schema)}.${quoteIdentifier(`${table}_leases`)}`;
  // Where bt before contract v2 wrote: its default table, or the very table configured now.
  const legacyTarget =
    options.table === undefined
      ? { qualified: `${quoteIdentifier(schema)}.${quoteIdentifier(LEGACY_V1_DEFAULT_TABLE)}`, shared: false }
      : { qualified, shared: true };
  const sql = {
    read: `SELECT value FROM ${qualified} WHERE entity = $1 AND key = $2`,
    upsert: `INSERT INTO ${qualified} (entity, key, value, updated_at) VALUES ($1, $2, $3::json, now())
      ON CONFLICT (entity, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    delete: `DELETE FROM ${qualified} WHERE entity = $1 AND key = $2`,
    // "C" compares UTF-8 bytes (code points): the range below is exactly the keys with the prefix.
    list: `SELECT key FROM ${qualified} WHERE entity = $1 ORDER BY key COLLATE "C"`,
    listFrom: `SELECT key FROM ${qualified} WHERE entity = $1 AND key COLLATE "C" >= $2
      ORDER BY key COLLATE "C"`,
    listRange: `SELECT key FROM ${qualified} WHERE entity = $1 AND key COLLATE "C" >= $2
      AND key COLLATE "C" < $3 ORDER BY key COLLATE "C"`,
    // Granted when free, released or expired; a takeover increments the token. No row: held live.
    acquire: `INSERT INTO ${leases} AS lease (key, holder, token, expires_at)
      VALUES ($1, $2, 1, ${NOW_MS} + floor($3::float8)::bigint)
      ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, token = lease.token + 1,
        expires_at = EXCLUDED.expires_at
      WHERE lease.holder = '' OR lease.expires_at <= ${NOW_MS}
      RETURNING token, expires_at`,
    leaseRow: `SELECT holder, token, expires_at FROM ${leases} WHERE key = $1`,
    renew: `UPDATE ${leases} SET expires_at = ${NOW_MS} + floor($4::float8)::bigint
      WHERE key = $1 AND holder = $2 AND token = $3 RETURNING expires_at`,
    release: `UPDATE ${leases} SET holder = '', expires_at = 0 WHERE key = $1 AND holder = $2 AND token = $3`,
    // Locks the lease row for the rest of the fenced transaction: a takeover waits for its commit.
    fence: `SELECT holder, token, expires_at, ${NOW_MS} AS now FROM ${leases} WHERE key = $1 FOR UPDATE`,
  };
  let initPromise: Promise<void> | undefined;
  let disposed = false;

  function fail(message: string, details: { cause?: unknown; field?: string; value?: unknown } = {}): never {
    const retryable = details.cause !== undefined && isConnectionError(details.cause);
    throw new BtError("PERSIST", `${NAME}: ${message}`, { adapter: NAME, retryable, ...details });
  }

  function checkTarget(entity: PersistEntityV2, key?: string, prefix?: string): void {
    if (disposed) fail("adapter is disposed");
    assertPersistTargetV2(NAME, entity, key, prefix);
  }

  async function query<Row extends pg.QueryResultRow>(
    what: string,
    text: string,
    values: unknown[],
  ): Promise<Row[]> {
    await adapter.waitForInit();
    try {
      return (await pool.query<Row>(text, values)).rows;
    } catch (error) {
      return fail(`${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back on any error. */
  async function transaction(what: string, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      return fail(`${what} failed: ${(error as Error).message}`, { cause: error });
    }
    try {
      await client.query("BEGIN");
      await work(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (BtError.isInstance(error)) throw error;
      fail(`${what} failed: ${(error as Error).message}`, { cause: error });
    } finally {
      client.release();
    }
  }

  async function initialise(): Promise<void> {
    // Before anything is created: a refused start leaves the database as it was.
    if (legacyV1 === "refuse") {
      try {
        await refuseLegacyV1Rows(NAME, pool, legacyTarget);
      } catch (error) {
        if (BtError.isInstance(error)) throw error;
        // Usually the first contact with the server: reported like any failed init.
        fail(`init of ${qualified} at ${redactUrl(url)} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    await createTable();
  }

  async function createTable(): Promise<void> {
    // The advisory lock keeps concurrent first starts from racing on CREATE … IF NOT EXISTS.
    await transaction(`init of ${qualified} at ${redactUrl(url)}`, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`bt-persist:${qualified}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${qualified} (
        entity text NOT NULL,
        key text COLLATE "C" NOT NULL,
        value json NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (entity, key)
      )`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${leases} (
        key text COLLATE "C" PRIMARY KEY,
        holder text NOT NULL,
        token bigint NOT NULL,
        expires_at bigint NOT NULL
      )`);
    });
  }

  function refuse(message: string, field: string, grant: ILeaseGrant): never {
    throw new BtError("LEASE", `${NAME}: ${message}`, { adapter: NAME, field, value: grant });
  }

  /** Locks the lease row of `fence` in `client`'s transaction; throws BtError LEASE unless it is current. */
  async function checkFence(client: pg.PoolClient, fence: ILeaseGrant): Promise<void> {
    const { rows } = await client.query<ILeaseRow & { now: string }>(sql.fence, [toStoredKey(fence.key)]);
    const row = rows[0];
    const reason = leaseFenceRefusal(row && leaseState(row), fence, Number(row?.now));
    if (reason !== undefined) {
      refuse(`fenced write refused on lease ${JSON.stringify(fence.key)}: ${reason}`, "fence", fence);
    }
  }

  /** Runs `work` in a transaction after the fence proved current (the lease row stays locked). */
  async function fenced(what: string, fence: ILeaseGrant, work: (client: pg.PoolClient) => Promise<void>) {
    await adapter.waitForInit();
    await transaction(what, async (client) => {
      await checkFence(client, fence);
      await work(client);
    });
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
      const rows = await query<{ value: PersistValue }>(`read ${entity} ${JSON.stringify(key)}`, sql.read, [
        entity,
        toStoredKey(key),
      ]);
      return rows[0] === undefined ? null : rows[0].value;
    },

    async write(entity, key, value, fence) {
      checkTarget(entity, key);
      const text = encode(value);
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        return fenced(`write ${entity} ${JSON.stringify(key)}`, fence, async (client) => {
          await client.query(sql.upsert, [entity, toStoredKey(key), text]);
        });
      }
      await query(`write ${entity} ${JSON.stringify(key)}`, sql.upsert, [entity, toStoredKey(key), text]);
    },

    async delete(entity, key, fence) {
      checkTarget(entity, key);
      if (fence !== undefined) {
        assertLeaseGrant(NAME, fence, "fence");
        return fenced(`delete ${entity} ${JSON.stringify(key)}`, fence, async (client) => {
          await client.query(sql.delete, [entity, toStoredKey(key)]);
        });
      }
      await query(`delete ${entity} ${JSON.stringify(key)}`, sql.delete, [entity, toStoredKey(key)]);
    },

    async list(entity, prefix = "") {
      checkTarget(entity, undefined, prefix);
      const start = storedPrefix(prefix);
      const end = storedPrefixEnd(start);
      const what = `list ${entity} ${JSON.stringify(prefix)}`;
      const rows =
        start.length === 0
          ? await query<{ key: string }>(what, sql.list, [entity])
          : end === undefined
            ? await query<{ key: string }>(what, sql.listFrom, [entity, start])
            : await query<{ key: string }>(what, sql.listRange, [entity, start, end]);
      // Decoded, filtered exactly and sorted in JavaScript: UTF-16 order, whatever the server's order.
      return rows
        .map((row) => fromStoredKey(row.key))
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
      const what = `batch of ${operations.length} operations`;
      const apply = async (client: pg.PoolClient) => {
        for (const [index, operation] of operations.entries()) {
          const text = texts[index];
          const key = toStoredKey(operation.key);
          if (text === undefined) await client.query(sql.delete, [operation.entity, key]);
          else await client.query(sql.upsert, [operation.entity, key, text]);
        }
      };
      if (fence !== undefined) return fenced(what, fence, apply);
      await adapter.waitForInit();
      await transaction(what, apply);
    },

    async acquireLease(key, holder, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseRequest(NAME, key, holder, ttlMs);
      const stored = toStoredKey(key);
      const what = `acquire lease ${JSON.stringify(key)}`;
      // A holder seen as "" (released between the two statements) is retried once more.
      for (let attempt = 0; attempt < 5; attempt++) {
        const granted = await query<{ token: string; expires_at: string }>(what, sql.acquire, [
          stored,
          holder,
          ttlMs,
        ]);
        if (granted[0] !== undefined) {
          const { token, expires_at } = granted[0];
          return {
            acquired: true,
            grant: { key, holder, token: Number(token), expiresAt: Number(expires_at) },
          };
        }
        const held = (await query<ILeaseRow>(what, sql.leaseRow, [stored]))[0];
        if (held !== undefined && held.holder !== "") {
          return { acquired: false, holder: held.holder, expiresAt: Number(held.expires_at) };
        }
      }
      return fail(`${what} failed: the lease kept changing hands`);
    },

    async renewLease(grant, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      assertLeaseTtl(NAME, ttlMs);
      const stored = toStoredKey(grant.key);
      const what = `renew lease ${JSON.stringify(grant.key)}`;
      const renewed = await query<{ expires_at: string }>(what, sql.renew, [
        stored,
        grant.holder,
        String(grant.token),
        ttlMs,
      ]);
      if (renewed[0] !== undefined) return { ...grant, expiresAt: Number(renewed[0].expires_at) };
      const row = (await query<ILeaseRow>(what, sql.leaseRow, [stored]))[0];
      const reason = leaseLostReason(row && leaseState(row), grant) ?? "it is gone";
      return refuse(`lease ${JSON.stringify(grant.key)} cannot be renewed: ${reason}`, "grant", grant);
    },

    async releaseLease(grant) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      await query(`release lease ${JSON.stringify(grant.key)}`, sql.release, [
        toStoredKey(grant.key),
        grant.holder,
        String(grant.token),
      ]);
    },

    corruptions(): ReadonlyArray<IPersistCorruptionV2> {
      // The json column is validated by the server: a stored record always parses.
      return [];
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      if (ownsPool) await pool.end();
    },
  };
  return adapter;
}

/** Quotes an SQL identifier ("my ""odd"" name"). */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // Node socket errors, or SQLSTATE class 08 (connection exception) / 57P (operator intervention).
  return (
    typeof code === "string" &&
    (code.startsWith("E") || code.startsWith("08") || code.startsWith("57P") || code === "40001")
  );
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
