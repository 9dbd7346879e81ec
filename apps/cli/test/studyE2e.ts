// Helpers of the bt optimize / walkforward e2e tests: space files over the counting strategy fixture,
// the --json shape they read, journal lines, and a bt child that is SIGKILLed once its journal has
// enough trials.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IStudyTrial } from "@bt/research";
import { BIN_PATH, REPO_ROOT, requireBuiltCli } from "./builtCli";

/** The counting strategy factory (a line per backtest in $BT_TEST_SWEEP_CALLS). */
export const COUNTING = fileURLToPath(new URL("./fixtures/countingSweepStrategy.ts", import.meta.url));

/** What the tests read of `bt optimize --json`. */
export interface IOptimizeOutput {
  kind: "optimize";
  version: number;
  name: string;
  runId: string;
  journal: string;
  trials: IStudyTrial[];
  ranking: number[];
  best: IStudyTrial | null;
  importance: Array<{ name: string }>;
  robustness: Array<{ symbol: string; baseline: { status: string } }>;
  resumedTrials: number;
  backtests: number;
}

/** Writes a JSON space file over the counting strategy into `dir`. */
export function writeSpace(dir: string, file: Record<string, unknown>, name = "space.json"): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ strategy: { module: COUNTING, name: "count" }, ...file }));
  return path;
}

/** A space of 28 × 41 = 1,148 points: 12 trials rarely repeat one. */
export const WIDE_SPACE = {
  fast: { type: "int", low: 3, high: 30 },
  slow: { type: "int", low: 40, high: 80 },
};

/**
 * The complete lines of a file (each ended by "\n"): a journal line being written when its process was
 * SIGKILLed is torn, and the journal drops it on resume, so it must not be counted as done either.
 */
export function lines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter((line) => line !== "");
}

/** The trials without what depends on the run (nothing does: the whole trial must match). */
export const trialsOf = (output: IOptimizeOutput) =>
  output.trials.map(({ number, params, status, value, reason, runs, duplicateOf }) => ({
    number,
    params,
    status,
    value,
    reason,
    runs,
    duplicateOf,
  }));

/** Starts the built bt; resolves its exit with the output. */
export function startBt(args: string[], env: Record<string, string>) {
  requireBuiltCli();
  const child: ChildProcess = spawn(process.execPath, [BIN_PATH, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<{ signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (_status, signal) => resolve({ signal, stderr })),
  );
  return { child, exited };
}

/** Waits until the journal holds at least `records` trials (plus its header line), then SIGKILLs. */
export async function killAfterRecords(child: ChildProcess, journal: string, records: number) {
  const deadline = Date.now() + 90_000;
  while (lines(journal).length < records + 1) {
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`the study ended or stalled before ${records} journaled trials`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGKILL");
}

/** The parameter sets the counting factory was called with (one line per backtest). */
export function calledParams(path: string): string[] {
  return lines(path).map((line) => line.replace(/ pid=\d+$/, ""));
}
