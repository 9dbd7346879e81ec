// Every publishable package builds before it is packed (`prepack` = its build), and a pack of a package
// with no dist/ (a fresh clone) ships dist/index.js and dist/index.d.ts. The pack runs on a copy of
// @bt/persist-postgres without dist/, in a temp workspace that links the real tooling, catalog and @bt/core,
// so the repository's own dist/ folders (used by the CLI tests meanwhile) are never rebuilt under them.

import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const run = promisify(execFile);

const publishable = ["packages", "apps"]
  .flatMap((folder) => readdirSync(join(ROOT, folder)).map((name) => join(folder, name)))
  .filter((folder) => existsSync(join(ROOT, folder, "package.json")))
  .map((folder) => ({
    folder,
    manifest: JSON.parse(readFileSync(join(ROOT, folder, "package.json"), "utf8")),
  }))
  .filter(({ manifest }) => !manifest.private);

const temp = mkdtempSync(join(tmpdir(), "bt-doctest-pack-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("packing", () => {
  it("every publishable package runs its build as prepack", () => {
    expect(publishable.length).toBeGreaterThan(10);
    const missing = publishable
      .filter(
        ({ manifest }) => !manifest.scripts?.build || manifest.scripts.prepack !== manifest.scripts.build,
      )
      .map(({ folder }) => folder);
    expect(missing).toEqual([]);
  });

  it("pnpm pack of @bt/persist-postgres without dist/ ships dist/index.js and dist/index.d.ts", async () => {
    const copy = join(temp, "packages", "persist-postgres");
    mkdirSync(join(temp, "packages"));
    const source = join(ROOT, "packages", "persist-postgres");
    cpSync(source, copy, {
      recursive: true,
      filter: (path) => !/[/\\](dist|node_modules|\.turbo)$/.test(path),
    });
    symlinkSync(join(source, "node_modules"), join(copy, "node_modules"));
    symlinkSync(join(ROOT, "packages", "core"), join(temp, "packages", "core")); // workspace:^ of the manifest
    for (const shared of ["tooling", "tsconfig.base.json", "pnpm-workspace.yaml", "package.json"]) {
      symlinkSync(join(ROOT, shared), join(temp, shared)); // the tsup preset, the tsconfig base, the catalog
    }
    expect(existsSync(join(copy, "dist"))).toBe(false);
    await run("pnpm", ["pack", "--pack-destination", temp], { cwd: copy });
    const tarball = readdirSync(temp).find((name) => name.endsWith(".tgz"));
    expect(tarball).toBe("bt-persist-postgres-0.0.0.tgz");
    const { stdout } = await run("tar", ["-tzf", join(temp, tarball!)]);
    const entries = stdout.split("\n");
    expect(entries).toContain("package/dist/index.js");
    expect(entries).toContain("package/dist/index.d.ts");
    expect(entries).toContain("package/package.json");
  });
});
