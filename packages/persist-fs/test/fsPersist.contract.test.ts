import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IPersistAdapter } from "@bt/core";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { describePersistContract } from "@bt/persist-testkit";
import { afterAll } from "vitest";

const root = mkdtempSync(join(tmpdir(), "bt-persist-fs-contract-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dirs = new WeakMap<IPersistAdapter, string>();
describePersistContract({
  name: "fs",
  create: () => {
    const dir = mkdtempSync(join(root, "case-"));
    const adapter = createFsPersist({ dir, onWarning: () => undefined });
    dirs.set(adapter, dir);
    return adapter;
  },
  capabilities: { atomicBatch: false },
  corrupt: async (adapter, entity, key) =>
    writeFileSync(join(dirs.get(adapter) ?? "", entity, keyToFileName(key)), '{"v":1,"entity":'),
});
