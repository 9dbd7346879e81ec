// Timeouts on calls into code bt does not control (strategies, exchanges, brokers, stores): a call that
// never settles becomes a BtError TIMEOUT instead of hanging a run. Live pays one timer per call; the
// backtest's getSignal shares one watchdog timer per run, and a synchronous getSignal costs nothing.

import { BtError } from "@bt/core";

/** What timed out, for the error: the message text and the adapter named in the error. */
export interface ITimeoutSubject {
  /** E.g. `broker paper: openPosition of s1`. */
  what: string;
  adapter?: string;
}

/** The BtError TIMEOUT (retryable: the outcome is unknown) of a call that took longer than `timeoutMs`. */
export function timeoutError(subject: ITimeoutSubject, timeoutMs: number): BtError {
  return new BtError("TIMEOUT", `${subject.what} did not settle within ${timeoutMs} ms`, {
    adapter: subject.adapter,
    field: "timeoutMs",
    value: timeoutMs,
    retryable: true,
  });
}

/**
 * `call()`'s value, or BtError TIMEOUT when it has not settled after `timeoutMs` (the call itself is not
 * cancelled; its late outcome is ignored). A synchronous throw of `call` rejects.
 */
export async function withTimeout<T>(
  call: () => T | PromiseLike<T>,
  timeoutMs: number,
  subject: ITimeoutSubject,
): Promise<T> {
  const value = call();
  if (typeof (value as PromiseLike<T> | undefined)?.then !== "function") return value as T;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(timeoutError(subject, timeoutMs)), timeoutMs);
      (value as PromiseLike<T>).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Checks per timeout period: a call is failed after between `timeoutMs` and 1.25 × `timeoutMs`. */
const CHECKS_PER_TIMEOUT = 4;

/**
 * The settle handlers of one generation of calls: made once and reused by every call of the generation
 * (so a call costs no closure); a call that timed out, or that overlaps a pending one, starts a new
 * generation, so a late outcome only ever reaches the call it belongs to.
 */
interface ISettlers {
  resolve: ((value: unknown) => void) | null;
  reject: ((error: unknown) => void) | null;
  /** False once the generation's pending call timed out: its late outcome must not touch the watchdog. */
  live: boolean;
  readonly onValue: (value: unknown) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * One interval timer for a sequence of calls (one strategy's getSignal calls), checking CHECKS_PER_TIMEOUT
 * times per timeout whether the same call is still pending: a call seen pending at CHECKS_PER_TIMEOUT + 1
 * consecutive checks has waited at least `timeoutMs` and is failed. A call costs a counter and the promise
 * that can be rejected (its executor and settle handlers are made once, not per call): no clock read and
 * no timer per call. The timer runs (keeping the process alive, so a hung call cannot let it exit
 * silently) from the first call until stop().
 */
export class CallWatchdog {
  private timer: ReturnType<typeof setInterval> | undefined;
  private timeoutMs = 0;
  /** Number of calls so far; the pending one is call `calls`. */
  private calls = 0;
  private fail: ((error: BtError) => void) | null = null;
  private describe: (() => ITimeoutSubject) | null = null;
  /** The call seen pending at the last check, and at how many consecutive checks. */
  private watched = 0;
  private sightings = 0;
  private settlers: ISettlers = this.newSettlers();
  /** The executor of every race promise: hands its settle functions to the current generation. */
  private readonly adopt = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
    this.settlers.resolve = resolve;
    this.settlers.reject = reject;
    this.fail = reject;
  };

  /**
   * The promise's outcome, or BtError TIMEOUT once it has been pending for `timeoutMs`; `describe` is
   * called only when the call times out. Calls are sequential: one pending at a time (an overlapping
   * call still gets its own outcome, at the price of a new generation of handlers).
   */
  race<T>(promise: PromiseLike<T>, timeoutMs: number, describe: () => ITimeoutSubject): Promise<T> {
    this.watch(timeoutMs);
    this.calls++;
    this.describe = describe;
    if (this.settlers.resolve !== null) this.settlers = this.newSettlers();
    const settlers = this.settlers;
    const raced = new Promise<T>(
      this.adopt as (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
    );
    promise.then(settlers.onValue, settlers.onError);
    return raced;
  }

  /**
   * Watches a call without a race promise (the backtest's getSignal: the caller awaits the call's own
   * promise): `onTimeout` gets the TIMEOUT once the call is still pending after `timeoutMs`, unless done()
   * came first. Costs a counter per call.
   */
  begin(timeoutMs: number, describe: () => ITimeoutSubject, onTimeout: (error: BtError) => void): void {
    this.watch(timeoutMs);
    this.calls++;
    this.describe = describe;
    this.fail = onTimeout;
  }

  /**
   * Starts the timer for calls of `timeoutMs` unless it runs already. race() and begin() do it too; a
   * backtest calls it when it is set up, so that the per-call begin() of every later run finds the timer
   * running (a branch first taken in a later run would deoptimise the run loop there).
   */
  watch(timeoutMs: number): void {
    if (this.timer === undefined || this.timeoutMs !== timeoutMs) this.start(timeoutMs);
  }

  /** The call watched by begin() settled in time. */
  done(): void {
    this.fail = null;
  }

  /** Ends the watch (the run is over); a later race starts it again. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private newSettlers(): ISettlers {
    const settlers: ISettlers = {
      resolve: null,
      reject: null,
      live: true,
      onValue: (value) => {
        const resolve = settlers.resolve;
        settlers.resolve = null;
        settlers.reject = null;
        if (settlers.live && this.settlers === settlers) this.fail = null;
        resolve?.(value);
      },
      onError: (error) => {
        const reject = settlers.reject;
        settlers.resolve = null;
        settlers.reject = null;
        if (settlers.live && this.settlers === settlers) this.fail = null;
        reject?.(error);
      },
    };
    return settlers;
  }

  private start(timeoutMs: number): void {
    this.stop();
    this.timeoutMs = timeoutMs;
    this.timer = setInterval(() => this.check(), Math.max(1, Math.floor(timeoutMs / CHECKS_PER_TIMEOUT)));
  }

  private check(): void {
    const fail = this.fail;
    if (fail === null) {
      this.sightings = 0;
      return;
    }
    if (this.watched !== this.calls) {
      this.watched = this.calls;
      this.sightings = 1;
      return;
    }
    this.sightings++;
    if (this.sightings <= CHECKS_PER_TIMEOUT) return;
    this.fail = null;
    this.sightings = 0;
    // The timed-out call's late outcome goes to a retired generation and changes nothing.
    const retired = this.settlers;
    retired.live = false;
    retired.resolve = null;
    retired.reject = null;
    this.settlers = this.newSettlers();
    fail(timeoutError(this.describe?.() ?? { what: "a call" }, this.timeoutMs));
  }
}
