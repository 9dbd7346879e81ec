import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFsPersist } from "@bt/persist-fs";
import { describePersistContract } from "@bt/persist-testkit";
import { afterAll } from "vitest";

const root = mkdtempSync(join(tmpdir(), "bt-persist-fs-contract-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
describePersistContract({
  name: "fs",
  create: () => createFsPersist({ dir: mkdtempSync(join(root, "case-")) }),
});
