// What the engine keeps of the latest portfolio run of a strategy: its account and each symbol's record.

import type { IBacktestRunRecord } from "../run/backtestRecord";
import type { RunAccount } from "./runAccount";

/** What the engine keeps of the latest portfolio run of a strategy. */
export interface IPortfolioRunRecord {
  readonly strategyName: string;
  readonly exchangeName: string;
  readonly frameName: string;
  readonly symbols: ReadonlyArray<string>;
  readonly account: RunAccount;
  /** Each symbol's backtest record, in `symbols` order (as soon as the run has started). */
  readonly runs: IBacktestRunRecord[];
  /** The error that ended the portfolio run, or null. */
  error: Error | null;
}
