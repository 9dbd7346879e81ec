// In-memory reference implementation of IPersistAdapterV2: the smallest adapter that passes the v2
// contract suite. Records live as JSON text in a Map (callers never share objects with the store); a
// Map passed in by the caller survives the adapter, which simulates a restart in engine tests.

import {
  assertPersistable,
  assertPersistTargetV2,
  BtError,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
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
}

/**
 * The id of a record in the `records` Map of createMemoryPersistV2: `"<entity>/<key>"` (entity names
 * contain no "/", so the split is unambiguous for any key).
 */
export function memoryRecordIdV2(entity: PersistEntityV2, key: string): string {
  return `${entity}/${key}`;
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
    async write(entity, key, value) {
      const id = recordId(entity, key);
      assertPersistable(value, name);
      records.set(id, JSON.stringify(value));
    },
    async delete(entity, key) {
      records.delete(recordId(entity, key));
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
    async batch(operations: ReadonlyArray<PersistBatchOperationV2>) {
      // Validate everything first, then apply synchronously: no reader can observe half a batch.
      const steps = operations.map((operation, index) => {
        const id = recordId(operation.entity, operation.key);
        if (operation.op === "delete") return { id, text: undefined };
        assertPersistable(operation.value, name, `operations[${index}].value`);
        return { id, text: JSON.stringify(operation.value) };
      });
      for (const { id, text } of steps) {
        if (text === undefined) records.delete(id);
        else records.set(id, text);
      }
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
