// Importing @bt/engine in a fresh process loads no heavy third-party module (rxjs, functools-kit, ccxt,
// database drivers): the event bus is a small typed emitter, so a process or worker thread that imports
// the engine pays nothing for what it does not use.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** tsx runs the TypeScript child without a build; it is reachable through vitest's own install. */
function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  for (const resolveFrom of [
    () => require.resolve("tsx"),
    () => createRequire(require.resolve("vitest/package.json")).resolve("tsx"),
  ]) {
    try {
      return pathToFileURL(resolveFrom()).href;
    } catch {}
  }
  throw new Error("lazy import test: cannot resolve tsx to run the child process");
}

describe("lazy heavy imports", () => {
  it("importing @bt/engine and listening loads no rxjs, functools-kit, ccxt or database driver", () => {
    const child = spawnSync(
      process.execPath,
      [
        "--conditions",
        "@bt/source",
        "--import",
        tsxLoaderUrl(),
        join(packageDir, "test", "fixtures", "importEngine.ts"),
      ],
      { cwd: packageDir, encoding: "utf8", timeout: 60_000 },
    );
    expect(child.stderr).toBe("");
    const report = JSON.parse(child.stdout) as { loaded: string[]; exports: number };
    expect(report.exports).toBeGreaterThan(10);
    expect(report.loaded).toEqual([]);
  });
});
