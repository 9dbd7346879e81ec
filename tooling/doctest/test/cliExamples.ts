// The README examples that are files for the `bt` CLI (a strategy file, a --persist or --exchange plug-in
// module) are run through the BUILT CLI (apps/cli/dist/bin.js) on the bundled data, each with the command
// given here, and their result is checked against what the README says. A command the README shows
// (`shown: true`) must appear verbatim in one of its sh blocks; the README's file names in it (my.strategy.ts
// …) stand for the example files of `files`.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI_BIN = join(ROOT, "apps/cli/dist/bin.js");
const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

/** The first priced minute of the bundled data (its first 5 minutes price the first tick). */
const FIRST_TICK = Date.parse("2025-01-01T00:05Z");
const MINUTE = 60_000;

/** One process run: exit code and output. */
export interface IRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a check gets: the run of `command`, and ways to run more in the same folder and environment. */
export interface ICliCheckContext {
  run: IRun;
  /** `bt …args` again (the README's file names replaced as in the command). */
  bt(args: string[]): Promise<IRun>;
  /** A TypeScript file of the repository run with tsx on the workspace sources. */
  tsx(file: string, args?: string[]): Promise<IRun>;
}

export interface ICliExample {
  /** A `bt …` command line; words that are keys of `files` are replaced by those files. */
  command: string;
  /** Whether the README shows `command` verbatim in a sh block. */
  shown: boolean;
  /** The README's file names → repository files (relative to the run folder, where examples/ is the repo's). */
  files: Record<string, string>;
  env?: Record<string, string>;
  check(context: ICliCheckContext): Promise<void>;
}

const STRATEGY = { "my.strategy.ts": "examples/docs/cliStrategy.ts" };
const FRAME = "--from 2025-01-01 --to 2025-02-01 --json";
const REDIS = { MY_REDIS_URL: process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379" };

/** Example file → how it runs through the CLI. */
export const CLI_EXAMPLES: Record<string, ICliExample> = {
  "examples/docs/cliStrategy.ts": {
    command: `bt backtest my.strategy.ts --symbol BTCUSDT --exchange file ${FRAME}`,
    shown: true,
    files: STRATEGY,
    async check({ run }) {
      const record = succeeded(run);
      expect(record.strategyName).toBe("breakout");
      expect(record.periodStartMs).toBe(FIRST_TICK);
      expect(record.problems.problems).toEqual([]);
      expect(record.problems.getSignalFailures).toBe(0);
      const signals = [...record.closed, ...record.cancelled].map((event) => event.signal);
      expect(record.closed.length, "the breakout never trades").toBeGreaterThan(0);
      // the old README example traded at the first tick: Math.max() of no candles is -Infinity
      const opened = signals.map((signal) => new Date(signal.scheduledAt).toISOString());
      expect(opened, "a signal at the first tick, before any 15m candle closed").not.toContain(
        new Date(FIRST_TICK).toISOString(),
      );
      // "getSignal runs at most once per 15-minute window"
      const windows = Math.ceil((record.periodEndMs - record.periodStartMs) / (15 * MINUTE));
      expect(record.problems.getSignalCalls).toBeGreaterThan(0);
      expect(record.problems.getSignalCalls).toBeLessThanOrEqual(windows);
    },
  },
  "examples/docs/cliPersistAdapter.ts": {
    command: `bt backtest my.strategy.ts --persist ./myAdapter.ts ${FRAME}`,
    shown: false,
    files: { ...STRATEGY, "./myAdapter.ts": "./examples/docs/cliPersistAdapter.ts" },
    env: REDIS,
    async check({ run, tsx }) {
      const record = succeeded(run);
      expect(record.closed.length).toBeGreaterThan(0);
      // the README: the backtest namespace holds the closed history, read back with readLiveState
      const readBack = await tsx("examples/docs/cliReadBacktestState.ts", ["BTCUSDT", "breakout", "file"]);
      expect(readBack, readBack.stderr).toMatchObject({ code: 0 });
      const state = JSON.parse(readBack.stdout);
      expect(state.closed).toEqual(
        record.closed.map((closed: { signal: { id: string } }) => closed.signal.id),
      );
      expect(state.missing).toBe(0);
      expect(state.liveClosed, "a backtest never touches a live run's state").toBe(0);
    },
  },
  "examples/docs/cliExchangeModule.ts": {
    command: `bt backtest my.strategy.ts --exchange ./myExchange.ts ${FRAME}`,
    shown: false,
    files: { ...STRATEGY, "./myExchange.ts": "./examples/docs/cliExchangeModule.ts" },
    async check({ run, bt }) {
      const record = succeeded(run);
      expect(record.exchangeName).toBe("my-csv");
      const viaFile = succeeded(await bt(["backtest", "my.strategy.ts", ...FRAME.split(" ")]));
      expect(record.closed.length).toBeGreaterThan(0);
      expect(record.stats).toEqual(viaFile.stats);
      // "A module exchange has no known data range: --from and --to are required."
      const unbounded = await bt(["backtest", "my.strategy.ts", "--exchange", "./myExchange.ts"]);
      expect(unbounded.code).toBe(2);
      expect(unbounded.stderr).toMatch(/--from and --to are required/);
    },
  },
};

/** Whether an example file is one for the CLI (a strategy default export, or it imports @bt/cli). */
export function looksLikeCliFile(text: string): boolean {
  return /from "@bt\/cli"|^\} satisfies IStrategySchema;$/m.test(text);
}

// biome-ignore lint/suspicious/noExplicitAny: a run record read from JSON
function succeeded(run: IRun): any {
  expect(run, `bt exited with ${run.code}; stderr:\n${run.stderr}`).toMatchObject({ code: 0 });
  expect(run.stderr).not.toMatch(/^bt \w+:/m);
  const record = JSON.parse(run.stdout);
  expect(record.status).toBe("ok");
  return record;
}

/** Runs `example`'s command in `cwd`, then its check. */
export async function runCliExample(example: ICliExample, cwd: string): Promise<void> {
  const env = { BT_STATE_DIR: join(cwd, "state"), ...example.env };
  const bt = (args: string[]) =>
    runProcess([CLI_BIN, ...args.map((word) => example.files[word] ?? word)], cwd, env);
  const tsx = (file: string, args: string[] = []) =>
    runProcess([TSX_CLI, "--conditions=@bt/source", join(ROOT, file), ...args], cwd, env);
  const run = await bt(example.command.split(" ").slice(1));
  await example.check({ run, bt, tsx });
}

export function runProcess(args: string[], cwd: string, env: Record<string, string>): Promise<IRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
