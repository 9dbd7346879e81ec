// IStrategyTickResult: the discriminated union every runner yields and every listener receives.

import type {
  CancelReason,
  CloseReason,
  EntrySource,
  IScheduledSignalRow,
  ISignalRow,
  IStrategyPnL,
  PartialReason,
} from "./signal";

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

/** What changed in an open position (prices in quote currency). */
export type PositionUpdate =
  /** A part closed at `price`: `fraction` of the then-open size. */
  | {
      readonly kind: "partial";
      readonly reason: PartialReason;
      readonly price: number;
      readonly fraction: number;
    }
  /** An entry was added (DCA) at `price` for `cost` (units of the first entry when unsized). */
  | {
      readonly kind: "entry";
      readonly source: Exclude<EntrySource, "open">;
      readonly price: number;
      readonly cost: number;
    }
  /** The stop loss moved to the zero-PnL price (or stayed, when already tighter). */
  | { readonly kind: "breakeven"; readonly from: number; readonly to: number }
  /** The stop loss moved: by the trailing rule (live and per-minute runs only) or by a command. */
  | {
      readonly kind: "stop_moved";
      readonly source: "trailing" | "command";
      readonly from: number;
      readonly to: number;
    }
  /** The take profit moved by a command. */
  | { readonly kind: "take_moved"; readonly source: "command"; readonly from: number; readonly to: number }
  /** priceTakeProfit was reached with a trailing take: the exit now trails the best price from `price`. */
  | { readonly kind: "trailing_take"; readonly price: number };

/** An open position changed without closing: a partial exit, an added entry, a moved level. */
export interface IStrategyTickResultUpdated extends ITickBase {
  action: "updated";
  /** The position after the change. */
  signal: ISignalRow;
  update: PositionUpdate;
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
  | IStrategyTickResultUpdated
  | IStrategyTickResultClosed
  | IStrategyTickResultCancelled;

/** The `action` values of IStrategyTickResult. */
export type StrategyAction = IStrategyTickResult["action"];
