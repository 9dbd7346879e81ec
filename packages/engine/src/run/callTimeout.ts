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

interface IWatchedCall {
  deadline: number;
  fail: () => void;
}

/**
 * One timer for a sequence of calls (one strategy's getSignal calls): `race` arms it only when no
 * timer is pending, and a timer that fires before the current call's deadline re-arms itself, so a
 * backtest with an async getSignal every minute creates a timer per timeout period, not per call.
 */
export class CallWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: IWatchedCall | null = null;

  /**
   * The promise's outcome, or BtError TIMEOUT after `timeoutMs` (ms of the monotonic clock); `describe`
   * is called only when the call times out.
   */
  race<T>(promise: PromiseLike<T>, timeoutMs: number, describe: () => ITimeoutSubject): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: IWatchedCall = {
        deadline: performance.now() + timeoutMs,
        fail: () => reject(timeoutError(describe(), timeoutMs)),
      };
      this.current = call;
      this.arm(timeoutMs);
      promise.then(
        (value) => {
          this.settle(call);
          resolve(value);
        },
        (error: unknown) => {
          this.settle(call);
          reject(error);
        },
      );
    });
  }

  private settle(call: IWatchedCall): void {
    if (this.current !== call) return;
    this.current = null;
    // Nothing to watch: the pending timer must not keep the process alive.
    this.timer?.unref?.();
  }

  private arm(delayMs: number): void {
    if (this.timer !== undefined) {
      this.timer.ref?.();
      return;
    }
    this.timer = setTimeout(() => this.fire(), Math.max(0, delayMs));
  }

  private fire(): void {
    this.timer = undefined;
    const call = this.current;
    if (call === null) return;
    const remainingMs = call.deadline - performance.now();
    if (remainingMs <= 0) {
      this.current = null;
      call.fail();
      return;
    }
    this.arm(remainingMs);
  }
}
