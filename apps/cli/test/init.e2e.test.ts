// `bt init` makes a portable project: it depends on @bt/cli, @bt/engine and @bt/core (here by relative
// path to tarballs packed from this workspace, as `--packages` writes them), holds no absolute path, still
// works after the folder moves, and runs with `npm run backtest` and `npx bt` once npm installed it.
// The @bt/* packages come from the tarballs; their third-party dependencies (ccxt, pg, esbuild, …) come
// from npm's cache or the registry (`--prefer-offline`): they cannot be installed offline from scratch.

import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runBt } from "./builtCli";

/** How to run pnpm: the one running this test (npm_execpath) or the first on PATH. */
function pnpmCommand(): string[] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath)) return [process.execPath, execPath];
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory !== "" && existsSync(join(directory, "pnpm"))) return [join(directory, "pnpm")];
  }
  throw new Error("pnpm is needed to pack the workspace packages: run the tests with `pnpm exec vitest`");
}

function run(command: string[], cwd: string, env: Record<string, string> = {}) {
  const [file, ...args] = command as [string, ...string[]];
  const result = spawnSync(file, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    // Packing runs every package's prepack build (tsup with declarations): minutes on 2 shared cores.
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every text file of the project outside node_modules. */
function projectFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) files.push(...projectFiles(path));
    else if (!name.endsWith(".gz")) files.push(path);
  }
  return files;
}

describe("bt init (built binary, packed packages, npm)", () => {
  it("scaffolds a portable project that npm installs from tarballs and runs offline: npm run backtest, npx bt", () => {
    const parent = mkdtempSync(join(tmpdir(), "bt-init-"));
    const tarballs = join(parent, "tarballs");
    // Every @bt/* package @bt/cli needs at run time (its production dependency closure), each built before.
    const pack = run(
      [...pnpmCommand(), "--filter-prod", "@bt/cli...", "-r", "pack", "--pack-destination", tarballs],
      REPO_ROOT,
    );
    expect(pack.stderr).not.toMatch(/ERR_/);
    expect(pack.status).toBe(0);
    const packed = readdirSync(tarballs).sort();
    for (const name of [
      "cli",
      "cluster",
      "context",
      "core",
      "engine",
      "exchange-ccxt",
      "exchange-file",
      "persist-fs",
      "persist-mongo",
      "persist-postgres",
      "persist-redis",
      "report-markdown",
    ]) {
      const tarball = packed.find(
        (file) =>
          file.startsWith(`bt-${name}-`) &&
          /^bt-[a-z-]+-\d/.test(file) &&
          file.slice(3).replace(/-\d.*$/, "") === name,
      );
      expect(tarball, `bt-${name}-<version>.tgz`).toBeDefined();
      const listing = run(["tar", "-tzf", join(tarballs, tarball as string)], parent).stdout.split("\n");
      expect(listing, `${tarball} holds dist/index.js`).toContain("package/dist/index.js");
      const manifest = run(
        ["tar", "-xzOf", join(tarballs, tarball as string), "package/package.json"],
        parent,
      ).stdout;
      expect(manifest).not.toMatch(/"(workspace|catalog):/);
    }

    const init = runBt(["init", "my-strategies", "--packages", "tarballs"], { cwd: parent });
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
    expect(init.stdout.trimEnd().split("\n").at(-1)?.trim()).toBe(
      "cd my-strategies && npm install && npm run backtest",
    );
    const manifest = JSON.parse(readFileSync(join(parent, "my-strategies", "package.json"), "utf8"));
    expect(manifest.type).toBe("module");
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@bt/cli", "@bt/core", "@bt/engine"]);
    expect(manifest.dependencies["@bt/cli"]).toMatch(/^file:\.\.\/tarballs\/bt-cli-\d+\.\d+\.\d+.*\.tgz$/);
    expect(manifest.scripts.backtest).toMatch(/^bt backtest /);
    // No absolute path anywhere: not the temp folder, not this repository, not this machine's bt.
    for (const file of projectFiles(join(parent, "my-strategies"))) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toContain(parent);
      expect(text, file).not.toContain(REPO_ROOT);
      expect(text, file).not.toMatch(/"\/(?:[^"\s]+\/)+[^"\s]*"/);
    }

    // The folder moves (beside the tarballs, so the relative paths still hold) before anything is installed.
    const project = join(parent, "moved-strategies");
    renameSync(join(parent, "my-strategies"), project);
    const install = run(
      ["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      project,
    );
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.status).toBe(0);
    expect(existsSync(join(project, "node_modules", ".bin", "bt"))).toBe(true);

    // Offline from here on: npm must not reach a registry, and bt needs no network either.
    const offline = {
      npm_config_offline: "true",
      npm_config_registry: "http://127.0.0.1:9/",
      BT_STATE_DIR: "",
    };
    const backtest = run(["npm", "run", "backtest"], project, offline);
    expect(backtest.stderr).not.toMatch(/bt backtest: /);
    expect(backtest.status).toBe(0);
    expect(backtest.stdout).toContain("# Backtest: sma-crossover");
    expect(backtest.stdout).toMatch(/\| Trades \| \d+ \|/);
    expect(readdirSync(join(project, "dump", "backtest")).sort()).toEqual([
      "sma-crossover.json",
      "sma-crossover.md",
    ]);
    // The bt that ran is the project's own copy, not this repository's.
    const version = run(["npx", "--no-install", "bt", "--version"], project, offline);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(
      manifest.dependencies["@bt/cli"].replace(/^.*bt-cli-(.+)\.tgz$/, "$1"),
    );
    const where = run(
      ["npm", "run", "-s", "bt", "--", "walker", "strategies/smaWalker.ts", "--data", "data", "--json"],
      project,
      offline,
    );
    expect(where.status).toBe(0);
    expect(JSON.parse(where.stdout).kind).toBe("walker");
  }, 480_000);

  it("refuses a folder that is not empty (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "bt-init-full-"));
    writeFileSync(join(dir, "keep.txt"), "mine");
    const result = runBt(["init", dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not empty/);
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
  });

  it("--packages without the tarballs of @bt/cli, @bt/engine and @bt/core is bad input naming them", () => {
    const parent = mkdtempSync(join(tmpdir(), "bt-init-nopack-"));
    const result = runBt(["init", "p", "--packages", "."], { cwd: parent });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--packages .* has no tarball of @bt\/cli, @bt\/engine, @bt\/core/);
    expect(existsSync(join(parent, "p"))).toBe(false);
  });

  it("by default the project depends on the bt packages by version (no path at all)", () => {
    const parent = mkdtempSync(join(tmpdir(), "bt-init-version-"));
    const result = runBt(["init", "p"], { cwd: parent, env: { BT_INIT_PACKAGES: "" } });
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(parent, "p", "package.json"), "utf8"));
    const version = JSON.parse(readFileSync(join(REPO_ROOT, "apps/cli/package.json"), "utf8")).version;
    expect(manifest.dependencies).toEqual({
      "@bt/cli": `^${version}`,
      "@bt/engine": `^${version}`,
      "@bt/core": `^${version}`,
    });
    expect(manifest.overrides).toBeUndefined();
    expect(
      JSON.parse(readFileSync(join(parent, "p", "tsconfig.json"), "utf8")).compilerOptions.paths,
    ).toBeUndefined();
  });
});
