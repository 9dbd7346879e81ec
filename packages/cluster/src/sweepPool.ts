// The worker-thread pool (tinypool) that runs thread tasks: one engine per task inside the thread,
// candle columns passed as SharedArrayBuffer views (shared, not copied). Used by runSweep and by
// every cluster worker process.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { BtError, describeValue } from "@bt/core";
import Tinypool from "tinypool";
import type { ISweepEntry } from "./sweepTypes";
import type { IThreadTask } from "./threadTask";

/** Options of a sweep pool. */
export interface ISweepPoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** Node options of the worker threads; default process.execArgv (e.g. --conditions). */
  execArgv?: string[];
}

/** A running pool of sweep threads. */
export interface ISweepPool {
  readonly threads: number;
  run(task: IThreadTask): Promise<ISweepEntry[]>;
  destroy(): Promise<void>;
}

/** The worker entry beside this module: threadWorker.mjs in src, threadWorker.js in dist. */
function workerEntry(): string {
  for (const name of ["./threadWorker.mjs", "./threadWorker.js"]) {
    const url = new URL(name, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  throw new BtError("CONFIG", `cluster: the thread worker entry is missing beside ${import.meta.url}`, {
    field: "threadWorker",
  });
}

/**
 * Checks a thread count (default os.availableParallelism()).
 * @throws BtError VALIDATION when it is not a positive integer.
 */
export function threadCount(threads: number | undefined): number {
  if (threads === undefined) return availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BtError(
      "VALIDATION",
      `sweep: threads must be a positive integer, got ${describeValue(threads)}`,
      {
        field: "threads",
        value: threads,
      },
    );
  }
  return threads;
}

/** Starts a pool of `threads` sweep worker threads (they start on the first task). */
export function createSweepPool(options: ISweepPoolOptions = {}): ISweepPool {
  const threads = threadCount(options.threads);
  const pool = new Tinypool({
    filename: workerEntry(),
    minThreads: threads,
    maxThreads: threads,
    execArgv: options.execArgv ?? process.execArgv,
    // Reuse threads: each keeps its loaded strategy module; every task builds a fresh engine anyway.
    isolateWorkers: false,
  });
  return {
    threads,
    run: (task) => pool.run(task) as Promise<ISweepEntry[]>,
    destroy: () => pool.destroy(),
  };
}
