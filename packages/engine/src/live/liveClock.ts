// The clock that drives Live: `now()` and an abortable `sleep()`. The wall clock is the one place of
// the engine that reads real time; tests and paper replays inject a simulated clock whose sleep
// advances time at once, so a day of live minutes runs in moments.

/** Time source of a live run: epoch ms and an abortable wait. */
export interface ILiveClock {
  /** The current time, epoch ms. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock (at once when ms ≤ 0) or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: Date.now() and setTimeout. */
export const wallClock: ILiveClock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || signal?.aborted) {
        resolve();
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
});

/** A simulated clock with a readable and settable time. */
export interface ISimulatedClock extends ILiveClock {
  /** Moves the time to `timeMs` (epoch ms); never backwards. */
  set(timeMs: number): void;
}

/**
 * A clock starting at `startMs` (epoch ms) whose sleep(ms) advances the time by `ms` immediately
 * (after yielding to the event loop once), for tests and fast paper replays of recorded candles.
 * @example Live.run("BTCUSDT", context, { persist, clock: createSimulatedClock(Date.UTC(2025, 0, 1)) })
 */
export function createSimulatedClock(startMs: number): ISimulatedClock {
  let timeMs = startMs;
  return {
    now: () => timeMs,
    set(nextMs: number) {
      timeMs = Math.max(timeMs, nextMs);
    },
    async sleep(ms: number) {
      // One macrotask per sleep keeps timers and I/O of the host responsive during a replay.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ms > 0) timeMs += ms;
    },
  };
}
