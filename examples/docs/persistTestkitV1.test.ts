// test/myPersist.contract.test.ts (v1), with the reference memory adapter standing in for createMyPersist.
import type { IPersistAdapter } from "@bt/core";
import { createMemoryPersist, describePersistContract } from "@bt/persist-testkit";

const storage = new WeakMap<IPersistAdapter, Map<string, string>>();
const createMyPersist = (records = new Map<string, string>()) => {
  const adapter = createMemoryPersist({ records, onWarning: () => undefined });
  storage.set(adapter, records);
  return adapter;
};

describePersistContract({
  name: "memory",
  create: () => createMyPersist(), // a fresh namespace per case: never shared data
  capabilities: { atomicBatch: true }, // what your adapter must declare (optional)
  // Damage a stored record behind the adapter's back (for P20); omit only if your backend cannot hold one.
  corrupt: async (adapter, entity, key) => void storage.get(adapter)?.set(`${entity}/${key}`, "{not json"),
});
