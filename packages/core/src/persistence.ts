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

// Lone UTF-16 surrogates make encodeURIComponent throw; they are written as %uXXXX instead, which
// encodeURIComponent never produces ("u" is not a hex digit), so keys stay unambiguous.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeKeyPart(part: string): string {
  let encoded = "";
  let last = 0;
  for (const match of part.matchAll(LONE_SURROGATE)) {
    const index = match.index ?? 0;
    encoded += `${encodeURIComponent(part.slice(last, index))}%u${part.charCodeAt(index).toString(16).toUpperCase()}`;
    last = index + 1;
  }
  return encoded + encodeURIComponent(part.slice(last));
}

/** The key of per-strategy records: (symbol, strategyName, exchangeName), unambiguous for any characters. */
export function persistKey(symbol: string, strategyName: string, exchangeName: string): string {
  return [symbol, strategyName, exchangeName].map(encodeKeyPart).join(":");
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function checkPersistable(value: unknown, adapter: string, path: string, ancestors: Set<object>): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return;
    throw new BtError("PERSIST", `${adapter}: ${path} is ${value}; only finite numbers can be persisted`, {
      adapter,
      field: path,
      value,
    });
  }
  if (typeof value === "object" && (Array.isArray(value) || isPlainObject(value))) {
    // JSON cannot represent a cycle; without this check the recursion would overflow the stack.
    if (ancestors.has(value)) {
      throw new BtError("PERSIST", `${adapter}: ${path} is a circular reference and cannot be persisted`, {
        adapter,
        field: path,
      });
    }
    ancestors.add(value);
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++)
        checkPersistable(value[index], adapter, `${path}[${index}]`, ancestors);
    } else {
      for (const [key, item] of Object.entries(value))
        checkPersistable(item, adapter, `${path}.${key}`, ancestors);
    }
    ancestors.delete(value);
    return;
  }
  throw new BtError("PERSIST", `${adapter}: ${path} of type ${typeof value} cannot be persisted as JSON`, {
    adapter,
    field: path,
    value,
  });
}

/**
 * Throws unless `value` is a PersistValue with finite numbers only; names the path of the bad value.
 * Plain objects (also with a null prototype) and arrays are walked; a circular reference is rejected.
 * @throws BtError PERSIST for NaN, ±Infinity, undefined, functions, symbols, bigint, cycles or non-plain objects.
 */
export function assertPersistable(
  value: unknown,
  adapter: string,
  path = "value",
): asserts value is PersistValue {
  checkPersistable(value, adapter, path, new Set());
}

/**
 * Throws unless `entity` is a PersistEntity and `key` (when given) a non-empty string: the target rule of
 * every adapter method, in one place.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertPersistTarget(adapter: string, entity: PersistEntity, key?: string): void {
  assertTargetOf(PERSIST_ENTITIES, adapter, entity, key);
}

/**
 * The target rule of both contract versions: `entity` one of `entities`, `key` (when given) a non-empty
 * string. Internal: adapters call assertPersistTarget or assertPersistTargetV2.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertTargetOf<E extends string>(
  entities: ReadonlyArray<E>,
  adapter: string,
  entity: E,
  key?: string,
): void {
  if (!entities.includes(entity)) {
    throw new BtError("PERSIST", `${adapter}: unknown entity ${JSON.stringify(entity)}`, {
      adapter,
      field: "entity",
      value: entity,
    });
  }
  if (key !== undefined && (typeof key !== "string" || key.length === 0)) {
    throw new BtError("PERSIST", `${adapter}: key must be a non-empty string`, {
      adapter,
      field: "key",
      value: key,
    });
  }
}

/**
 * Rejects adapters whose specVersion this core does not implement (1 and 2 are supported).
 * @throws BtError PERSIST naming the adapter and its version.
 */
export function assertPersistSpec(adapter: { name: string; specVersion: number }): void {
  if (adapter.specVersion !== 1 && adapter.specVersion !== 2) {
    throw new BtError(
      "PERSIST",
      `${adapter.name}: persistence specVersion ${adapter.specVersion} is not supported (supported: 1, 2)`,
      { adapter: adapter.name, field: "specVersion", value: adapter.specVersion },
    );
  }
}
