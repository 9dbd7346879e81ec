// The handle of one running live strategy: the stop flag, the abort signal that cuts the clock's
// sleep short, and the bookkeeping that lets stop() resolve once no engine work is in flight.

/**
 * A running live strategy. stop() ends it after the in-flight tick: it resolves once the run has ended
 * or is suspended at a yield of Live.run (everything before a yielded result is already committed; the
 * generator ends without another tick when the consumer pulls again), so awaiting it inside the
 * consumer's loop cannot deadlock.
 */
export class LiveRunHandle {
  stopped = false;
  readonly abort = new AbortController();
  /** True while the engine works (between a resume and the next yield or the end). */
  private busy = false;
  private waiters: Array<() => void> = [];

  /** Asks the run to end after its in-flight tick; resolves once no engine work is in flight. */
  stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  /** The engine resumed work (start, or the consumer pulled the next result). */
  resume(): void {
    this.busy = true;
  }

  /** The engine is about to yield a result or has ended: nothing is in flight. */
  pause(): void {
    this.busy = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
