// The worker-thread pool that runs thread tasks: one engine per task inside the thread, candle columns
// passed as SharedArrayBuffer views (shared, not copied). Threads start (and load the engine and tsx)
// when the pool is created and are reused by every task until dispose(). Tasks wait in this pool's own
// queue, in the order given, and go to tinypool only when a thread is free, so a sweep can order its
// tasks and cancel the ones not started. A thread that dies breaks the pool loudly instead of hanging.
// Used by runSweep (one pool per call, or the caller's) and by every cluster worker process.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { BtError, describeValue } from "@bt/core";
import Tinypool from "tinypool";
import type { ISweepEntry } from "./sweepTypes";
import type { IThreadTask } from "./threadTask";

/** Options of a sweep pool. */
export interface ISweepPoolOptions {
  /** Worker threads, all started at creation; default os.availableParallelism(). */
  threads?: number;
  /** Node options of the worker threads; default process.execArgv (e.g. --conditions). */
  execArgv?: string[];
}

/** Options of one task run on a sweep pool. */
export interface ISweepPoolRunOptions {
  /** Aborting removes the task if it has not started (it then rejects with BtError STATE); a started task finishes. */
  signal?: AbortSignal;
}

/** A running pool of sweep threads; create once, pass as `pool` to any number of runSweep calls, then dispose. */
export interface ISweepPool {
  /** Worker threads of the pool. */
  readonly threads: number;
  /**
   * Resolves with the start-up time in ms: from creation until every thread has loaded its task module.
   * @throws BtError STATE when a thread fails to start.
   */
  ready(): Promise<number>;
  /**
   * Runs one thread task on the next free thread (tasks start in the order given); entries in parameter-set order.
   * @throws the task's own error; BtError STATE when a thread exited, the pool was disposed or the task was aborted.
   */
  run(task: IThreadTask, options?: ISweepPoolRunOptions): Promise<ISweepEntry[]>;
  /** Stops every thread (waiting and running tasks reject); resolves once every thread has exited. Idempotent. */
  dispose(): Promise<void>;
  /** The same as dispose() (the earlier name). */
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

interface IQueuedTask {
  task: IThreadTask;
  resolve: (entries: ISweepEntry[]) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

type TinypoolThread = Tinypool["threads"][number];

const BROKEN_POOL_FIELD = "sweepPool.thread";

/** True for the error of a pool whose thread died (the pool is unusable: start a new one). */
export function isBrokenPoolError(error: unknown): boolean {
  return BtError.isInstance(error) && error.field === BROKEN_POOL_FIELD;
}

function abortError(signal: AbortSignal): BtError {
  return new BtError("STATE", "sweep pool: the task was aborted before it started", { cause: signal.reason });
}

/**
 * Starts a pool of `threads` sweep worker threads; they load the engine and the task module right away.
 * @throws BtError VALIDATION for a bad thread count, CONFIG when the worker entry is missing.
 * @example
 * const pool = createSweepPool({ threads: 4 });
 * try {
 *   for (const frame of frames) results.push(await runSweep({ ...sweep, frame, pool }));
 * } finally {
 *   await pool.dispose();
 * }
 */
export function createSweepPool(options: ISweepPoolOptions = {}): ISweepPool {
  const threads = threadCount(options.threads);
  const filename = workerEntry();
  const createdAt = performance.now();
  const tinypool = new Tinypool({
    filename,
    minThreads: threads,
    maxThreads: threads,
    execArgv: options.execArgv ?? process.execArgv,
    // Reuse threads: each keeps its loaded strategy module; every task builds a fresh engine anyway.
    isolateWorkers: false,
  });
  const waiting: IQueuedTask[] = [];
  const running = new Set<IQueuedTask>();
  const watched = new WeakSet<TinypoolThread>();
  const listening = new WeakSet<AbortSignal>();
  const exits: Array<Promise<void>> = [];
  let broken: BtError | undefined;
  let disposed = false;
  let disposing: Promise<void> | undefined;
  let readyThreads = 0;
  let markReady: (startupMs: number) => void = () => undefined;
  let markFailed: (error: BtError) => void = () => undefined;
  const whenReady = new Promise<number>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  // ready() may never be called: its rejection must not surface as unhandled.
  whenReady.catch(() => undefined);

  /** Breaks the pool: every waiting and running task rejects with `error`, later runs too. */
  const fail = (error: BtError) => {
    broken ??= error;
    markFailed(error);
    const pending = [...waiting, ...running];
    waiting.length = 0;
    running.clear();
    for (const item of pending) item.reject(error);
  };

  // Tinypool emits an error without a task (a thread failing while idle) on the pool itself.
  tinypool.on("error", (error: unknown) =>
    fail(
      new BtError("STATE", `sweep pool: a worker thread failed: ${(error as Error)?.message ?? error}`, {
        field: BROKEN_POOL_FIELD,
        cause: error,
      }),
    ),
  );

  /** Listens to every thread tinypool runs (it replaces a thread whose task threw an uncaught error). */
  const watch = () => {
    for (const thread of tinypool.threads) {
      if (watched.has(thread)) continue;
      watched.add(thread);
      let started = false;
      let errored = false;
      thread.on("message", (message: unknown) => {
        if (started || (message as { ready?: unknown })?.ready !== true) return;
        started = true;
        readyThreads++;
        if (readyThreads === threads) markReady(performance.now() - createdAt);
      });
      thread.on("error", (error: unknown) => {
        // Tinypool rejects the thread's running task with this error and starts a new thread.
        errored = true;
        if (!started && !disposed) {
          fail(
            new BtError(
              "STATE",
              `sweep pool: a worker thread failed to start: ${(error as Error)?.message ?? error}`,
              { field: BROKEN_POOL_FIELD, cause: error },
            ),
          );
        }
      });
      exits.push(
        new Promise<void>((resolve) => {
          thread.once("exit", (code: unknown) => {
            resolve();
            // A thread that ends without an error (process.exit in a strategy) would leave its task
            // pending for ever in tinypool: fail every task of the pool instead.
            if (!errored && !disposed) {
              fail(
                new BtError(
                  "STATE",
                  `sweep pool: a worker thread exited (code ${describeValue(code)}) while its task ran; the pool is unusable`,
                  { field: BROKEN_POOL_FIELD, value: code },
                ),
              );
            }
          });
        }),
      );
    }
  };
  watch();

  const settle = (item: IQueuedTask, error: unknown, entries: ISweepEntry[] | undefined) => {
    if (!running.delete(item)) return;
    watch();
    if (error === undefined) item.resolve(entries as ISweepEntry[]);
    else item.reject(error);
    pump();
  };

  const pump = () => {
    while (broken === undefined && running.size < threads && waiting.length > 0) {
      const item = waiting.shift() as IQueuedTask;
      running.add(item);
      (tinypool.run(item.task) as Promise<ISweepEntry[]>).then(
        (entries) => settle(item, undefined, entries),
        (error: unknown) => settle(item, error ?? new Error("sweep pool: a task failed"), undefined),
      );
    }
  };

  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      disposed = true;
      fail(new BtError("STATE", "sweep pool: the pool was disposed"));
      watch();
      // Tinypool waits for an exit event of every thread, which a thread that already exited never sends
      // again: wait for the exits seen here instead.
      tinypool.destroy().catch(() => undefined);
      await Promise.all(exits);
    })();
    return disposing;
  };

  return {
    threads,
    ready: () => whenReady,
    run(task, runOptions = {}) {
      if (broken !== undefined) return Promise.reject(broken);
      const signal = runOptions.signal;
      if (signal?.aborted) return Promise.reject(abortError(signal));
      if (signal !== undefined && !listening.has(signal)) {
        // One listener per signal (a sweep passes one signal to all its tasks): drop its waiting tasks.
        listening.add(signal);
        signal.addEventListener(
          "abort",
          () => {
            for (const item of waiting.filter((candidate) => candidate.signal === signal)) {
              waiting.splice(waiting.indexOf(item), 1);
              item.reject(abortError(signal));
            }
          },
          { once: true },
        );
      }
      return new Promise<ISweepEntry[]>((resolve, reject) => {
        waiting.push({ task, resolve, reject, signal });
        pump();
      });
    },
    dispose,
    destroy: dispose,
  };
}
