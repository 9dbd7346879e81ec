// A user strategy or walker file (and the relative files it imports) compiled by esbuild into one ES
// module, cached on disk and imported without any loader hooks: no tsx hooks thread, and on a cache hit
// neither esbuild nor tsx is loaded at all (a few stat calls, then a plain import). The module is written
// under the nearest node_modules/.cache/bt-cli above the file, so its package imports resolve as they do
// from the file itself; a @bt/* package the project does not install resolves to this CLI's copy, as the
// hooks did. Files whose meaning bundling would change (a computed import(), import.meta.resolve) return
// null: the caller loads them with tsx instead.

import { createHash } from "node:crypto";
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
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ISourceLocation } from "./codeFrame";

/** Bump when the output's shape changes, so older cache entries are ignored. */
const CACHE_FORMAT = 1;

/** What a cache entry records beside the module: its inputs and its @bt/* fallbacks. */
interface ICacheManifest {
  format: number;
  /** Every file bundled in, with the size and mtime it had when compiled. */
  inputs: Array<{ path: string; size: number; mtimeMs: number }>;
  /** @bt/* packages resolved from the CLI because the importing file's project had none: [package, dir]. */
  fallbacks: Array<[string, string]>;
}

/** A compile error of the user's code (syntax, a missing relative import): the file cannot load. */
export class UserModuleCompileError extends Error {
  /** Where esbuild found the error (absolute file, 1-based line, 0-based column), when it says. */
  readonly location: ISourceLocation | null;

  constructor(message: string, location: ISourceLocation | null, options?: { cause?: unknown }) {
    super(message, options);
    this.location = location;
  }
}

/** The package name of a bare specifier (`@scope/name` or `name`). */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/** True when Node would find `name` in a node_modules directory at or above `directory`. */
function packageReachable(name: string, directory: string): boolean {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, "node_modules", name, "package.json"))) return true;
    if (dirname(current) === current) return false;
  }
}

/** The directory for cache entries: node_modules/.cache/bt-cli under the nearest node_modules above `directory`. */
function cacheDirectory(directory: string): string {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, "node_modules"))) return join(current, "node_modules", ".cache", "bt-cli");
    if (dirname(current) === current) return join(tmpdir(), "bt-cli-cache");
  }
}

function isUserSource(path: string): boolean {
  return !path.includes("/node_modules/") && /\.(m?ts|tsx|m?js|jsx)$/.test(path);
}

/** True when the entry on disk was compiled from the files as they are now and its fallbacks still hold. */
function isFresh(manifestPath: string): boolean {
  let manifest: ICacheManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ICacheManifest;
  } catch {
    return false;
  }
  if (manifest.format !== CACHE_FORMAT || !Array.isArray(manifest.inputs)) return false;
  for (const input of manifest.inputs) {
    try {
      const stats = statSync(input.path);
      if (stats.size !== input.size || stats.mtimeMs !== input.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  // A project that has since installed the package must now get its own copy.
  return manifest.fallbacks.every(([name, directory]) => !packageReachable(name, directory));
}

/**
 * The file URL of `path` compiled to a cached ES module (compiled now on a miss), or null when the file
 * needs loader hooks (a computed import(), import.meta.resolve).
 * @throws UserModuleCompileError when esbuild rejects the code; any other error means the cache or
 * esbuild is unusable here (the caller falls back to tsx).
 */
export async function compiledModuleUrl(path: string, cliUrl: string): Promise<string | null> {
  // The @bt/* fallback needs the synchronous import.meta.resolve (Node ≥ 20.6); older Nodes use tsx.
  if (typeof import.meta.resolve !== "function") return null;
  // The native form: one system call instead of an lstat per path component.
  const realPath = realpathSync.native(path);
  const directory = cacheDirectory(dirname(realPath));
  const key = createHash("sha256")
    .update(`${CACHE_FORMAT}\0${realPath}\0${cliUrl}\0${process.version}`)
    .digest("hex")
    .slice(0, 20);
  const stem = `${basename(realPath).replace(/[^\w.-]/g, "_")}-${key}`;
  const modulePath = join(directory, `${stem}.mjs`);
  const manifestPath = join(directory, `${stem}.json`);
  if (existsSync(modulePath) && isFresh(manifestPath)) return pathToFileURL(modulePath).href;

  const esbuild = await import("esbuild");
  const fallbacks: Array<[string, string]> = [];
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
      // Every package stays an import (resolved by Node at run time); only the user's own files are bundled.
      packages: "external",
      write: false,
      sourcemap: "inline",
      sourcesContent: false,
      // As with tsx's tsconfig: false: a project's tsconfig (its `paths`) never changes runtime resolution.
      tsconfigRaw: "{}",
      logLevel: "silent",
      plugins: [
        {
          name: "bt-cli",
          setup(build) {
            build.onResolve({ filter: /^@bt\// }, (args) => {
              const name = packageName(args.path);
              if (packageReachable(name, args.resolveDir)) return { path: args.path, external: true };
              fallbacks.push([name, args.resolveDir]);
              return { path: import.meta.resolve(args.path), external: true };
            });
            build.onLoad({ filter: /\.(m?ts|tsx|m?js|jsx)$/ }, (args) => {
              // Stat before reading: a file edited meanwhile is then stale, never wrongly fresh.
              const stats = statSync(args.path);
              inputs.push({ path: args.path, size: stats.size, mtimeMs: stats.mtimeMs });
              if (!isUserSource(args.path)) return undefined;
              const source = readFileSync(args.path, "utf8");
              // A computed import() would resolve from the cache file; import.meta.resolve likewise.
              if (/\bimport\s*\(\s*[^"'`\s)]/.test(source) || /\bimport\.meta\.resolve\b/.test(source)) {
                needsHooks = true;
              }
              // Each bundled file keeps its own location.
              const url = pathToFileURL(args.path).href;
              const contents = source
                .replace(/\bimport\.meta\.url\b/g, JSON.stringify(url))
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
    type EsbuildMessage = { text: string; location?: { file: string; line: number; column: number } | null };
    const errors = (error as { errors?: EsbuildMessage[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const first = errors[0] as EsbuildMessage;
      const location =
        first.location == null
          ? null
          : {
              // esbuild names the file relative to absWorkingDir.
              file: resolve(dirname(realPath), first.location.file),
              line: first.location.line,
              column: first.location.column,
              text: first.text,
            };
      const where = first.location
        ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
        : "";
      throw new UserModuleCompileError(`${where}${first.text}`, location, { cause: error });
    }
    throw error;
  }
  if (needsHooks) return null;
  const output = result.outputFiles?.[0];
  if (output === undefined) throw new Error("esbuild produced no output");
  const manifest: ICacheManifest = { format: CACHE_FORMAT, inputs, fallbacks };
  mkdirSync(directory, { recursive: true });
  // Written beside and renamed, so a concurrent run never imports half a file.
  const temporary = `${modulePath}.${process.pid}.tmp`;
  writeFileSync(temporary, output.contents);
  renameSync(temporary, modulePath);
  writeFileSync(`${manifestPath}.${process.pid}.tmp`, JSON.stringify(manifest));
  renameSync(`${manifestPath}.${process.pid}.tmp`, manifestPath);
  return pathToFileURL(modulePath).href;
}
