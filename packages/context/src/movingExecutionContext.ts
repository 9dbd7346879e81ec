// The execution context of one sequential run: one object per run whose instant moves. The engine enters
// it once per call into user code (no context object, frame or Date per call) and sets `whenMs` before
// each call; `when` builds a Date only when someone asks for it.

import type { IExecutionContext } from "./executionContext";

/**
 * An IExecutionContext whose instant is a number the owner moves (`whenMs`, epoch ms). `when` is a new
 * Date of it on every read, so user code never shares a mutable Date. Runs never share one: two runs in
 * one process each have their own, so they never see each other's instant.
 * @example const execution = new MovingExecutionContext("BTCUSDT", true); execution.whenMs = Date.UTC(2025, 0, 1);
 */
export class MovingExecutionContext implements IExecutionContext {
  /** The current instant, epoch ms; the owner sets it before each call into user code. */
  whenMs: number;

  constructor(
    readonly symbol: string,
    readonly backtest: boolean,
    whenMs = 0,
  ) {
    this.whenMs = whenMs;
  }

  /** The current instant as a new Date (one per read). */
  get when(): Date {
    return new Date(this.whenMs);
  }
}
