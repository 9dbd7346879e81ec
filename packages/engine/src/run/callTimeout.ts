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
 * One interval timer for a sequence of calls (one strategy's getSignal calls), checking CHECKS_PER_TIMEOUT
 * times per timeout whether the same call is still pending: a call seen pending at CHECKS_PER_TIMEOUT + 1
 * consecutive checks has waited at least `timeoutMs` and is failed. A call costs a counter and the promise
 * that can be rejected: no clock read and no timer per call. The timer runs (keeping the process alive,
 * so a hung call cannot let it exit silently) from the first call until stop().
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

  /**
   * The promise's outcome, or BtError TIMEOUT once it has been pending for `timeoutMs`; `describe` is
   * called only when the call times out. Calls are sequential: one pending at a time.
   */
  race<T>(promise: PromiseLike<T>, timeoutMs: number, describe: () => ITimeoutSubject): Promise<T> {
    if (this.timer === undefined || this.timeoutMs !== timeoutMs) this.start(timeoutMs);
    const call = ++this.calls;
    this.describe = describe;
    return new Promise<T>((resolve, reject) => {
      this.fail = reject;
      promise.then(
        (value) => {
          if (this.calls === call) this.fail = null;
          resolve(value);
        },
        (error: unknown) => {
          if (this.calls === call) this.fail = null;
          reject(error);
        },
      );
    });
  }

  /** Ends the watch (the run is over); a later race starts it again. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
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
    fail(timeoutError(this.describe?.() ?? { what: "a call" }, this.timeoutMs));
  }
}
