// The signal model: what a strategy returns (ISignalDto) and the rows the engine tracks once a
// signal is accepted (scheduled, then pending/open), plus close and cancel reasons.

/** Trade direction. */
export type SignalPosition = "long" | "short";

/**
 * How a signal enters.
 * - "market": now, at the current price (no priceOpen).
 * - "limit": at priceOpen or better (long: price ≤ priceOpen, short: ≥). A limit the market has already
 *   crossed when proposed fills at once at the current price, never at a price the market did not offer;
 *   a resting one fills at priceOpen in the minute the price reaches it.
 * - "stop": a breakout; waits until the price crosses priceOpen in the trade's direction (long: ≥,
 *   short: ≤) and fills at that minute's price. A stop the market has already crossed is rejected; one
 *   whose minute gapped to or past its take profit is cancelled (price_reject), never opened beyond it.
 */
export type EntryType = "market" | "limit" | "stop";

/** Every EntryType. */
export const ENTRY_TYPES: ReadonlyArray<EntryType> = ["market", "limit", "stop"];

/** A distance behind the best price: exactly one of percent (of that price) or price units. */
export interface ITrailingDistance {
  /** Distance in percent of the best price, > 0 and < 100. */
  distancePercent?: number;
  /** Distance in quote currency, > 0. */
  distance?: number;
}

/**
 * Trailing stop: once the profit from the entry reaches `activationPercent` (default 0: at once), the
 * stop loss follows the best price at the distance, and only ever tightens.
 */
export interface ITrailingStopRule extends ITrailingDistance {
  activationPercent?: number;
}

/**
 * Trailing take profit: when the price reaches priceTakeProfit the position does not close there;
 * it closes (take_profit) when the price falls back the distance from its best price since then.
 */
export type ITrailingTakeRule = ITrailingDistance;

/**
 * Breakeven: once the profit from the entry reaches `triggerPercent`, the stop loss moves to the
 * price at which the whole trade nets zero after fees and slippage on both sides (never loosens). It
 * waits, past the trigger, until that price is on the loss side of the market.
 */
export interface IBreakevenRule {
  triggerPercent: number;
}

/** One level of a take-profit ladder: at `profitPercent` from the entry, close `closePercent` of the size. */
export interface ITakeProfitLevel {
  /** Profit distance from the (cost-weighted) entry price, in percent, > 0. */
  profitPercent: number;
  /** Share of the position's entered size to close, in percent, in (0, 100]. */
  closePercent: number;
}

/** One level of a DCA ladder: at `lossPercent` against the first entry, add an entry. */
export interface IDcaLevel {
  /** Adverse distance from the first entry price, in percent, > 0 and < 100. */
  lossPercent: number;
  /** Cost of the added entry in percent of the first entry's cost (default 100: the same cost). */
  costPercent?: number;
}

/** A DCA ladder: extra entries at levels, at most `maxEntries` entries in all (the first included). */
export interface IDcaRule {
  levels: ReadonlyArray<IDcaLevel>;
  /** Most entries the position may have, the first included (default: 1 + levels). */
  maxEntries?: number;
  /** Allow an added entry above (long) / below (short) the average entry price (default false). */
  allowAveragingUp?: boolean;
}

/** What a strategy's getSignal returns. Prices in quote currency, time in minutes. */
export interface ISignalDto {
  position: SignalPosition;
  /** Entry price; absent → open now at the current price; present → an entry of type `entry`. */
  priceOpen?: number;
  /** How the signal enters: "market" without priceOpen; "limit" (default) or "stop" with it. */
  entry?: EntryType;
  priceTakeProfit: number;
  priceStopLoss: number;
  /**
   * Maximum holding time in minutes; the position closes as time_expired when reached. Optional: when
   * absent the position is held until an exit or CC_MAX_SIGNAL_LIFETIME_MINUTES, whichever comes first.
   */
  minuteEstimatedTime?: number;
  /** Free text carried into reports. */
  note?: string;
  /** Position cost in quote currency; when absent, sizing (if any) decides it. */
  cost?: number;
  trailingStop?: ITrailingStopRule;
  trailingTake?: ITrailingTakeRule;
  breakeven?: IBreakevenRule;
  /** Partial closes at profit levels, in ascending order of profitPercent; their closePercent sum ≤ 100. */
  takeProfitLadder?: ReadonlyArray<ITakeProfitLevel>;
  dca?: IDcaRule;
}

/** The declarative rules of a signal row, each null when the signal has none. */
export interface IPositionRules {
  readonly trailingStop: Readonly<ITrailingStopRule> | null;
  readonly trailingTake: Readonly<ITrailingTakeRule> | null;
  readonly breakeven: Readonly<IBreakevenRule> | null;
  readonly takeProfitLadder: ReadonlyArray<Readonly<ITakeProfitLevel>> | null;
  readonly dca: Readonly<IDcaRule> | null;
}

/** Rules of a signal that has none. */
export const NO_RULES: IPositionRules = Object.freeze({
  trailingStop: null,
  trailingTake: null,
  breakeven: null,
  takeProfitLadder: null,
  dca: null,
});

/** Fields shared by scheduled and open signal rows. */
export interface ISignalBase {
  /** Unique id, supplied by the engine (deterministic in backtest). */
  id: string;
  symbol: string;
  strategyName: string;
  exchangeName: string;
  position: SignalPosition;
  /** Scheduled: the entry price asked for. Open: the first entry's fill price. */
  priceOpen: number;
  /** How the signal enters (see EntryType). */
  entry: EntryType;
  /** The take profit in force (it moves with commands and trailing rules). */
  priceTakeProfit: number;
  /** The stop loss in force (it moves with breakeven, trailing and commands). */
  priceStopLoss: number;
  /** Holding limit in minutes (the signal's, or CC_MAX_SIGNAL_LIFETIME_MINUTES when it set none). */
  minuteEstimatedTime: number;
  note: string;
  /** Cost of the first entry in quote currency, or null when unsized. */
  cost: number | null;
  /** Size of the first entry in base units (cost / priceOpen), or null when unsized. */
  quantity: number | null;
  /** When the signal was accepted, epoch ms. */
  scheduledAt: number;
  /** The declarative rules the position follows. */
  rules: IPositionRules;
}

/** A signal waiting for its priceOpen (no position yet). */
export interface IScheduledSignalRow extends ISignalBase {
  readonly kind: "scheduled";
}

/** Why a part of a position was closed before the end. */
export type PartialReason = "take_profit_ladder" | "partial_profit" | "partial_loss";

/** Where an added entry came from. */
export type EntrySource = "open" | "dca_ladder" | "command";

/**
 * One fill of a position, in time order: an entry (the first is the open) or a partial exit.
 * `cost` of an entry is in quote currency, or for an unsized signal in units of the first entry (1).
 * `fraction` of an exit is the share of the then-open size it closed, in (0, 1).
 * `price` is the model's price (the rules measure from it, so live decides as a backtest does);
 * `executedPrice` is the broker's fill price in live, which the live PnL is computed from.
 */
export type PositionFill =
  | {
      readonly kind: "entry";
      readonly price: number;
      readonly cost: number;
      readonly at: number;
      readonly source: EntrySource;
      readonly executedPrice?: number;
    }
  | {
      readonly kind: "exit";
      readonly price: number;
      readonly fraction: number;
      readonly at: number;
      readonly reason: PartialReason;
      readonly executedPrice?: number;
    };

/** An open position. */
export interface ISignalRow extends ISignalBase {
  readonly kind: "pending";
  /** When the position opened, epoch ms; equals scheduledAt for an immediate open. */
  pendingAt: number;
  /** Entries and partial exits so far, in time order; the first is the open entry. */
  fills: ReadonlyArray<PositionFill>;
  /** The take profit and stop loss the position opened with. */
  originalTakeProfit: number;
  originalStopLoss: number;
  /** Best and worst price since the open (the MFE / MAE source), the open price included. */
  bestPrice: number;
  worstPrice: number;
  /** Trailing take: the best price since priceTakeProfit was reached, or null before. */
  trailingTakePeak: number | null;
  /** True once the breakeven rule (or command) has moved the stop loss. */
  breakevenDone: boolean;
  /** Index of the next take-profit ladder level and of the next DCA ladder level. */
  ladderNext: number;
  dcaNext: number;
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
  /** Net result in percent of the cost of all entries (fees and slippage of every fill included). */
  pnlPercentage: number;
  /** The cost-weighted average entry price (the open price for a single entry). */
  priceOpen: number;
  /** The final exit's price (partial exits are in the signal's fills). */
  priceClose: number;
  /** Net result in quote currency, or null for an unsized signal (no cost to measure it in). */
  pnlCost: number | null;
  /** Cost of all entries in quote currency, or null when unsized. */
  costTotal: number | null;
  /**
   * Peak profit (MFE, ≥ 0) and worst adverse excursion (MAE, ≤ 0) of the price, in percent from the
   * entry; null for a trade recorded before bt tracked them (an upgraded record).
   */
  mfePercent: number | null;
  maePercent: number | null;
  /** Minutes from the open to the close. */
  minutesInPosition: number;
}
