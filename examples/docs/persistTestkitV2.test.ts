// test/myPersist.contract.test.ts, with the reference memory adapter standing in for createMyPersist.
import type { IPersistAdapterV2 } from "@bt/core";
import { createMemoryPersistV2, describePersistContractV2, memoryRecordIdV2 } from "@bt/persist-testkit";

const storage = new WeakMap<IPersistAdapterV2, Map<string, string>>(); // where each adapter keeps its records
const createMyPersist = (records = new Map<string, string>()) => {
  const adapter = createMemoryPersistV2({ records, onWarning: () => undefined }); // specVersion: 2
  storage.set(adapter, records);
  return adapter;
};

describePersistContractV2({
  name: "memory",
  create: () => createMyPersist(), // a fresh, empty storage for every case
  capabilities: { atomicBatch: true },
  corrupt: async (adapter, entity, key) =>
    void storage.get(adapter)?.set(memoryRecordIdV2(entity, key), "{torn"),
  reopen: (adapter) => createMyPersist(storage.get(adapter)), // same storage, for V40–V41
});
