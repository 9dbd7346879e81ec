// Shares loaded candle stores between the runs of one engine: concurrent backtests of the same
// (exchange, symbol, range) and every strategy of a walker use one load. Reference-counted: a store
// is dropped when its last run releases it, so memory does not grow with finished runs.

import { type ICandleLoadOptions, loadCandleStore } from "./candleLoader";
import type { CandleStore } from "./candleStore";

interface IEntry {
  promise: Promise<CandleStore>;
  references: number;
}

/** A handle on a shared store; call release() exactly once when the run ends. */
export interface IStoreLease {
  store: CandleStore;
  release(): void;
}

export class StoreCache {
  private readonly entries = new Map<string, IEntry>();

  /** Loads (or joins the load of) the store for these options. */
  async acquire(options: ICandleLoadOptions): Promise<IStoreLease> {
    const key = [
      options.exchange.exchangeName,
      options.symbol,
      options.fromMs,
      options.toMs,
      options.frameStartMs,
      options.gapPolicy,
      options.priceCandleCount,
      options.interval ?? "1m",
    ].join("\u0000");
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { promise: loadCandleStore(options), references: 0 };
      this.entries.set(key, entry);
    }
    entry.references++;
    const current = entry;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      current.references--;
      if (current.references === 0 && this.entries.get(key) === current) this.entries.delete(key);
    };
    try {
      return { store: await current.promise, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Number of stores held (for tests). */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
