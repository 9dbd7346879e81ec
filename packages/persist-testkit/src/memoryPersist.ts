// In-memory reference implementation of IPersistAdapter v1: the smallest adapter that passes the whole
// contract suite. Records live as JSON text in a Map (callers never share objects with the store); a
// Map passed in by the caller survives the adapter, which simulates a restart in engine tests.

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

/** Options of createMemoryPersist. */
export interface IMemoryPersistOptions {
  /** Adapter name used in error messages; default "memory". */
  name?: string;
  /**
   * Backing store, `"<entity>/<key>"` → JSON text; share one Map between adapters to simulate a
   * restart. Default: a new Map per adapter.
   */
  records?: Map<string, string>;
  /** Receives warnings (a quarantined record); default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * Creates an in-memory persistence adapter (nothing survives the process); batches are atomic.
 * @example
 * const persist = createMemoryPersist();
 * await persist.write("signal", "BTCUSDT:s:x", { priceOpen: 100 });
 */
export function createMemoryPersist(options: IMemoryPersistOptions = {}): IPersistAdapter {
  const name = options.name ?? "memory";
  const records = options.records ?? new Map<string, string>();
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const quarantine = new Map<string, string>();
  const found: IPersistCorruption[] = [];
  let disposed = false;

  function fail(message: string, field?: string, value?: unknown): never {
    throw new BtError("PERSIST", `${name}: ${message}`, { adapter: name, field, value });
  }

  function checkEntity(entity: PersistEntity): void {
    if (disposed) fail("adapter is disposed");
    assertPersistTarget(name, entity);
  }

  /** The store key of a record; entity names contain no "/", so the split is unambiguous. */
  function storeKey(entity: PersistEntity, key: string): string {
    if (disposed) fail("adapter is disposed");
    assertPersistTarget(name, entity, key);
    return `${entity}/${key}`;
  }

  return {
    name,
    specVersion: 1,
    capabilities: { atomicBatch: true },
    async waitForInit() {
      if (disposed) fail("adapter is disposed");
    },
    async read(entity, key) {
      const id = storeKey(entity, key);
      const text = records.get(id);
      if (text === undefined) return null;
      try {
        return JSON.parse(text) as PersistValue;
      } catch (error) {
        // Never hand out a record that does not parse: move it aside and report it.
        records.delete(id);
        quarantine.set(id, text);
        const reason = `invalid JSON (${(error as Error).message})`;
        found.push({ entity, key, reason, quarantinedAs: `quarantine ${id}` });
        warn(`${name}: corrupted record ${id} (${reason}) quarantined; it will not be used`);
        return null;
      }
    },
    async write(entity, key, value) {
      const id = storeKey(entity, key);
      assertPersistable(value, name);
      records.set(id, JSON.stringify(value));
    },
    async delete(entity, key) {
      records.delete(storeKey(entity, key));
    },
    async list(entity) {
      checkEntity(entity);
      const prefix = `${entity}/`;
      const keys: string[] = [];
      for (const id of records.keys()) if (id.startsWith(prefix)) keys.push(id.slice(prefix.length));
      return keys.sort();
    },
    async batch(operations: ReadonlyArray<PersistBatchOperation>) {
      // Validate everything first, then apply synchronously: no reader can observe half a batch.
      const steps = operations.map((operation, index) => {
        const id = storeKey(operation.entity, operation.key);
        if (operation.op === "delete") return { id, text: undefined };
        assertPersistable(operation.value, name, `operations[${index}].value`);
        return { id, text: JSON.stringify(operation.value) };
      });
      for (const { id, text } of steps) {
        if (text === undefined) records.delete(id);
        else records.set(id, text);
      }
    },
    corruptions(): ReadonlyArray<IPersistCorruption> {
      return [...found];
    },
    async dispose() {
      // The records stay: a Map shared with another adapter is how a restart is simulated.
      disposed = true;
    },
  };
}
