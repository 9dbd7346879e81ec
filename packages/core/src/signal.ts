// The signal model: what a strategy returns (ISignalDto) and the rows the engine tracks once a
// signal is accepted (scheduled, then pending/open), plus close and cancel reasons.

/** Trade direction. */
export type SignalPosition = "long" | "short";

/** What a strategy's getSignal returns. Prices in quote currency, time in minutes. */
export interface ISignalDto {
  position: SignalPosition;
  /** Entry price; absent → open now at the current price; present and not reached → scheduled. */
  priceOpen?: number;
  priceTakeProfit: number;
  priceStopLoss: number;
  /** Maximum holding time in minutes; the position closes as time_expired when reached. */
  minuteEstimatedTime: number;
  /** Free text carried into reports. */
  note?: string;
  /** Position cost in quote currency; when absent, sizing (if any) decides it. */
  cost?: number;
}

/** Fields shared by scheduled and open signal rows. */
export interface ISignalBase {
  /** Unique id, supplied by the engine (deterministic in backtest). */
  id: string;
  symbol: string;
  strategyName: string;
  exchangeName: string;
  position: SignalPosition;
  priceOpen: number;
  priceTakeProfit: number;
  priceStopLoss: number;
  minuteEstimatedTime: number;
  note: string;
  /** Position cost in quote currency, or null when unsized. */
  cost: number | null;
  /** Position size in base units (cost / priceOpen), or null when unsized. */
  quantity: number | null;
  /** When the signal was accepted, epoch ms. */
  scheduledAt: number;
}

/** A signal waiting for its priceOpen (no position yet). */
export interface IScheduledSignalRow extends ISignalBase {
  readonly kind: "scheduled";
}

/** An open position. */
export interface ISignalRow extends ISignalBase {
  readonly kind: "pending";
  /** When the position opened, epoch ms; equals scheduledAt for an immediate open. */
  pendingAt: number;
}

/** Why an open position closed; "closed" means closed by the user. */
export type CloseReason = "take_profit" | "stop_loss" | "time_expired" | "closed";

/**
 * Why a scheduled signal was cancelled; "price_reject" = stop loss reached before activation; "stale" =
 * live only: its open could not be placed within the staleness limit and its take profit, stop loss
 * or lifetime was crossed meanwhile (never filled at an old price).
 */
export type CancelReason = "timeout" | "price_reject" | "user" | "stale";

/** Every CancelReason, in report order. */
export const CANCEL_REASONS: ReadonlyArray<CancelReason> = ["timeout", "price_reject", "user", "stale"];

/** Profit and loss of a closed position; prices are the raw levels, pnl includes fees and slippage. */
export interface IStrategyPnL {
  /** Net result in percent of the (slippage-adjusted) entry. */
  pnlPercentage: number;
  priceOpen: number;
  priceClose: number;
}
