// Loads user strategy and walker files (TypeScript or JavaScript) with tsx, no build step. Imports of
// @bt/* packages inside them are redirected to the CLI's own copies so the strategy's getCandles and
// the CLI's engine share one ambient context; .ts/.js user files always load as ES modules.

import { existsSync } from "node:fs";
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { badInput } from "./cliError";

const SHARED_PACKAGES = [
  "@bt/core",
  "@bt/context",
  "@bt/engine",
  "@bt/exchange-file",
  "@bt/exchange-ccxt",
  "@bt/persist-fs",
  "@bt/persist-redis",
  "@bt/persist-mongo",
  "@bt/report-markdown",
  "@bt/cli",
] as const;

// A resolve/load hook module (runs on Node's loader thread): @bt/* → the CLI's URLs; user .ts/.js files
// outside node_modules are ES modules whatever the nearest package.json says (no CJS interop surprises).
const HOOKS_SOURCE = `
let map = {};
export function initialize(data) { map = data.map; }
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(map, specifier)) return { url: map[specifier], shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith("file:") && !url.includes("/node_modules/") && /\\.(ts|tsx|js|jsx)$/.test(new URL(url).pathname)) {
    const result = await next(url, { ...context, format: "module" });
    return { ...result, format: "module" };
  }
  return next(url, context);
}
`;

let registered: Promise<void> | null = null;

/** The URLs the CLI itself resolves for each shared @bt package (packages that cannot be resolved are left out). */
export function sharedPackageUrls(): Record<string, string> {
  const map: Record<string, string> = {};
  for (const name of SHARED_PACKAGES) {
    try {
      map[name] = import.meta.resolve(name);
    } catch {
      // Not installed next to the CLI (e.g. running from source): user imports resolve normally.
    }
  }
  return map;
}

async function registerHooks(): Promise<void> {
  // The engine is loaded first so the redirected URLs are the very modules the CLI already uses.
  await import("@bt/engine");
  const { register: registerTsx } = await import("tsx/esm/api");
  // tsconfig: false: a project's tsconfig `paths` (e.g. the editor mapping `bt init` writes) must never
  // send @bt/* to another copy; the hook below is the only resolver of those names.
  registerTsx({ tsconfig: false });
  register(`data:text/javascript,${encodeURIComponent(HOOKS_SOURCE)}`, {
    data: { map: sharedPackageUrls() },
  });
}

/** First line of an error message (esbuild and Node errors can span many lines). */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").find((line) => line.trim() !== "") ?? message;
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
  registered ??= registerHooks();
  await registered;
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw badInput(
      `${kind} file ${file} failed to load: ${firstLine(error)}`,
      "fix that file; --verbose prints the stack",
      error,
    );
  }
}
