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
  "other commands": /\/apps\/cli\/dist\/(live|walker|report|init|worker|dataImport)-[A-Z0-9]+\.js$/,
};

describe("bt backtest start-up", () => {
  it("loads neither ccxt, bullmq, ioredis, mongodb, pg nor other commands, and no esbuild or tsx API on the main thread (regression: ~80 ms of esbuild and tsx before the first candle)", async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), "bt-cli-lazy-"));
    const file = join(dir, "modules.txt");
    try {
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
      const lines = readFileSync(file, "utf8").split("\n");
      // ESM resolutions (main thread and tsx's hooks thread alike) and the main thread's CommonJS modules.
      const esm = lines.filter((line) => line !== "" && !line.startsWith("cjs:"));
      const mainThreadCjs = lines.filter((line) => line.startsWith("cjs:"));
      // Positive control: the recorder saw what a backtest does need.
      expect(esm.some((url) => url.includes("/packages/engine/"))).toBe(true);
      expect(esm.some((url) => url.includes("/packages/exchange-file/"))).toBe(true);
      expect(esm.some((url) => url.endsWith("/examples/strategies/smaCrossover.ts"))).toBe(true);
      const loaded = Object.entries(NOT_FOR_A_BACKTEST)
        .filter(([, pattern]) => lines.some((line) => pattern.test(line)))
        .map(([name]) => name);
      expect(loaded).toEqual([]);
      // tsx's hooks (and the esbuild they use) live on the hooks thread; the main thread only registers them.
      expect(esm.filter((url) => url.includes("/tsx/dist/esm/api/"))).toEqual([]);
      expect(mainThreadCjs.filter((line) => /\/node_modules\/esbuild\//.test(line))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
