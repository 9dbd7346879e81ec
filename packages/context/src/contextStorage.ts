// One AsyncLocalStorage holding the pair (execution, method). A pair is entered with a single
// `run()` per user-code call, so nested calls, awaits and Promise.all inside it see it, and two
// concurrent runs never see each other's (each call gets its own frame). The storage is process-wide
// (a globalThis slot), so a second copy of this package loaded by a strategy file sees the same frames.
//
// A backtest that is the only open sequential run of the process (openRunFrame) does without the storage:
// its calls are sequential, so its frame is a process-wide "current" value, set before each call and
// cleared when the run yields or ends, and read only where the storage has no frame. On Node 20 an
// enabled AsyncLocalStorage runs a promise hook for every promise of the process (≈ 170 ns more per
// await in a strategy); a lone backtest never enables it. A second open sequential run makes both enter
// the storage: a call already in flight keeps reading the current frame, which only its own run sets.
// Runs that are not sequential (live) always enter the storage, so their code never reads it.

import { AsyncLocalStorage } from "node:async_hooks";
import { BtError } from "@bt/core";
import type { IExecutionContext, IMethodContext } from "./executionContext";
import { sharedGlobalSlot } from "./globalSlot";

/** What the storage holds: both contexts of the current call. */
export interface IContextFrame {
  readonly execution: IExecutionContext | undefined;
  readonly method: IMethodContext | undefined;
}

/** globalThis key of the shared context state. */
export const CONTEXT_SLOT_KEY = "@bt/context/storage";
/**
 * Layout version of the shared slot: bump the major when its value (IContextState) or IContextFrame
 * changes incompatibly (copies with another major refuse to load instead of silently not seeing each
 * other's context). 2: the slot holds the storage and the lone-run state, not the storage alone.
 */
export const CONTEXT_SLOT_VERSION = "2.0.0";

/** The process-wide context state every copy of this package shares. */
interface IContextState {
  readonly storage: AsyncLocalStorage<IContextFrame>;
  /** Sequential runs opened with openRunFrame and not yet closed. */
  openSequentialRuns: number;
  /** The frame of the lone sequential run's call in progress (read when the storage has none). */
  current: IContextFrame | undefined;
  /** Set once a call was given up while it may still run: no lone-run frames from then on. */
  storageOnly: boolean;
}

const state = sharedGlobalSlot<IContextState>(CONTEXT_SLOT_KEY, CONTEXT_SLOT_VERSION, () => ({
  storage: new AsyncLocalStorage<IContextFrame>(),
  openSequentialRuns: 0,
  current: undefined,
  storageOnly: false,
}));
const storage = state.storage;

/** The frame in effect: the storage's, else the lone run's call in progress. */
function currentFrame(): IContextFrame | undefined {
  return storage.getStore() ?? state.current;
}

/**
 * Runs `fn` with both contexts set; returns what `fn` returns (a promise stays a promise).
 * @example runInContext({ symbol: "BTCUSDT", when: new Date(0), backtest: true },
 *   { strategyName: "s", exchangeName: "e", frameName: "f" }, () => getExecutionContext().when)
 */
export function runInContext<T>(execution: IExecutionContext, method: IMethodContext, fn: () => T): T {
  return storage.run({ execution, method }, fn);
}

/**
 * A frame to enter many times with openRunFrame (frozen): build it once per run, not once per call.
 * @example const frame = createContextFrame(new MovingExecutionContext("BTCUSDT", true), method);
 */
export function createContextFrame(
  execution: IExecutionContext | undefined,
  method: IMethodContext | undefined,
): IContextFrame {
  return Object.freeze({ execution, method });
}

/**
 * One run's entry into user code (openRunFrame): `run` enters the run's frame for one call; `leave` ends
 * the lone-run frame when the run hands control back (a yield); `close` ends the run.
 */
export interface IRunFrame {
  /** Runs `fn` in the run's frame; returns what `fn` returns (a promise stays a promise). */
  run<T>(fn: () => T): T;
  /** The run yields to its consumer: code outside the run no longer sees its frame. */
  leave(): void;
  /**
   * A call of the run was given up while it may still be running (a timeout): from now on every run of
   * the process enters the storage, so the late call can never see another run's frame.
   */
  abandonCall(): void;
  /** The run is over. Idempotent. */
  close(): void;
}

/**
 * Opens a run's entry into user code. A `sequential` run (one call at a time: a backtest) that is the
 * only open sequential run, entered outside any stored frame, sets its frame as the process's current
 * one instead of entering the AsyncLocalStorage; other runs enter the storage on every call. Close it
 * when the run ends (a sequential run left open only keeps later ones on the storage).
 * @example const entry = openRunFrame(createContextFrame(execution, method), true);
 *   try { await entry.run(() => strategy.getSignal(symbol, when)); } finally { entry.close(); }
 */
export function openRunFrame(frame: IContextFrame, sequential: boolean): IRunFrame {
  return new RunFrame(frame, sequential);
}

/**
 * openRunFrame's entry: a class, so every run's entry shares one map and one copy of each method (an
 * object of closures per run would give a run loop's call of `run` a new target at every run, and make it
 * deoptimise there).
 */
class RunFrame implements IRunFrame {
  readonly #frame: IContextFrame;
  #open: boolean;

  constructor(frame: IContextFrame, sequential: boolean) {
    if (sequential) state.openSequentialRuns++;
    this.#frame = frame;
    this.#open = sequential;
  }

  run<T>(fn: () => T): T {
    if (
      this.#open &&
      state.openSequentialRuns === 1 &&
      !state.storageOnly &&
      storage.getStore() === undefined
    ) {
      state.current = this.#frame;
      return fn();
    }
    return storage.run(this.#frame, fn);
  }

  leave(): void {
    if (state.current === this.#frame) state.current = undefined;
  }

  abandonCall(): void {
    state.storageOnly = true;
  }

  close(): void {
    if (state.current === this.#frame) state.current = undefined;
    if (!this.#open) return;
    this.#open = false;
    state.openSequentialRuns--;
  }
}

/** The current frame (both contexts in one read), or undefined outside one. */
export function findContextFrame(): IContextFrame | undefined {
  return currentFrame();
}

/** Runs `fn` with `execution` set, keeping the current method context (if any). */
export function runInExecutionContext<T>(execution: IExecutionContext, fn: () => T): T {
  return storage.run({ execution, method: currentFrame()?.method }, fn);
}

/** Runs `fn` with `method` set, keeping the current execution context (if any). */
export function runInMethodContext<T>(method: IMethodContext, fn: () => T): T {
  return storage.run({ execution: currentFrame()?.execution, method }, fn);
}

/** The current execution context, or undefined outside one. */
export function findExecutionContext(): IExecutionContext | undefined {
  return currentFrame()?.execution;
}

/** The current method context, or undefined outside one. */
export function findMethodContext(): IMethodContext | undefined {
  return currentFrame()?.method;
}

/**
 * The current execution context.
 * @throws BtError CONTEXT when called outside runInContext.
 */
export function getExecutionContext(): IExecutionContext {
  const execution = currentFrame()?.execution;
  if (execution === undefined) {
    throw new BtError(
      "CONTEXT",
      "No execution context: this function reads the ambient {symbol, when, backtest} and must be called from strategy code run by the engine (getSignal, callbacks, risk validations) or inside runInContext()",
      { field: "executionContext" },
    );
  }
  return execution;
}

/**
 * The current method context.
 * @throws BtError CONTEXT when called outside runInContext / runInMethodContext.
 */
export function getMethodContext(): IMethodContext {
  const method = currentFrame()?.method;
  if (method === undefined) {
    throw new BtError(
      "CONTEXT",
      "No method context: this function reads the ambient {strategyName, exchangeName, frameName} and must be called from code run by the engine or inside runInContext()",
      { field: "methodContext" },
    );
  }
  return method;
}

/** True when an execution context is active. */
export function hasExecutionContext(): boolean {
  return currentFrame()?.execution !== undefined;
}
