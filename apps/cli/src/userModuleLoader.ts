// Loads user strategy and walker files (TypeScript or JavaScript), no build step: compiled by esbuild into
// a cached ES module (compiledModule.ts: no loader hooks, so no hooks thread), or with tsx's hooks for a
// file that needs them or where no cache can be written. A user
// file's imports resolve as Node resolves them, so a project that installs its own @bt/engine uses that
// copy (the engine shares its ambient context and run table across copies through globalThis slots, so
// that copy's getCandles sees the CLI's runs). A @bt/* package the project does not install at all
// (a `bt init` project, a loose file) resolves from this CLI's installation instead. .ts/.js user files
// always load as ES modules.

import { existsSync } from "node:fs";
import Module, { createRequire, register } from "node:module";
import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { badInput, CliError } from "./cliError";
import { codeFrameOf, type ISourceLocation, locationFromTransformMessage } from "./codeFrame";
import { compiledModuleUrl, UserModuleCompileError } from "./compiledModule";

// A resolve/load hook module (runs on Node's loader thread): a @bt/* import that fails to resolve from
// the importing file is resolved again from the CLI's own location; user .ts/.js files outside
// node_modules are ES modules whatever the nearest package.json says (no CJS interop surprises).
const HOOKS_SOURCE = `
let cliUrl = "";
export function initialize(data) { cliUrl = data.cliUrl; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!specifier.startsWith("@bt/") || error?.code !== "ERR_MODULE_NOT_FOUND" || context.parentURL === cliUrl) throw error;
    return next(specifier, { ...context, parentURL: cliUrl });
  }
}
export async function load(url, context, next) {
  if (url.startsWith("file:") && !url.includes("/node_modules/") && /\\.(ts|tsx|js|jsx)$/.test(new URL(url).pathname)) {
    const result = await next(url, { ...context, format: "module" });
    return { ...result, format: "module" };
  }
  return next(url, context);
}
`;

let registered = false;

/** Module internals tsx patches on the main thread (see registerTsxHooks). */
interface ICjsModuleInternals {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
  _cache: Record<string, unknown>;
}

/**
 * Registers tsx's ESM hooks (`tsx/esm`) exactly as tsx's `register()` from `tsx/esm/api` does on this
 * Node (module.register of a fresh `tsx/esm` instance, source maps on, CommonJS resolution of tsx's
 * `data:…?filePath=` modules mapped back to the file), without importing `tsx/esm/api` on the main
 * thread: that import pulls in esbuild's JS API and tsx's resolver (~80 ms) which only the hooks thread
 * uses.
 */
function registerTsxHooks(): void {
  const tsxHooksPath = createRequire(import.meta.url).resolve("tsx/esm");
  process.setSourceMapsEnabled(true);
  const internals = Module as unknown as ICjsModuleInternals;
  const resolveFilename = internals._resolveFilename;
  // tsx hands CommonJS TypeScript it compiled to Node as `data:text/javascript,…?filePath=<file>`; a
  // require() from such a module must resolve relative to <file> (tsx's interopCjsExports).
  internals._resolveFilename = (request, ...rest) => {
    let mapped = request;
    const query = request.startsWith("data:text/javascript,") ? request.indexOf("?") : -1;
    const filePath = query === -1 ? null : new URLSearchParams(request.slice(query + 1)).get("filePath");
    if (filePath) {
      internals._cache[filePath] = internals._cache[request];
      delete internals._cache[request];
      mapped = filePath;
    }
    return resolveFilename(mapped, ...rest);
  };
  // tsconfig: false: a project's tsconfig `paths` (e.g. the editor mapping `bt init` writes to this CLI's
  // .d.ts files) must never become runtime resolution. The query makes a fresh hooks instance even when
  // tsx is already loaded (`node --import tsx`), as tsx's register() does with a random one.
  register(`${pathToFileURL(tsxHooksPath).href}?bt-cli`, { data: { tsconfig: false } });
}

function registerHooks(): void {
  registerTsxHooks();
  register(`data:text/javascript,${encodeURIComponent(HOOKS_SOURCE)}`, {
    data: { cliUrl: import.meta.url },
  });
}

/** First line of an error message (esbuild and Node errors can span many lines). */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").find((line) => line.trim() !== "") ?? message;
}

/** The bad-input error of a file that does not compile: file:line:column, the message and a code frame. */
function compileFailure(
  kind: string,
  file: string,
  cwd: string,
  location: ISourceLocation,
  cause: unknown,
): CliError {
  const shown = relativeOrAbsolute(cwd, location.file);
  return new CliError(
    `${kind} file ${file} failed to load: ${shown}:${location.line}:${location.column + 1}: ${location.text}`,
    { hint: "fix that file; --verbose prints the stack", cause, detail: codeFrameOf(location) },
  );
}

function relativeOrAbsolute(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? path : shown;
}

/**
 * The path of `file` compiled by this loader (a plain ES module whose @bt/* imports a project lacks point
 * at this CLI's copies), for code that imports it elsewhere (worker threads); the file itself when it
 * needs loader hooks or nothing can be cached here.
 */
export async function compiledUserModulePath(file: string, cwd: string): Promise<string> {
  const path = resolve(cwd, file);
  try {
    const url = await compiledModuleUrl(path, import.meta.url);
    return url === null ? path : fileURLToPath(url);
  } catch {
    // importUserModule reports compile errors; here the threads' own loader gets the file.
    return path;
  }
}

/**
 * Imports a user module (strategy or walker file) relative to `cwd`.
 * @throws CliError (exit 2) when the file is missing or throws while being imported.
 */
export async function importUserModule(
  kind: string,
  file: string,
  cwd: string,
): Promise<Record<string, unknown>> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) {
    throw badInput(`${kind} file not found: ${path}`, "paths are resolved from the current directory");
  }
  let url: string | null = null;
  try {
    url = await compiledModuleUrl(path, import.meta.url);
  } catch (error) {
    if (error instanceof UserModuleCompileError && error.location !== null) {
      throw compileFailure(kind, file, cwd, error.location, error);
    }
    if (error instanceof UserModuleCompileError) {
      throw badInput(
        `${kind} file ${file} failed to load: ${error.message}`,
        "fix that file; --verbose prints the stack",
        error,
      );
    }
    // No usable cache directory or esbuild here: tsx's hooks load the file instead.
  }
  if (url === null && !registered) {
    registered = true;
    registerHooks();
  }
  if (url !== null) process.setSourceMapsEnabled(true);
  try {
    return (await import(url ?? pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    // tsx (the hooks path) reports a syntax error as "Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: …".
    const location = error instanceof Error ? locationFromTransformMessage(error.message) : null;
    if (location !== null) throw compileFailure(kind, file, cwd, location, error);
    throw badInput(
      `${kind} file ${file} failed to load: ${firstLine(error)}`,
      "fix that file; --verbose prints the stack",
      error,
    );
  }
}
