// The esbuild-compiled, cached form of a user file: recompiled when a bundled file changes, each file keeps
// its own import.meta.url, a syntax error is a UserModuleCompileError naming the file, and a computed
// import() is left to the tsx hooks (null).

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compiledModuleUrl, UserModuleCompileError } from "../src/compiledModule";

const root = mkdtempSync(join(tmpdir(), "bt-compiled-"));
// A node_modules directory makes the project's cache live inside it.
mkdirSync(join(root, "node_modules"));
mkdirSync(join(root, "lib"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const importFresh = async (url: string) =>
  (await import(`${url}?${Math.random()}`)) as Record<string, unknown>;

describe("compiledModuleUrl", () => {
  it("bundles relative TypeScript imports into a cached module under node_modules/.cache/bt-cli", async () => {
    writeFileSync(join(root, "lib", "where.ts"), "export const where: string = import.meta.url;\n");
    const entry = join(root, "entry.strategy.ts");
    writeFileSync(
      entry,
      'import { where } from "./lib/where";\nexport const here: string = import.meta.url;\nexport { where };\nexport default 1 as number;\n',
    );
    const url = await compiledModuleUrl(entry, import.meta.url);
    expect(url).toMatch(/\/node_modules\/\.cache\/bt-cli\/entry\.strategy\.ts-[0-9a-f]+\.mjs$/);
    const module = await importFresh(url as string);
    expect(module.default).toBe(1);
    expect(module.here).toBe(pathToFileURL(entry).href);
    expect(module.where).toBe(pathToFileURL(join(root, "lib", "where.ts")).href);
    // Unchanged files: the same entry, not compiled again.
    expect(await compiledModuleUrl(entry, import.meta.url)).toBe(url);
  });

  it("recompiles when a bundled file changes", async () => {
    const helper = join(root, "lib", "value.ts");
    writeFileSync(helper, "export const value = 1;\n");
    const entry = join(root, "value.strategy.ts");
    writeFileSync(entry, 'export { value } from "./lib/value";\n');
    const url = (await compiledModuleUrl(entry, import.meta.url)) as string;
    expect((await importFresh(url)).value).toBe(1);
    writeFileSync(helper, "export const value = 22;\n");
    // Same size class changes are caught by the mtime too.
    utimesSync(helper, new Date(), new Date(Date.now() + 5_000));
    const again = (await compiledModuleUrl(entry, import.meta.url)) as string;
    expect((await importFresh(again)).value).toBe(22);
  });

  it("a syntax error is a UserModuleCompileError naming the file and line", async () => {
    const entry = join(root, "broken.strategy.ts");
    writeFileSync(entry, "export const broken = ;\n");
    const error = await compiledModuleUrl(entry, import.meta.url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserModuleCompileError);
    expect((error as Error).message).toMatch(/broken\.strategy\.ts:1/);
  });

  it("a computed import() is left to the loader hooks", async () => {
    const entry = join(root, "dynamic.strategy.ts");
    writeFileSync(entry, 'const name = "./lib/value";\nexport const load = () => import(name);\n');
    expect(await compiledModuleUrl(entry, import.meta.url)).toBeNull();
  });
});
