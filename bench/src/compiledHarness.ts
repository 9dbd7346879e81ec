// The bench's measuring children run a compiled copy of run.ts, not run.ts under tsx: tsx's loader
// hooks run on a thread of their own, which costs each child ≈ 36 MB of RSS (75 MB for an empty script
// under tsx, 39 MB without) and a thread competing for the 2 cores, neither of which is bt's. esbuild
// bundles run.ts and the bench files it imports (packages stay imports of the built dist, as before) into
// one ES module under bench/node_modules/.cache/bt-bench, once per bench run; each bundled file keeps its
// own import.meta.url, so paths and "is this the entry" checks mean what they did.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
const CACHE_DIR = join(BENCH_DIR, "node_modules", ".cache", "bt-bench");

/** True when this process resolves the packages' sources (`--conditions @bt/source`): children need tsx. */
export function runsFromSource(execArgv: ReadonlyArray<string> = process.execArgv): boolean {
  return execArgv.some(
    (argument, index) =>
      /^(--conditions|-C)=@bt\/source$/.test(argument) ||
      ((argument === "--conditions" || argument === "-C") && execArgv[index + 1] === "@bt/source"),
  );
}

/** Bundles `entry` (a bench .ts file) into an ES module and returns its path. */
export async function compileHarness(entry: string): Promise<string> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: BENCH_DIR,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "bt-bench",
        setup(build) {
          build.onLoad({ filter: /\/bench\/src\/.*\.ts$/ }, (args) => ({
            loader: "ts",
            contents: readFileSync(args.path, "utf8").replace(
              /\bimport\.meta\.url\b/g,
              JSON.stringify(pathToFileURL(args.path).href),
            ),
          }));
        },
      },
    ],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("bench: esbuild produced no harness");
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `run-${process.pid}.mjs`);
  writeFileSync(`${path}.tmp`, output.contents);
  renameSync(`${path}.tmp`, path);
  return path;
}
