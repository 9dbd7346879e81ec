import { createMemoryPersist, describePersistContract } from "@bt/persist-testkit";

describePersistContract({
  name: "memory",
  create: () => createMemoryPersist(),
  capabilities: { atomicBatch: true },
});
