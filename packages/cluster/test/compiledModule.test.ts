// The esbuild-compiled, cached form of a TypeScript module the threads load: recompiled when a bundled file
// changes, each file keeps its import.meta.url, a syntax error is a ModuleCompileError, and a computed
// import() is left to tsx (null).

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compiledModuleUrl, ModuleCompileError } from "../src/compiledModule";

const root = mkdtempSync(join(tmpdir(), "bt-cluster-compiled-"));
mkdirSync(join(root, "node_modules"));
mkdirSync(join(root, "lib"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const importFresh = async (url: string) =>
  (await import(`${url}?${Math.random()}`)) as Record<string, unknown>;

describe("compiledModuleUrl", () => {
  it("bundles relative imports into node_modules/.cache/bt-cluster and recompiles on a change", async () => {
    const helper = join(root, "lib", "value.ts");
    writeFileSync(helper, "export const value: number = 1;\nexport const where = import.meta.url;\n");
    const entry = join(root, "sweep.strategy.ts");
    writeFileSync(entry, 'export { value, where } from "./lib/value";\n');
    const url = (await compiledModuleUrl(entry)) as string;
    expect(url).toMatch(/\/node_modules\/\.cache\/bt-cluster\/sweep\.strategy\.ts-[0-9a-f]+\.mjs$/);
    const module = await importFresh(url);
    expect(module.value).toBe(1);
    expect(module.where).toBe(pathToFileURL(helper).href);
    writeFileSync(helper, "export const value: number = 22;\nexport const where = import.meta.url;\n");
    utimesSync(helper, new Date(), new Date(Date.now() + 5_000));
    expect((await importFresh((await compiledModuleUrl(entry)) as string)).value).toBe(22);
  });

  it("a syntax error is a ModuleCompileError; a computed import() gives null", async () => {
    const broken = join(root, "broken.ts");
    writeFileSync(broken, "export const broken = ;\n");
    await expect(compiledModuleUrl(broken)).rejects.toBeInstanceOf(ModuleCompileError);
    const dynamic = join(root, "dynamic.ts");
    writeFileSync(dynamic, 'const name = "./lib/value";\nexport const load = () => import(name);\n');
    expect(await compiledModuleUrl(dynamic)).toBeNull();
  });
});
