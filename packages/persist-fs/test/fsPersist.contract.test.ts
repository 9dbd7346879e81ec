import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IPersistAdapterV2 } from "@bt/core";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { describePersistContractV2 } from "@bt/persist-testkit";
import { afterAll } from "vitest";

const root = mkdtempSync(join(tmpdir(), "bt-persist-fs-contract-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dirs = new WeakMap<IPersistAdapterV2, string>();
describePersistContractV2({
  name: "fs",
  create: () => {
    const dir = mkdtempSync(join(root, "case-"));
    const adapter = createFsPersist({ dir, onWarning: () => undefined });
    dirs.set(adapter, dir);
    return adapter;
  },
  capabilities: { atomicBatch: false },
  corrupt: async (adapter, entity, key) =>
    writeFileSync(join(dirs.get(adapter) ?? "", "v2", entity, keyToFileName(key)), '{"v":2,"entity":'),
  reopen: (adapter) => createFsPersist({ dir: dirs.get(adapter) ?? "", onWarning: () => undefined }),
});
