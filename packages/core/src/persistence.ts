// The persistence adapter contract (spec version 1): keyed JSON records per entity, with optional
// atomic batches. Adapters (@bt/persist-fs, -redis, -mongo, -postgres) implement it and prove it with
// @bt/persist-testkit.

import { BtError } from "./btError";

/** The kinds of record the engine persists. */
export type PersistEntity = "signal" | "scheduled" | "risk" | "partial" | "candle";

/** Every entity, for adapters that create one table/collection/folder each. */
export const PERSIST_ENTITIES: ReadonlyArray<PersistEntity> = [
  "signal",
  "scheduled",
  "risk",
  "partial",
  "candle",
];

/** A JSON value with finite numbers only (NaN and ±Infinity are rejected on write, never coerced). */
export type PersistValue =
  | null
  | boolean
  | number
  | string
  | PersistValue[]
  | { [key: string]: PersistValue };

/** One step of an atomic batch. */
export type PersistBatchOperation =
  | { op: "write"; entity: PersistEntity; key: string; value: PersistValue }
  | { op: "delete"; entity: PersistEntity; key: string };

/** Optional abilities an adapter declares. */
export interface IPersistCapabilities {
  /** `batch` applies all operations or none, even if the process dies midway. */
  atomicBatch: boolean;
}

/** A record that could not be read back and was moved aside (never silently reused). */
export interface IPersistCorruption {
  entity: PersistEntity;
  key: string;
  reason: string;
  /** Where the bad record was moved, adapter-specific (a path, a key). */
  quarantinedAs: string;
}

/** The persistence contract every adapter implements. Keys are arbitrary non-empty strings. */
export interface IPersistAdapter {
  /** Short adapter name used as the prefix of its error messages, e.g. "fs". */
  readonly name: string;
  /** Contract version implemented; the engine rejects versions it does not know. */
  readonly specVersion: 1;
  readonly capabilities: IPersistCapabilities;
  /** Connects / creates storage and quarantines corrupted records; idempotent, safe to call repeatedly. */
  waitForInit(): Promise<void>;
  /** The record, or null when the key does not exist. */
  read(entity: PersistEntity, key: string): Promise<PersistValue | null>;
  /** Creates or replaces the record atomically: readers see the old or the new value, never a torn one. */
  write(entity: PersistEntity, key: string, value: PersistValue): Promise<void>;
  /** Removes the record; removing a missing key is not an error. */
  delete(entity: PersistEntity, key: string): Promise<void>;
  /** All keys of `entity`, sorted ascending. */
  list(entity: PersistEntity): Promise<string[]>;
  /** Applies several operations; atomic when `capabilities.atomicBatch`. */
  batch(operations: ReadonlyArray<PersistBatchOperation>): Promise<void>;
  /** Corrupted records found (and quarantined) so far. */
  corruptions(): ReadonlyArray<IPersistCorruption>;
  /** Releases connections and handles. */
  dispose(): Promise<void>;
}

/** The key of per-strategy records: (symbol, strategyName, exchangeName), unambiguous for any characters. */
export function persistKey(symbol: string, strategyName: string, exchangeName: string): string {
  return [symbol, strategyName, exchangeName].map(encodeURIComponent).join(":");
}

/**
 * Throws unless `value` is a PersistValue with finite numbers only; names the path of the bad value.
 * @throws BtError PERSIST for NaN, ±Infinity, undefined, functions, symbols, bigint or non-plain objects.
 */
export function assertPersistable(
  value: unknown,
  adapter: string,
  path = "value",
): asserts value is PersistValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return;
    throw new BtError("PERSIST", `${adapter}: ${path} is ${value}; only finite numbers can be persisted`, {
      adapter,
      field: path,
      value,
    });
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      assertPersistable(value[index], adapter, `${path}[${index}]`);
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) assertPersistable(item, adapter, `${path}.${key}`);
    return;
  }
  throw new BtError("PERSIST", `${adapter}: ${path} of type ${typeof value} cannot be persisted as JSON`, {
    adapter,
    field: path,
    value,
  });
}

/**
 * Rejects adapters whose specVersion this core does not implement.
 * @throws BtError PERSIST naming the adapter and its version.
 */
export function assertPersistSpec(adapter: { name: string; specVersion: number }): void {
  if (adapter.specVersion !== 1) {
    throw new BtError(
      "PERSIST",
      `${adapter.name}: persistence specVersion ${adapter.specVersion} is not supported (supported: 1)`,
      { adapter: adapter.name, field: "specVersion", value: adapter.specVersion },
    );
  }
}
