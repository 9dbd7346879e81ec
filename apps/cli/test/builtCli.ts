// Test helpers: run the BUILT `bt` binary as a subprocess (failing clearly when dist is missing), and
// compute the reference backtest of an example strategy in-process on a fresh engine.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { IStrategySchema } from "@bt/core";
import { createEngine, type IBacktestData } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";

/** Repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The built bin (BT_TEST_CLI_BIN runs the e2e tests against another build, e.g. main's, to check a regression test fails there). */
export const BIN_PATH =
  process.env.BT_TEST_CLI_BIN ?? fileURLToPath(new URL("../dist/bin.js", import.meta.url));
/** The bundled sample data. */
export const DATA_DIR = `${REPO_ROOT}examples/data`;
/** The example strategy and walker. */
export const SMA_STRATEGY = `${REPO_ROOT}examples/strategies/smaCrossover.ts`;
export const SMA_WALKER = `${REPO_ROOT}examples/strategies/smaWalker.ts`;

/** Output of one bt run. */
export interface IBtRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Throws a clear error when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(BIN_PATH)) {
    throw new Error(
      `${BIN_PATH} is missing: build the CLI first (pnpm exec turbo run build --filter=@bt/cli...)`,
    );
  }
}

/** Runs `node dist/bin.js …args` and waits for it. */
export function runBt(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): IBtRun {
  requireBuiltCli();
  const result = spawnSync(process.execPath, [BIN_PATH, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Backtests `strategy` on the bundled data in-process and returns Backtest.getData(). */
export async function referenceBacktest(
  strategy: IStrategySchema,
  symbol: string,
  startMs: number,
  endMs: number,
): Promise<IBacktestData> {
  const engine = createEngine();
  engine.addExchange(createFileExchange({ dir: DATA_DIR, exchangeName: "file" }));
  engine.addFrame({
    frameName: "ref",
    interval: "1m",
    startDate: new Date(startMs),
    endDate: new Date(endMs),
  });
  engine.addStrategy(strategy);
  for await (const _ of engine.Backtest.run(symbol, {
    strategyName: strategy.strategyName,
    exchangeName: "file",
    frameName: "ref",
  })) {
    // Only the final data matters here.
  }
  return engine.Backtest.getData(symbol, strategy.strategyName);
}
