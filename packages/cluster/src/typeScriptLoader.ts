// Importing user files that may be TypeScript (strategy modules, candle modules) in any thread or
// process: a TypeScript file is first compiled by esbuild into a cached ES module and imported without
// loader hooks (compiledModule.ts); otherwise the plain import is tried (a test runner or an already
// registered loader may handle TypeScript), and on an unknown-extension error tsx's ESM loader is
// registered once per thread and the import retried. A thread whose entry already registered tsx marks
// it on globalThis.

import { isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BtError } from "@bt/core";
import { compiledModuleUrl, ModuleCompileError } from "./compiledModule";

const REGISTERED = Symbol.for("@bt/cluster/tsxRegistered");
const TYPESCRIPT_FILE = /\.(ts|mts|cts|tsx)$/;

type GlobalFlags = { [REGISTERED]?: boolean };

/** Registers tsx's ESM loader in this thread (once). */
export async function ensureTypeScriptLoader(): Promise<void> {
  const flags = globalThis as GlobalFlags;
  if (flags[REGISTERED] === true) return;
  const { register } = await import("tsx/esm/api");
  register();
  flags[REGISTERED] = true;
}

/**
 * The cached esbuild-compiled form of a TypeScript file (compiledModule.ts), or null when it needs loader
 * hooks or nothing can be cached here (the import then goes through tsx as before).
 * @throws ModuleCompileError when the code does not compile.
 */
async function compiledOrNull(path: string): Promise<string | null> {
  try {
    return await compiledModuleUrl(path);
  } catch (error) {
    if (error instanceof ModuleCompileError) throw error;
    return null;
  }
}

/** The file URL of `path`, resolved against `root` (default: the working directory) when relative. */
export function moduleUrl(path: string, root: string = process.cwd()): string {
  return pathToFileURL(isAbsolute(path) ? path : resolve(root, path)).href;
}

/**
 * Imports the module at `path` (TypeScript allowed) and returns its namespace.
 * @throws BtError CONFIG when the module cannot be loaded (the loader's error is the cause).
 */
export async function importUserModule(
  path: string,
  what: string,
  root?: string,
): Promise<Record<string, unknown>> {
  const url = moduleUrl(path, root);
  try {
    if (TYPESCRIPT_FILE.test(path)) {
      const compiled = await compiledOrNull(fileURLToPath(url));
      if (compiled !== null) return (await import(compiled)) as Record<string, unknown>;
    }
    try {
      return (await import(url)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (!TYPESCRIPT_FILE.test(path) || code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
      await ensureTypeScriptLoader();
      // A new URL: the failed import may be cached under the plain one.
      return (await import(`${url}?tsx`)) as Record<string, unknown>;
    }
  } catch (error) {
    throw new BtError(
      "CONFIG",
      `cluster: cannot load the ${what} ${url}: ${(error as Error)?.message ?? error}`,
      {
        field: what,
        value: path,
        cause: error,
      },
    );
  }
}
