// In-memory reference implementation of IPersistAdapterV2: the smallest adapter that passes the v2
// contract suite. Records live as JSON text in a Map (callers never share objects with the store); a
// Map passed in by the caller survives the adapter, which simulates a restart in engine tests. Leases live
// in the same Map under `"lease-state/<key>"` (memoryLeaseIdV2), apart from the records of entity "lease",
// so two adapters sharing a Map see each other's leases and no record write can clobber one.

import {
  assertLeaseGrant,
  assertLeaseRequest,
  assertLeaseTtl,
  assertPersistable,
  assertPersistTargetV2,
  BtError,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
  type LeaseAcquireResult,
  leaseFenceRefusal,
  leaseLostReason,
  type PersistBatchOperationV2,
  type PersistEntityV2,
  type PersistValue,
} from "@bt/core";

/** Options of createMemoryPersistV2. */
export interface IMemoryPersistV2Options {
  /** Adapter name used in error messages; default "memory". */
  name?: string;
  /**
   * Backing store, `"<entity>/<key>"` → JSON text (see memoryRecordIdV2); share one Map between adapters
   * to simulate a restart, or set a value that is not JSON to simulate a corrupted record.
   * Default: a new Map per adapter.
   */
  records?: Map<string, string>;
  /** Receives warnings (a quarantined record); default `console.warn`. */
  onWarning?: (message: string) => void;
  /** The lease clock in epoch ms (expiresAt and expiry checks); default `Date.now`. */
  now?: () => number;
}

/** The stored form of a lease (entity "lease", key = the lease key); holder "" once released. */
interface IStoredLease {
  holder: string;
  token: number;
  expiresAt: number;
}

/**
 * The id of a record in the `records` Map of createMemoryPersistV2: `"<entity>/<key>"` (entity names
 * contain no "/", so the split is unambiguous for any key).
 */
export function memoryRecordIdV2(entity: PersistEntityV2, key: string): string {
  return `${entity}/${key}`;
}

/**
 * The id of a lease in the `records` Map of createMemoryPersistV2: `"lease-state/<key>"`, JSON
 * `{ holder, token, expiresAt }` (holder "" once released). Never listed: "lease-state" is no entity.
 */
export function memoryLeaseIdV2(key: string): string {
  return `lease-state/${key}`;
}

/**
 * Creates an in-memory persistence adapter of contract v2 (nothing survives the process); batches are
 * atomic, `list(entity, prefix)` filters and sorts in JavaScript.
 * @example
 * const persist = createMemoryPersistV2();
 * await persist.write("position", "run-1/BTCUSDT:s:x", { priceOpen: 100 });
 * await persist.list("position", "run-1/"); // ["run-1/BTCUSDT:s:x"]
 */
export function createMemoryPersistV2(options: IMemoryPersistV2Options = {}): IPersistAdapterV2 {
  const name = options.name ?? "memory";
  const records = options.records ?? new Map<string, string>();
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const quarantine = new Map<string, string>();
  const found: IPersistCorruptionV2[] = [];
  const now = options.now ?? (() => Date.now());
  let disposed = false;

  function checkAlive(): void {
    if (disposed) throw new BtError("PERSIST", `${name}: adapter is disposed`, { adapter: name });
  }

  function recordId(entity: PersistEntityV2, key: string): string {
    checkAlive();
    assertPersistTargetV2(name, entity, key);
    return memoryRecordIdV2(entity, key);
  }

  /** Parses a stored record; one that does not parse is moved aside, reported, and yields undefined. */
  function parse(entity: PersistEntityV2, key: string, id: string, text: string): PersistValue | undefined {
    try {
      return JSON.parse(text) as PersistValue;
    } catch (error) {
      records.delete(id);
      quarantine.set(id, text);
      const reason = `invalid JSON (${(error as Error).message})`;
      found.push({ entity, key, reason, quarantinedAs: `quarantine ${id}` });
      warn(`${name}: corrupted record ${id} (${reason}) quarantined; it will not be used`);
      return undefined;
    }
  }

  /** The lease record of `key`, or undefined when there is none (a record that is not a lease counts as none). */
  function readLease(key: string): IStoredLease | undefined {
    const text = records.get(memoryLeaseIdV2(key));
    if (text === undefined) return undefined;
    let value: PersistValue | undefined;
    try {
      value = JSON.parse(text) as PersistValue;
    } catch {
      value = undefined;
    }
    // A damaged lease is never trusted as live: it counts as expired with token 0 (taken over as 1).
    return isStoredLease(value) ? value : { holder: "", token: 0, expiresAt: 0 };
  }

  function writeLease(key: string, lease: IStoredLease): void {
    records.set(memoryLeaseIdV2(key), JSON.stringify(lease));
  }

  /** Throws BtError LEASE unless `fence` is the current, unexpired grant of its lease. */
  function checkFence(fence: ILeaseGrant | undefined): void {
    if (fence === undefined) return;
    assertLeaseGrant(name, fence, "fence");
    const lease = readLease(fence.key);
    const refusal = leaseFenceRefusal(lease, fence, now());
    if (refusal !== undefined) {
      throw new BtError(
        "LEASE",
        `${name}: fenced write refused on lease ${JSON.stringify(fence.key)}: ${refusal}`,
        {
          adapter: name,
          field: "fence",
          value: fence,
        },
      );
    }
  }

  return {
    name,
    specVersion: 2,
    capabilities: { atomicBatch: true },
    async waitForInit() {
      checkAlive();
    },
    async read(entity, key) {
      const id = recordId(entity, key);
      const text = records.get(id);
      if (text === undefined) return null;
      return parse(entity, key, id, text) ?? null;
    },
    async write(entity, key, value, fence) {
      const id = recordId(entity, key);
      assertPersistable(value, name);
      checkFence(fence);
      records.set(id, JSON.stringify(value));
    },
    async delete(entity, key, fence) {
      const id = recordId(entity, key);
      checkFence(fence);
      records.delete(id);
    },
    async list(entity, prefix = "") {
      checkAlive();
      assertPersistTargetV2(name, entity, undefined, prefix);
      const start = memoryRecordIdV2(entity, prefix);
      const entityStart = memoryRecordIdV2(entity, "");
      const keys: string[] = [];
      for (const [id, text] of [...records]) {
        if (!id.startsWith(start)) continue;
        const key = id.slice(entityStart.length);
        // A record that does not parse is never listed: it is quarantined like on read.
        if (parse(entity, key, id, text) !== undefined) keys.push(key);
      }
      return keys.sort();
    },
    async batch(operations: ReadonlyArray<PersistBatchOperationV2>, fence?: ILeaseGrant) {
      // Validate everything first, then apply synchronously: no reader can observe half a batch.
      const steps = operations.map((operation, index) => {
        const id = recordId(operation.entity, operation.key);
        if (operation.op === "delete") return { id, text: undefined };
        assertPersistable(operation.value, name, `operations[${index}].value`);
        return { id, text: JSON.stringify(operation.value) };
      });
      checkFence(fence);
      for (const { id, text } of steps) {
        if (text === undefined) records.delete(id);
        else records.set(id, text);
      }
    },
    async acquireLease(key, holder, ttlMs): Promise<LeaseAcquireResult> {
      checkAlive();
      assertLeaseRequest(name, key, holder, ttlMs);
      // Everything below is synchronous: no other adapter on the same Map can interleave.
      const at = now();
      const current = readLease(key);
      if (current !== undefined && current.holder !== "" && at < current.expiresAt) {
        return { acquired: false, holder: current.holder, expiresAt: current.expiresAt };
      }
      const grant: ILeaseGrant = { key, holder, token: (current?.token ?? 0) + 1, expiresAt: at + ttlMs };
      writeLease(key, { holder, token: grant.token, expiresAt: grant.expiresAt });
      return { acquired: true, grant };
    },
    async renewLease(grant, ttlMs) {
      checkAlive();
      assertLeaseGrant(name, grant, "grant");
      assertLeaseTtl(name, ttlMs);
      const current = readLease(grant.key);
      if (current === undefined || current.holder !== grant.holder || current.token !== grant.token) {
        throw new BtError(
          "LEASE",
          `${name}: lease ${JSON.stringify(grant.key)} cannot be renewed: ${leaseLostReason(current, grant)}`,
          { adapter: name, field: "grant", value: grant },
        );
      }
      const renewed: ILeaseGrant = { ...grant, expiresAt: now() + ttlMs };
      writeLease(grant.key, { holder: grant.holder, token: grant.token, expiresAt: renewed.expiresAt });
      return renewed;
    },
    async releaseLease(grant) {
      checkAlive();
      assertLeaseGrant(name, grant, "grant");
      const current = readLease(grant.key);
      if (current === undefined || current.holder !== grant.holder || current.token !== grant.token) return;
      // The record (and its token) stays so the next holder gets a higher token.
      writeLease(grant.key, { holder: "", token: current.token, expiresAt: 0 });
    },
    corruptions(): ReadonlyArray<IPersistCorruptionV2> {
      return [...found];
    },
    async dispose() {
      // The records stay: a Map shared with another adapter is how a restart is simulated.
      disposed = true;
    },
  };
}

function isStoredLease(
  value: PersistValue | undefined,
): value is IStoredLease & { [key: string]: PersistValue } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return (
    typeof value.holder === "string" &&
    typeof value.token === "number" &&
    Number.isSafeInteger(value.token) &&
    typeof value.expiresAt === "number"
  );
}
