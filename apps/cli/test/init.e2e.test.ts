import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBt } from "./builtCli";

describe("bt init (built binary)", () => {
  it("scaffolds a project whose printed run command works at once, offline", () => {
    const parent = mkdtempSync(join(tmpdir(), "bt-init-"));
    const init = runBt(["init", "my-strategies"], { cwd: parent });
    expect(init.status).toBe(0);
    const command = init.stdout.trimEnd().split("\n").at(-1)?.trim() ?? "";
    expect(command).toBe("cd my-strategies && npm run backtest");
    expect(readdirSync(join(parent, "my-strategies")).sort()).toEqual([
      ".gitignore",
      "README.md",
      "data",
      "package.json",
      "strategies",
      "tsconfig.json",
    ]);
    // Offline: npm must not reach a registry, and bt must not need a network either.
    const run = spawnSync("sh", ["-c", command], {
      cwd: parent,
      encoding: "utf8",
      env: { ...process.env, npm_config_offline: "true", npm_config_registry: "http://127.0.0.1:9/" },
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/bt backtest: /);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("# Backtest: sma-crossover");
    expect(run.stdout).toMatch(/\| Trades \| \d+ \|/);
    expect(readdirSync(join(parent, "my-strategies", "dump", "backtest")).sort()).toEqual([
      "sma-crossover.json",
      "sma-crossover.md",
    ]);
  });

  it("refuses a folder that is not empty (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "bt-init-full-"));
    writeFileSync(join(dir, "keep.txt"), "mine");
    const run = runBt(["init", dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is not empty/);
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
  });
});
