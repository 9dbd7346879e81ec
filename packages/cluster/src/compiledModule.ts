// A TypeScript user module (strategy or candle module, and the relative files it imports) compiled by
// esbuild into one ES module, cached on disk and imported without loader hooks: a worker thread then
// needs no tsx hooks thread, and on a cache hit loads neither esbuild nor tsx. The cache lives under the
// nearest node_modules/.cache/bt-cluster above the file, so package imports resolve as from the file.
// Files whose meaning bundling would change (a computed import(), import.meta.resolve) give null: the
// caller uses tsx. The same scheme as @bt/cli's strategy loader (which cannot import this package at
// start-up).

import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";

/** Bump when the output's shape changes, so older cache entries are ignored. */
const CACHE_FORMAT = 1;

/** What a cache entry records beside the module: every bundled file with its size and mtime. */
interface ICacheManifest {
  format: number;
  inputs: Array<{ path: string; size: number; mtimeMs: number }>;
}

/** esbuild rejected the code (syntax, a missing relative import): the module cannot load. */
export class ModuleCompileError extends Error {}

/** node_modules/.cache/bt-cluster under the nearest node_modules at or above `directory` (else the temp dir). */
function cacheDirectory(directory: string): string {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, "node_modules")))
      return join(current, "node_modules", ".cache", "bt-cluster");
    if (dirname(current) === current) return join(tmpdir(), "bt-cluster-cache");
  }
}

/** FNV-1a (32-bit, twice with different seeds) of `text` as hex: a cache file name, not a secret. */
function nameHash(text: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x811c9dc5);
  }
  return (first >>> 0).toString(16).padStart(8, "0") + (second >>> 0).toString(16).padStart(8, "0");
}

function isFresh(manifestPath: string): boolean {
  let manifest: ICacheManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ICacheManifest;
  } catch {
    return false;
  }
  if (manifest.format !== CACHE_FORMAT || !Array.isArray(manifest.inputs)) return false;
  return manifest.inputs.every((input) => {
    try {
      const stats = statSync(input.path);
      return stats.size === input.size && stats.mtimeMs === input.mtimeMs;
    } catch {
      return false;
    }
  });
}

/**
 * The file URL of the TypeScript module at `path` compiled to a cached ES module (compiled now on a
 * miss), or null when it needs loader hooks.
 * @throws ModuleCompileError when esbuild rejects the code; any other error means no cache or esbuild
 * is usable here (the caller falls back to tsx).
 */
export async function compiledModuleUrl(path: string): Promise<string | null> {
  const realPath = realpathSync.native(path);
  const directory = cacheDirectory(dirname(realPath));
  const stem = `${basename(realPath).replace(/[^\w.-]/g, "_")}-${nameHash(`${CACHE_FORMAT}\0${realPath}\0${process.version}`)}`;
  const modulePath = join(directory, `${stem}.mjs`);
  const manifestPath = join(directory, `${stem}.json`);
  if (existsSync(modulePath) && isFresh(manifestPath)) return pathToFileURL(modulePath).href;

  const esbuild = await import("esbuild");
  const inputs: ICacheManifest["inputs"] = [];
  let needsHooks = false;
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      entryPoints: [realPath],
      absWorkingDir: dirname(realPath),
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // Packages stay imports resolved by Node at run time; only the user's own files are bundled.
      packages: "external",
      write: false,
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      plugins: [
        {
          name: "bt-cluster",
          setup(build) {
            build.onLoad({ filter: /\.(m?ts|tsx|m?js|jsx)$/ }, (args) => {
              // Stat before reading: a file edited meanwhile is then stale, never wrongly fresh.
              const stats = statSync(args.path);
              inputs.push({ path: args.path, size: stats.size, mtimeMs: stats.mtimeMs });
              if (args.path.includes("/node_modules/")) return undefined;
              const source = readFileSync(args.path, "utf8");
              if (/\bimport\s*\(\s*[^"'`\s)]/.test(source) || /\bimport\.meta\.resolve\b/.test(source)) {
                needsHooks = true;
              }
              // Each bundled file keeps its own location.
              const contents = source
                .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
                .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path))
                .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)));
              const extension = args.path.slice(args.path.lastIndexOf(".") + 1);
              const loader =
                extension === "tsx" || extension === "jsx"
                  ? extension
                  : extension.endsWith("ts")
                    ? "ts"
                    : "js";
              return { contents, loader };
            });
          },
        },
      ],
    });
  } catch (error) {
    const errors = (
      error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }
    ).errors;
    const first = Array.isArray(errors) ? errors[0] : undefined;
    if (first !== undefined) {
      const where = first.location ? ` (${first.location.file}:${first.location.line})` : "";
      throw new ModuleCompileError(`${first.text}${where}`, { cause: error });
    }
    throw error;
  }
  if (needsHooks) return null;
  const output = result.outputFiles?.[0];
  if (output === undefined) throw new Error("esbuild produced no output");
  mkdirSync(directory, { recursive: true });
  // Written beside and renamed, so another thread or process never imports half a file.
  const suffix = `${process.pid}-${threadId}.tmp`;
  writeFileSync(`${modulePath}.${suffix}`, output.contents);
  renameSync(`${modulePath}.${suffix}`, modulePath);
  writeFileSync(`${manifestPath}.${suffix}`, JSON.stringify({ format: CACHE_FORMAT, inputs }));
  renameSync(`${manifestPath}.${suffix}`, manifestPath);
  return pathToFileURL(modulePath).href;
}
