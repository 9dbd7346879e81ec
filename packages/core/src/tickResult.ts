// IStrategyTickResult: the discriminated union every runner yields and every listener receives.

import type { CancelReason, CloseReason, IScheduledSignalRow, ISignalRow, IStrategyPnL } from "./signal";

/** Where a result was produced: shared by every member of the union. */
export interface ITickOrigin {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  /** True in backtest and walker, false in live. */
  backtest: boolean;
}

/** Common fields: the price that decided the tick and its time (epoch ms). */
interface ITickBase extends ITickOrigin {
  currentPrice: number;
  timestamp: number;
}

/** No signal; the strategy was (or was not, by throttling) asked for one. */
export interface IStrategyTickResultIdle extends ITickBase {
  action: "idle";
}

/** A signal was accepted and waits for its priceOpen. */
export interface IStrategyTickResultScheduled extends ITickBase {
  action: "scheduled";
  signal: IScheduledSignalRow;
}

/** A position opened (immediately or by activation of a scheduled signal). */
export interface IStrategyTickResultOpened extends ITickBase {
  action: "opened";
  signal: ISignalRow;
}

/** A position is open and was checked at this tick without closing. */
export interface IStrategyTickResultActive extends ITickBase {
  action: "active";
  signal: ISignalRow;
}

/** A position closed; `currentPrice` is the exit price (exact TP/SL level, or the current price). */
export interface IStrategyTickResultClosed extends ITickBase {
  action: "closed";
  signal: ISignalRow;
  closeReason: CloseReason;
  pnl: IStrategyPnL;
}

/** A scheduled signal was cancelled before it opened. */
export interface IStrategyTickResultCancelled extends ITickBase {
  action: "cancelled";
  signal: IScheduledSignalRow;
  cancelReason: CancelReason;
}

/** Everything a tick can produce, discriminated on `action`. */
export type IStrategyTickResult =
  | IStrategyTickResultIdle
  | IStrategyTickResultScheduled
  | IStrategyTickResultOpened
  | IStrategyTickResultActive
  | IStrategyTickResultClosed
  | IStrategyTickResultCancelled;

/** The `action` values of IStrategyTickResult. */
export type StrategyAction = IStrategyTickResult["action"];
