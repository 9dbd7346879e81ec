// The persistence adapter contract, spec version 2: one explicit entity per kind of record Live keeps
// (position, scheduled, cursor, closed history, broker orders, lease) and `list(entity, prefix)`, so a
// restore reads only its own run's keys. V1 (persistence.ts) stays as it is; the engine accepts both.

import { BtError } from "./btError";
import { assertTargetOf, type IPersistCapabilities, type PersistValue } from "./persistence";

/** The kinds of record the engine persists under contract v2. */
export type PersistEntityV2 = "position" | "scheduled" | "cursor" | "closed" | "order" | "lease";

/** Every v2 entity, for adapters that create one table/collection/folder each. */
export const PERSIST_ENTITIES_V2: ReadonlyArray<PersistEntityV2> = [
  "position",
  "scheduled",
  "cursor",
  "closed",
  "order",
  "lease",
];

/** One step of an atomic v2 batch. */
export type PersistBatchOperationV2 =
  | { op: "write"; entity: PersistEntityV2; key: string; value: PersistValue }
  | { op: "delete"; entity: PersistEntityV2; key: string };

/** A record that could not be read back and was moved aside (never silently reused). */
export interface IPersistCorruptionV2 {
  entity: PersistEntityV2;
  key: string;
  reason: string;
  /** Where the bad record was moved, adapter-specific (a path, a key). */
  quarantinedAs: string;
}

/**
 * A held lease: the one-writer right on `key` (one per (exchange, symbol, strategy) run). `token` is a
 * fencing token: it strictly increases each time the lease changes hands, so a write fenced with an older
 * grant is refused even when its process still believes it holds the lease.
 */
export interface ILeaseGrant {
  readonly key: string;
  /** Who holds it, e.g. "host:pid:random"; shown to a process that is refused. */
  readonly holder: string;
  readonly token: number;
  /** Epoch ms (adapter clock) after which another process may take the lease over unless renewed. */
  readonly expiresAt: number;
}

/** The outcome of acquireLease: granted, or held by a live holder. */
export type LeaseAcquireResult =
  | { readonly acquired: true; readonly grant: ILeaseGrant }
  | { readonly acquired: false; readonly holder: string; readonly expiresAt: number };

/**
 * The persistence contract v2. Keys are arbitrary non-empty strings; `list(entity, prefix)` returns the
 * keys of one entity that start with `prefix` (every key when omitted), sorted ascending by UTF-16 code
 * units, so a caller reads one run's records without touching any other run's.
 */
export interface IPersistAdapterV2 {
  /** Short adapter name used as the prefix of its error messages, e.g. "fs". */
  readonly name: string;
  /** Contract version implemented; the engine rejects versions it does not know. */
  readonly specVersion: 2;
  readonly capabilities: IPersistCapabilities;
  /** Connects / creates storage and quarantines corrupted records; idempotent, safe to call repeatedly. */
  waitForInit(): Promise<void>;
  /** The record, or null when the key does not exist. */
  read(entity: PersistEntityV2, key: string): Promise<PersistValue | null>;
  /**
   * Creates or replaces the record atomically: readers see the old or the new value, never a torn one.
   * With `fence`, refused (BtError LEASE, nothing written) unless `fence` is the lease's current grant.
   */
  write(entity: PersistEntityV2, key: string, value: PersistValue, fence?: ILeaseGrant): Promise<void>;
  /** Removes the record; removing a missing key is not an error. `fence` as in write. */
  delete(entity: PersistEntityV2, key: string, fence?: ILeaseGrant): Promise<void>;
  /** The keys of `entity` starting with `prefix` (default ""), sorted ascending. */
  list(entity: PersistEntityV2, prefix?: string): Promise<string[]>;
  /** Applies several operations (any entities); atomic when `capabilities.atomicBatch`. `fence` as in write. */
  batch(operations: ReadonlyArray<PersistBatchOperationV2>, fence?: ILeaseGrant): Promise<void>;
  /**
   * Takes the lease on `key` for `ttlMs` when it is free or its holder's lease expired (a takeover gets a
   * higher token); otherwise reports the live holder. Lease state lives beside the records (entity
   * "lease"), never in process memory, so two processes on one store see each other.
   */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<LeaseAcquireResult>;
  /**
   * Extends a held lease by `ttlMs` from now (the heartbeat).
   * @throws BtError LEASE when the lease expired and was taken over, or is gone (the store was wiped).
   */
  renewLease(grant: ILeaseGrant, ttlMs: number): Promise<ILeaseGrant>;
  /** Gives the lease up when `grant` still holds it; a no-op otherwise. */
  releaseLease(grant: ILeaseGrant): Promise<void>;
  /** Corrupted records found (and quarantined) so far. */
  corruptions(): ReadonlyArray<IPersistCorruptionV2>;
  /** Releases connections and handles. */
  dispose(): Promise<void>;
}

/**
 * Throws unless `entity` is a PersistEntityV2, `key` (when given) a non-empty string and `prefix` (when
 * given) a string: the target rule of every v2 adapter method, in one place.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertPersistTargetV2(
  adapter: string,
  entity: PersistEntityV2,
  key?: string,
  prefix?: string,
): void {
  assertTargetOf(PERSIST_ENTITIES_V2, adapter, entity, key);
  if (prefix !== undefined && typeof prefix !== "string") {
    throw new BtError("PERSIST", `${adapter}: list prefix must be a string`, {
      adapter,
      field: "prefix",
      value: prefix,
    });
  }
}

// The argument rule of the lease methods (acquireLease, renewLease, releaseLease and the `fence` of
// write/delete/batch), written once for every adapter.
/**
 * Throws unless `key` and `holder` are non-empty strings and `ttlMs` a finite number > 0.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertLeaseRequest(adapter: string, key: string, holder: string, ttlMs: number): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new BtError("PERSIST", `${adapter}: lease key must be a non-empty string`, {
      adapter,
      field: "key",
      value: key,
    });
  }
  if (typeof holder !== "string" || holder.length === 0) {
    throw new BtError("PERSIST", `${adapter}: lease holder must be a non-empty string`, {
      adapter,
      field: "holder",
      value: holder,
    });
  }
  assertLeaseTtl(adapter, ttlMs);
}

/**
 * Throws unless `ttlMs` is a finite number > 0.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertLeaseTtl(adapter: string, ttlMs: number): void {
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new BtError(
      "PERSIST",
      `${adapter}: lease ttlMs must be a finite number > 0, got ${String(ttlMs)}`,
      {
        adapter,
        field: "ttlMs",
        value: ttlMs,
      },
    );
  }
}

/**
 * Throws unless `grant` has the shape of a lease grant (non-empty key, string holder, integer token).
 * @throws BtError PERSIST naming the adapter, `field` ("grant" or "fence") and the value.
 */
export function assertLeaseGrant(adapter: string, grant: ILeaseGrant, field: string): void {
  if (
    typeof grant !== "object" ||
    grant === null ||
    typeof grant.key !== "string" ||
    grant.key.length === 0 ||
    typeof grant.holder !== "string" ||
    typeof grant.token !== "number" ||
    !Number.isSafeInteger(grant.token)
  ) {
    throw new BtError("PERSIST", `${adapter}: ${field} must be a lease grant returned by acquireLease`, {
      adapter,
      field,
      value: grant,
    });
  }
}

/** A lease as an adapter stores it: `holder` is "" once released (the token stays, so the next is higher). */
export interface ILeaseState {
  readonly holder: string;
  readonly token: number;
  readonly expiresAt: number;
}

/**
 * Why `fence` is not the current grant of `lease` at `atMs` (the adapter's clock), or undefined when it is:
 * the refusal reason every adapter reports for a fenced write (`lease` null or undefined: none is held).
 */
export function leaseFenceRefusal(
  lease: ILeaseState | null | undefined,
  fence: ILeaseGrant,
  atMs: number,
): string | undefined {
  if (lease === null || lease === undefined) return "no lease is held";
  if (lease.holder === "") return `the lease was released (token ${lease.token})`;
  if (lease.token !== fence.token || lease.holder !== fence.holder) {
    return `held by ${JSON.stringify(lease.holder)} with token ${lease.token}, the fence has token ${fence.token}`;
  }
  if (atMs >= lease.expiresAt) return `the lease expired at ${lease.expiresAt}`;
  return undefined;
}

/**
 * Why `grant` no longer holds `lease` (gone, released, or taken over), or undefined while it does (an
 * expired lease nobody took over still counts as held: its holder may renew it).
 */
export function leaseLostReason(
  lease: ILeaseState | null | undefined,
  grant: ILeaseGrant,
): string | undefined {
  if (lease === null || lease === undefined) return "it is gone";
  if (lease.token === grant.token && lease.holder === grant.holder) return undefined;
  if (lease.token === grant.token && lease.holder === "") return "it was released";
  return `it was taken over by ${JSON.stringify(lease.holder)} (token ${lease.token}, this grant has ${grant.token})`;
}
