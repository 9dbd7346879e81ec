// The clock of a portfolio run: several symbols' backtests share one account, so the events that touch
// it (a signal settled, a position closed, a scheduled signal activated or cancelled) must happen in
// time order across symbols, whatever order the runs compute in. Each run computes freely between
// events (getSignal, price scans) and waits at an event until every other run has reached a later one:
// conservative lock-step, no run ever sees another's future.

/**
 * The order key of an event at `timeMs`: at the same minute, closes (and activations, cancellations)
 * come before new signals, so a position closing at t frees its slot and cash for a signal at t.
 */
export function eventKey(timeMs: number, opensPosition: boolean): number {
  return timeMs * 2 + (opensPosition ? 1 : 0);
}

/**
 * Lock-step of `count` runs. Run i at key k may go on when every other run j is past k: j's last
 * key is > k, or equal with j after i (equal keys go in run order), or j has finished. A run's key is
 * that of the event it waits at or processed last, so one that is processing an event holds back
 * every later one until it reaches its next event.
 */
export class PortfolioClock {
  private readonly keys: number[];
  private readonly waiting: Array<(() => void) | null>;

  constructor(count: number) {
    this.keys = new Array<number>(count).fill(Number.NEGATIVE_INFINITY);
    this.waiting = new Array<(() => void) | null>(count).fill(null);
  }

  /** Run `index` reached its event at `key`: undefined when it may process it now, else a promise of that. */
  arrive(index: number, key: number): Promise<void> | undefined {
    this.keys[index] = key;
    const passes = this.mayGo(index, key);
    this.wake();
    if (passes) return undefined;
    return new Promise<void>((resolve) => {
      this.waiting[index] = resolve;
    });
  }

  /** Run `index` ended (completed, stopped or failed): it holds nobody back any more. */
  finish(index: number): void {
    this.keys[index] = Number.POSITIVE_INFINITY;
    this.waiting[index] = null;
    this.wake();
  }

  private mayGo(index: number, key: number): boolean {
    const keys = this.keys;
    for (let other = 0; other < keys.length; other++) {
      if (other === index) continue;
      const otherKey = keys[other] as number;
      if (otherKey < key || (otherKey === key && other < index)) return false;
    }
    return true;
  }

  /** Lets the waiting run that may go on (at most one can: the earliest) do so. */
  private wake(): void {
    const waiting = this.waiting;
    for (let index = 0; index < waiting.length; index++) {
      const resume = waiting[index];
      if (resume === null || resume === undefined || !this.mayGo(index, this.keys[index] as number)) continue;
      waiting[index] = null;
      resume();
    }
  }
}
