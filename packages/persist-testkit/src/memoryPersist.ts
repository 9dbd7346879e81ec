// In-memory reference implementation of IPersistAdapter v1: the smallest adapter that passes the
// contract suite. Values are stored as JSON text so callers never share objects with the store.
// Useful as a model for adapter authors and as a fast adapter in engine tests.

import {
  assertPersistable,
  BtError,
  type IPersistAdapter,
  type IPersistCorruption,
  PERSIST_ENTITIES,
  type PersistBatchOperation,
  type PersistEntity,
  type PersistValue,
} from "@bt/core";

/** Options of createMemoryPersist. */
export interface IMemoryPersistOptions {
  /** Adapter name used in error messages; default "memory". */
  name?: string;
}

/**
 * Creates an in-memory persistence adapter (nothing survives the process); batches are atomic.
 * @example
 * const persist = createMemoryPersist();
 * await persist.write("signal", "BTCUSDT:s:x", { priceOpen: 100 });
 */
export function createMemoryPersist(options: IMemoryPersistOptions = {}): IPersistAdapter {
  const name = options.name ?? "memory";
  const tables = new Map<PersistEntity, Map<string, string>>();
  let disposed = false;

  function checkEntity(entity: PersistEntity): void {
    if (disposed) throw new BtError("PERSIST", `${name}: adapter is disposed`, { adapter: name });
    if (!PERSIST_ENTITIES.includes(entity)) {
      throw new BtError("PERSIST", `${name}: unknown entity ${JSON.stringify(entity)}`, {
        adapter: name,
        field: "entity",
        value: entity,
      });
    }
  }

  function table(entity: PersistEntity, key: string): Map<string, string> {
    checkEntity(entity);
    if (typeof key !== "string" || key.length === 0) {
      throw new BtError("PERSIST", `${name}: key must be a non-empty string`, {
        adapter: name,
        field: "key",
        value: key,
      });
    }
    let records = tables.get(entity);
    if (!records) {
      records = new Map();
      tables.set(entity, records);
    }
    return records;
  }

  function apply(operation: PersistBatchOperation, text: string | undefined): void {
    const records = table(operation.entity, operation.key);
    if (operation.op === "write" && text !== undefined) records.set(operation.key, text);
    else records.delete(operation.key);
  }

  return {
    name,
    specVersion: 1,
    capabilities: { atomicBatch: true },
    async waitForInit() {
      if (disposed) throw new BtError("PERSIST", `${name}: adapter is disposed`, { adapter: name });
    },
    async read(entity, key) {
      const text = table(entity, key).get(key);
      return text === undefined ? null : (JSON.parse(text) as PersistValue);
    },
    async write(entity, key, value) {
      table(entity, key);
      assertPersistable(value, name);
      table(entity, key).set(key, JSON.stringify(value));
    },
    async delete(entity, key) {
      table(entity, key).delete(key);
    },
    async list(entity) {
      checkEntity(entity);
      return [...(tables.get(entity)?.keys() ?? [])].sort();
    },
    async batch(operations) {
      // Validate everything first, then apply synchronously: no reader can observe half a batch.
      const texts = operations.map((operation, index) => {
        table(operation.entity, operation.key);
        if (operation.op === "delete") return undefined;
        assertPersistable(operation.value, name, `operations[${index}].value`);
        return JSON.stringify(operation.value);
      });
      for (const [index, operation] of operations.entries()) apply(operation, texts[index]);
    },
    corruptions(): ReadonlyArray<IPersistCorruption> {
      return [];
    },
    async dispose() {
      disposed = true;
      tables.clear();
    },
  };
}
