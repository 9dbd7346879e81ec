// The type check of generated code: the whole file compiled in memory with the TypeScript compiler API
// (noEmit, strict, ES2022, Bundler resolution) against the @bt/core and @bt/engine this package depends
// on. One compiler host and its parsed library files are kept across checks, so only the first is slow.

import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTypeScript, type TypeScriptModule } from "./typeScriptLoader";

/** Options of checkGeneratedCode. */
export interface ICheckGeneratedCodeOptions {
  /**
   * Directory the virtual file lives in, so `@bt/engine` and `@bt/core` resolve from its node_modules;
   * default the @bt/optimizer package directory (its own dependencies).
   */
  baseDir?: string;
  /**
   * Resolve workspace packages through their "@bt/source" export condition (TypeScript source) instead
   * of their built declarations; default: true for a workspace link or an engine without
   * dist/index.d.ts, false for an installed engine with declarations.
   */
  sourceCondition?: boolean;
  /** The most diagnostics returned; default 10. */
  maxDiagnostics?: number;
}

/** Outcome of checkGeneratedCode; durationMs is the wall time of the check, ms. */
export type CodeCheckResult =
  | { ok: true; durationMs: number }
  | { ok: false; reason: string; diagnostics: string[]; durationMs: number };

/** The @bt/optimizer package directory (src/.. in the workspace, dist/.. when installed). */
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Name of the in-memory file under check. */
const VIRTUAL_FILE_NAME = "__bt_optimizer_check__.ts";

interface ICheckerCache {
  key: string;
  options: import("typescript").CompilerOptions;
  files: Map<string, import("typescript").SourceFile>;
  program: import("typescript").Program | undefined;
}

let cache: ICheckerCache | undefined;

/**
 * Whether to check against the "@bt/source" condition: yes for a workspace link (the engine's real path
 * is outside node_modules, as in the bt monorepo: never a stale dist) or an engine without a built
 * dist/index.d.ts; no for an installed engine with declarations (faster: no engine source to parse).
 */
function prefersSource(baseDir: string): boolean {
  try {
    const require = createRequire(join(baseDir, "package.json"));
    const engineDir = realpathSync(dirname(require.resolve("@bt/engine/package.json")));
    if (!engineDir.split(/[\\/]/).includes("node_modules")) return true;
    return !existsSync(join(engineDir, "dist", "index.d.ts"));
  } catch {
    return true;
  }
}

function compilerOptions(
  ts: TypeScriptModule,
  sourceCondition: boolean,
): import("typescript").CompilerOptions {
  return {
    noEmit: true,
    strict: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    types: [],
    ...(sourceCondition ? { customConditions: ["@bt/source"] } : {}),
  };
}

/** "line 12: Type '\"sideways\"' is not assignable to type 'SignalPosition'." */
function formatDiagnostic(ts: TypeScriptModule, diagnostic: import("typescript").Diagnostic): string {
  // A long elaboration chain reads best as its head and its deepest cause.
  const chain = ts
    .flattenDiagnosticMessageText(diagnostic.messageText, "\n")
    .split("\n")
    .map((line) => line.trim());
  const message = chain.length > 2 ? `${chain[0]} … ${chain[chain.length - 1]}` : chain.join(" ");
  if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const text = diagnostic.file.text.split("\n")[line]?.trim() ?? "";
  return `line ${line + 1}: ${message}${text === "" ? "" : ` (in: ${text.length > 120 ? `${text.slice(0, 117)}...` : text})`}`;
}

/**
 * Type-checks a generated TypeScript module in memory (noEmit, strict, ES2022) with @bt/core and
 * @bt/engine resolved from this package's dependencies. Only diagnostics of the module itself count.
 * @example const check = await checkGeneratedCode(code); if (!check.ok) console.error(check.reason, check.diagnostics);
 */
export async function checkGeneratedCode(
  code: string,
  options: ICheckGeneratedCodeOptions = {},
): Promise<CodeCheckResult> {
  const started = performance.now();
  const ts = await loadTypeScript();
  const baseDir = options.baseDir ?? PACKAGE_DIR;
  const sourceCondition = options.sourceCondition ?? prefersSource(baseDir);
  const key = `${baseDir}\0${sourceCondition}`;
  if (cache?.key !== key) {
    cache = { key, options: compilerOptions(ts, sourceCondition), files: new Map(), program: undefined };
  }
  const current = cache;
  const fileName = join(baseDir, VIRTUAL_FILE_NAME).replace(/\\/g, "/");
  const host = ts.createCompilerHost(current.options, true);
  const readFile = host.readFile.bind(host);
  host.fileExists = (name) => name === fileName || ts.sys.fileExists(name);
  host.readFile = (name) => (name === fileName ? code : readFile(name));
  host.getSourceFile = (name, languageVersion) => {
    if (name === fileName) return ts.createSourceFile(name, code, languageVersion, true, ts.ScriptKind.TS);
    const cached = current.files.get(name);
    if (cached !== undefined) return cached;
    let text: string;
    try {
      text = readFileSync(name, "utf8");
    } catch {
      return undefined;
    }
    const source = ts.createSourceFile(name, text, languageVersion, true);
    current.files.set(name, source);
    return source;
  };
  const program = ts.createProgram({
    rootNames: [fileName],
    options: current.options,
    host,
    ...(current.program === undefined ? {} : { oldProgram: current.program }),
  });
  current.program = program;
  const source = program.getSourceFile(fileName);
  const diagnostics =
    source === undefined
      ? []
      : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].filter(
          (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
        );
  const durationMs = performance.now() - started;
  if (diagnostics.length === 0) return { ok: true, durationMs };
  const formatted = diagnostics
    .slice(0, options.maxDiagnostics ?? 10)
    .map((diagnostic) => formatDiagnostic(ts, diagnostic));
  const reason =
    diagnostics.length === 1
      ? `type error: ${formatted[0]}`
      : `${diagnostics.length} type errors, the first: ${formatted[0]}`;
  return { ok: false, reason, diagnostics: formatted, durationMs };
}
