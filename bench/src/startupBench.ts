// Start-up costs, each in a fresh process or thread, on the BUILT packages:
// - `bt backtest` (apps/cli/dist/bin.js, bundled strategy and data, file exchange): ms from process start
//   (performance.timeOrigin) to the first open of a candle file, recorded by startup/firstCandleReadPreload.mjs
//   loaded with `node --import`; and the whole command's wall time;
// - a worker thread importing @bt/engine: ms from `new Worker` to its first message (and a bare worker);
// - `await import("@bt/engine")` and `import("@bt/cluster")` in a fresh `node` process.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { median, round } from "./benchStats";

const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI_BIN = join(REPO_ROOT, "apps/cli/dist/bin.js");
const PRELOAD = fileURLToPath(new URL("./startup/firstCandleReadPreload.mjs", import.meta.url));
const ENGINE_WORKER = fileURLToPath(new URL("./startup/engineWorker.mjs", import.meta.url));
const BARE_WORKER = fileURLToPath(new URL("./startup/bareWorker.mjs", import.meta.url));

/**
 * Start-up figures (medians of `rounds` runs, ms). A figure that could not be measured is null and its
 * reason is in `reasons` (e.g. a package not built).
 */
export interface IStartupResult {
  /** `bt backtest`: ms from process start to the first candle file opened. */
  cliFirstCandleReadMs: number | null;
  /** `bt backtest` (a month of the bundled data): the whole command's wall time, ms. */
  cliBacktestTotalMs: number | null;
  cliExitCode: number | null;
  /** ms from `new Worker` to the first message of a worker that imports @bt/engine. */
  workerEngineStartMs: number | null;
  /** The same for a worker that imports nothing. */
  workerBareStartMs: number | null;
  /** `await import("@bt/engine")` in a fresh node, ms. */
  importEngineMs: number | null;
  /** `await import("@bt/cluster")` in a fresh node, ms. */
  importClusterMs: number | null;
  /** ms from process start to the end of `import("@bt/engine")` in a fresh node. */
  processToEngineImportedMs: number | null;
  reasons: Record<string, string>;
}

function runProcess(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** One `bt backtest` of the bundled strategy on the bundled data, with the first-read preload. */
async function cliFirstRead(): Promise<{
  firstReadMs: number | null;
  totalMs: number;
  code: number | null;
  stderr: string;
}> {
  const directory = await mkdtemp(join(tmpdir(), "bt-bench-startup-"));
  try {
    const output = join(directory, "firstRead.json");
    const run = await runProcess(
      [
        "--import",
        PRELOAD,
        CLI_BIN,
        "backtest",
        join(REPO_ROOT, "examples/strategies/smaCrossover.ts"),
        "--exchange",
        "file",
        "--data",
        join(REPO_ROOT, "examples/data"),
        "--symbol",
        "BTCUSDT",
      ],
      { cwd: directory, env: { BENCH_FIRST_READ_FILE: output, BT_STATE_DIR: join(directory, "state") } },
    );
    const firstReadMs = existsSync(output)
      ? (JSON.parse(await readFile(output, "utf8")) as { firstCandleReadMs: number }).firstCandleReadMs
      : null;
    return { firstReadMs, totalMs: run.ms, code: run.code, stderr: run.stderr };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** ms from `new Worker(file)` to its first message; the worker runs without the parent's loaders. */
function workerStart(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const worker = new Worker(file, { execArgv: [] });
    worker.once("message", () => {
      const ms = performance.now() - started;
      worker.terminate().then(() => resolve(ms), reject);
    });
    worker.once("error", reject);
  });
}

/** `await import(specifier)` in a fresh node run from bench/ (built dist): import ms and ms since start. */
async function importCost(specifier: string): Promise<{ importMs: number; sinceStartMs: number }> {
  const script = `const started = performance.now(); await import(${JSON.stringify(specifier)}); const ended = performance.now(); process.stdout.write(JSON.stringify({ importMs: ended - started, sinceStartMs: ended }));`;
  const run = await runProcess(["--input-type=module", "-e", script], { cwd: BENCH_DIR });
  if (run.code !== 0) throw new Error(`import(${specifier}) failed: ${run.stderr.trim().split("\n")[0]}`);
  return JSON.parse(run.stdout) as { importMs: number; sinceStartMs: number };
}

/** Runs every start-up measurement `rounds` times, interleaved, and returns the medians. */
export async function runStartupBench(rounds: number): Promise<IStartupResult> {
  const samples: Record<string, number[]> = {};
  const reasons: Record<string, string> = {};
  const add = (name: string, value: number | null | undefined) => {
    if (value === null || value === undefined) return;
    samples[name] ??= [];
    samples[name].push(value);
  };
  /** Runs one measurement; a failure becomes the figure's reason. */
  const measure = async (names: string[], work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
      for (const name of names) reasons[name] = reason;
    }
  };
  let cliExitCode: number | null = null;
  const haveCli = existsSync(CLI_BIN);
  if (!haveCli) {
    const reason = `${CLI_BIN} is missing: build @bt/cli (pnpm exec turbo run build --filter=@bt/cli)`;
    reasons.cliFirstCandleReadMs = reason;
    reasons.cliBacktestTotalMs = reason;
  }
  for (let round = 0; round < rounds; round++) {
    if (haveCli) {
      await measure(["cliFirstCandleReadMs", "cliBacktestTotalMs"], async () => {
        const cli = await cliFirstRead();
        cliExitCode = cli.code;
        add("cliFirstCandleReadMs", cli.firstReadMs);
        if (cli.firstReadMs === null) reasons.cliFirstCandleReadMs = "no candle file was opened";
        if (cli.code === 0) add("cliBacktestTotalMs", cli.totalMs);
        else {
          const last = cli.stderr.trim().split("\n").pop() ?? "";
          reasons.cliBacktestTotalMs = `bt backtest exited ${cli.code}: ${last}`.slice(0, 300);
        }
      });
    }
    await measure(["workerBareStartMs"], async () =>
      add("workerBareStartMs", await workerStart(BARE_WORKER)),
    );
    await measure(["workerEngineStartMs"], async () =>
      add("workerEngineStartMs", await workerStart(ENGINE_WORKER)),
    );
    await measure(["importEngineMs", "processToEngineImportedMs"], async () => {
      const engine = await importCost("@bt/engine");
      add("importEngineMs", engine.importMs);
      add("processToEngineImportedMs", engine.sinceStartMs);
    });
    await measure(["importClusterMs"], async () =>
      add("importClusterMs", (await importCost("@bt/cluster")).importMs),
    );
  }
  const figure = (name: string) => {
    const values = samples[name];
    return values === undefined || values.length === 0 ? null : round(median(values), 1);
  };
  return {
    cliFirstCandleReadMs: figure("cliFirstCandleReadMs"),
    cliBacktestTotalMs: figure("cliBacktestTotalMs"),
    cliExitCode,
    workerEngineStartMs: figure("workerEngineStartMs"),
    workerBareStartMs: figure("workerBareStartMs"),
    importEngineMs: figure("importEngineMs"),
    importClusterMs: figure("importClusterMs"),
    processToEngineImportedMs: figure("processToEngineImportedMs"),
    reasons: Object.fromEntries(
      Object.entries(reasons).filter(([name]) => figure(name) === null || name === "cliBacktestTotalMs"),
    ),
  };
}
