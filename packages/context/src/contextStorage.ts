// One AsyncLocalStorage holding the pair (execution, method). A pair is entered with a single
// `run()` per user-code call, so nested calls, awaits and Promise.all inside it see it, and two
// concurrent runs never see each other's (each call gets its own frame). The storage is process-wide
// (a globalThis slot), so a second copy of this package loaded by a strategy file sees the same frames.

import { AsyncLocalStorage } from "node:async_hooks";
import { BtError } from "@bt/core";
import type { IExecutionContext, IMethodContext } from "./executionContext";
import { sharedGlobalSlot } from "./globalSlot";

/** What the storage holds: both contexts of the current call. */
export interface IContextFrame {
  readonly execution: IExecutionContext | undefined;
  readonly method: IMethodContext | undefined;
}

/** globalThis key of the shared AsyncLocalStorage. */
export const CONTEXT_SLOT_KEY = "@bt/context/storage";
/**
 * Layout version of the shared storage slot: bump the major when IContextFrame changes incompatibly
 * (copies with another major refuse to load instead of silently not seeing each other's context).
 */
export const CONTEXT_SLOT_VERSION = "1.0.0";

const storage = sharedGlobalSlot(
  CONTEXT_SLOT_KEY,
  CONTEXT_SLOT_VERSION,
  () => new AsyncLocalStorage<IContextFrame>(),
);

/**
 * Runs `fn` with both contexts set; returns what `fn` returns (a promise stays a promise).
 * @example runInContext({ symbol: "BTCUSDT", when: new Date(0), backtest: true },
 *   { strategyName: "s", exchangeName: "e", frameName: "f" }, () => getExecutionContext().when)
 */
export function runInContext<T>(execution: IExecutionContext, method: IMethodContext, fn: () => T): T {
  return storage.run({ execution, method }, fn);
}

/**
 * A frame to enter many times with runInFrame (frozen): build it once per run, not once per call.
 * @example const frame = createContextFrame(new MovingExecutionContext("BTCUSDT", true), method);
 */
export function createContextFrame(
  execution: IExecutionContext | undefined,
  method: IMethodContext | undefined,
): IContextFrame {
  return Object.freeze({ execution, method });
}

/**
 * Runs `fn` inside `frame` (from createContextFrame); returns what `fn` returns. Allocates nothing: the
 * engine's per-call entry into user code, with the frame's execution context moved between calls.
 */
export function runInFrame<T>(frame: IContextFrame, fn: () => T): T {
  return storage.run(frame, fn);
}

/** The current frame (both contexts in one read), or undefined outside one. */
export function findContextFrame(): IContextFrame | undefined {
  return storage.getStore();
}

/** Runs `fn` with `execution` set, keeping the current method context (if any). */
export function runInExecutionContext<T>(execution: IExecutionContext, fn: () => T): T {
  return storage.run({ execution, method: storage.getStore()?.method }, fn);
}

/** Runs `fn` with `method` set, keeping the current execution context (if any). */
export function runInMethodContext<T>(method: IMethodContext, fn: () => T): T {
  return storage.run({ execution: storage.getStore()?.execution, method }, fn);
}

/** The current execution context, or undefined outside one. */
export function findExecutionContext(): IExecutionContext | undefined {
  return storage.getStore()?.execution;
}

/** The current method context, or undefined outside one. */
export function findMethodContext(): IMethodContext | undefined {
  return storage.getStore()?.method;
}

/**
 * The current execution context.
 * @throws BtError CONTEXT when called outside runInContext.
 */
export function getExecutionContext(): IExecutionContext {
  const execution = storage.getStore()?.execution;
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
  const method = storage.getStore()?.method;
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
  return storage.getStore()?.execution !== undefined;
}
