// A tiny in-memory IPersistAdapter for the engine's live tests (the engine cannot depend on adapter
// packages). Records are JSON text in a shared Map, so a "restarted" adapter sees the same data. It
// can die after a given number of record operations: from then on every call throws, which leaves the
// records exactly as a process killed at that instant would (batches are applied one op at a time
// unless atomicBatch).

import {
  assertPersistable,
  BtError,
  type IPersistAdapter,
  type PersistBatchOperation,
  type PersistEntity,
  type PersistValue,
} from "@bt/core";

export interface IMemoryPersistOptions {
  /** Shared records (entity + "\u0000" + key → JSON text); pass the same Map to "restart". */
  records?: Map<string, string>;
  atomicBatch?: boolean;
  /** Record operations (writes and deletes, batch steps included) allowed before the adapter dies. */
  dieAfterOperations?: number;
  /** Called once when it dies. */
  onDeath?: () => void;
}

export interface IMemoryPersist extends IPersistAdapter {
  readonly records: Map<string, string>;
  /** Record operations applied so far. */
  readonly operations: number;
  readonly dead: boolean;
}

export function createMemoryPersist(options: IMemoryPersistOptions = {}): IMemoryPersist {
  const records = options.records ?? new Map<string, string>();
  const atomicBatch = options.atomicBatch ?? false;
  let operations = 0;
  let dead = false;
  const recordKey = (entity: PersistEntity, key: string) => `${entity}\u0000${key}`;
  const checkAlive = () => {
    if (dead) throw new BtError("PERSIST", "memory: the process is dead", { adapter: "memory" });
  };
  /** Counts one operation; dies instead when the budget is spent. */
  const spend = () => {
    checkAlive();
    if (options.dieAfterOperations !== undefined && operations >= options.dieAfterOperations) {
      dead = true;
      options.onDeath?.();
      checkAlive();
    }
    operations++;
  };
  const apply = (operation: PersistBatchOperation) => {
    if (operation.op === "write")
      records.set(recordKey(operation.entity, operation.key), JSON.stringify(operation.value));
    else records.delete(recordKey(operation.entity, operation.key));
  };
  return {
    name: "memory",
    specVersion: 1,
    capabilities: { atomicBatch },
    records,
    get operations() {
      return operations;
    },
    get dead() {
      return dead;
    },
    async waitForInit() {
      checkAlive();
    },
    async read(entity, key) {
      checkAlive();
      const text = records.get(recordKey(entity, key));
      return text === undefined ? null : (JSON.parse(text) as PersistValue);
    },
    async write(entity, key, value) {
      assertPersistable(value, "memory");
      spend();
      apply({ op: "write", entity, key, value });
    },
    async delete(entity, key) {
      spend();
      apply({ op: "delete", entity, key });
    },
    async list(entity) {
      checkAlive();
      const prefix = `${entity}\u0000`;
      return [...records.keys()]
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length))
        .sort();
    },
    async batch(batchOperations) {
      for (const operation of batchOperations) {
        if (operation.op === "write") assertPersistable(operation.value, "memory");
      }
      if (atomicBatch) {
        spend();
        for (const operation of batchOperations) apply(operation);
        return;
      }
      for (const operation of batchOperations) {
        spend();
        apply(operation);
      }
    },
    corruptions: () => [],
    async dispose() {},
  };
}
