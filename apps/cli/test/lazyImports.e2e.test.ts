import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN_PATH, DATA_DIR, REPO_ROOT, requireBuiltCli, SMA_STRATEGY } from "./builtCli";

const run = promisify(execFile);
const RECORDER = fileURLToPath(new URL("./fixtures/recordModules.mjs", import.meta.url));

/** Client libraries and packages `bt backtest --exchange file` must never load. */
const NOT_FOR_A_BACKTEST: Readonly<Record<string, RegExp>> = {
  ccxt: /\/node_modules\/ccxt\//,
  bullmq: /\/node_modules\/bullmq\//,
  ioredis: /\/node_modules\/ioredis\//,
  mongodb: /\/node_modules\/mongodb\//,
  pg: /\/node_modules\/pg\//,
  "@bt/exchange-ccxt": /\/packages\/exchange-ccxt\//,
  "@bt/cluster": /\/packages\/cluster\//,
  "@bt/persist-*": /\/packages\/persist-[a-z]+\//,
  "@modelcontextprotocol/sdk": /\/node_modules\/@modelcontextprotocol\//,
  zod: /\/node_modules\/zod\//,
  "other commands":
    /\/apps\/cli\/dist\/(live|walker|report|init|worker|data|mcp|mcpServer|generate)-[A-Z0-9]+\.js$/,
};

/** Runs a one-day `bt backtest` of the example strategy under the recorder; returns the recorded lines. */
async function recordBacktest(dir: string, name: string): Promise<string[]> {
  const file = join(dir, `${name}.txt`);
  await run(
    process.execPath,
    [
      "--import",
      RECORDER,
      BIN_PATH,
      "backtest",
      SMA_STRATEGY,
      "--exchange",
      "file",
      "--data",
      DATA_DIR,
      "--symbol",
      "BTCUSDT",
      "--from",
      "2025-01-10",
      "--to",
      "2025-01-11",
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, BT_RECORD_MODULES_FILE: file, BT_STATE_DIR: join(dir, "state") },
      timeout: 60_000,
    },
  );
  return readFileSync(file, "utf8").split("\n");
}

describe("bt backtest start-up", () => {
  it("loads neither ccxt, bullmq, ioredis, mongodb, pg nor other commands, and once the strategy is compiled no esbuild or tsx at all (regression: ~80 ms of esbuild and tsx, then tsx's hooks thread, before the first candle)", async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), "bt-cli-lazy-"));
    try {
      // The first run may compile the strategy into the cache (esbuild, on demand); the second must not.
      const first = await recordBacktest(dir, "first");
      const lines = await recordBacktest(dir, "second");
      for (const recorded of [first, lines]) {
        const loaded = Object.entries(NOT_FOR_A_BACKTEST)
          .filter(([, pattern]) => recorded.some((line) => pattern.test(line)))
          .map(([name]) => name);
        expect(loaded).toEqual([]);
      }
      // ESM resolutions (main thread) and the main thread's CommonJS modules.
      const esm = lines.filter((line) => line !== "" && !line.startsWith("cjs:"));
      const mainThreadCjs = lines.filter((line) => line.startsWith("cjs:"));
      // Positive control: the recorder saw what a backtest does need (the strategy as its compiled module).
      expect(esm.some((url) => url.includes("/packages/engine/"))).toBe(true);
      expect(esm.some((url) => url.includes("/packages/exchange-file/"))).toBe(true);
      expect(esm.some((url) => /\/\.cache\/bt-cli\/smaCrossover\.ts-[0-9a-f]+\.mjs$/.test(url))).toBe(true);
      // A cache hit needs neither tsx (no hooks thread) nor esbuild.
      expect(esm.filter((url) => url.includes("/tsx/"))).toEqual([]);
      expect(esm.filter((url) => url.includes("/esbuild/"))).toEqual([]);
      expect(mainThreadCjs.filter((line) => /\/node_modules\/(esbuild|tsx)\//.test(line))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
