// The schemas users register with the engine: exchange, strategy, frame, risk, sizing and walker.
// Plain data plus user functions; the engine validates them at registration.

import type { ICandleData } from "./candle";
import type { ICandleColumns } from "./candleColumns";
import type { CandleInterval } from "./interval";
import type { IScheduledSignalRow, ISignalDto, ISignalRow } from "./signal";
import type { WalkerMetric } from "./statisticMetrics";
import type { IStrategyTickResult, PositionUpdate } from "./tickResult";

/** A value or a promise of it: user hooks may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/** A market data source. Adapters (@bt/exchange-ccxt, @bt/exchange-file) return one of these. */
export interface IExchangeSchema {
  exchangeName: string;
  note?: string;
  /** Longest wait for one call of a live run into this exchange, ms (positive integer); default CC_EXCHANGE_TIMEOUT_MS. */
  timeoutMs?: number;
  /**
   * Up to `limit` candles of `interval` whose open time is >= `since`, ascending, aligned to the interval.
   * Returning fewer candles means no more data exists in that range.
   */
  getCandles(symbol: string, interval: CandleInterval, since: Date, limit: number): Promise<ICandleData[]>;
  /**
   * Optional column form of the 1m candles whose open time (epoch ms, UTC) is in [fromMs, toMs), ascending:
   * prices in quote currency, volume in base; arrays may be views of the adapter's own storage and must not
   * be mutated by the caller; null when not available, in which case the engine falls back to getCandles.
   */
  getCandleColumns?(symbol: string, fromMs: number, toMs: number): Promise<ICandleColumns | null>;
  /**
   * Optional: the finest interval this exchange has for `symbol` (default "1m"). A backtest on an
   * exchange whose finest candles are coarser (a folder of 1h files, say) runs on that interval and says so.
   */
  getBaseInterval?(symbol: string): MaybePromise<CandleInterval>;
  /** Price rendered with the market's precision; default: the number as-is. */
  formatPrice?(symbol: string, price: number): MaybePromise<string>;
  /** Quantity rendered with the market's precision; default: the number as-is. */
  formatQuantity?(symbol: string, quantity: number): MaybePromise<string>;
}

/** Lifecycle hooks of a strategy; each may be async and runs in the ambient context. */
export interface IStrategyCallbacks {
  onTick(symbol: string, result: IStrategyTickResult, backtest: boolean): MaybePromise<void>;
  onOpen(symbol: string, signal: ISignalRow, currentPrice: number, backtest: boolean): MaybePromise<void>;
  /**
   * Every minute the position is open after the tick (active and updated minutes): the place for
   * position commands (commitPartialProfit, commitTrailingStop, …). Makes a backtest step per minute.
   */
  onActive(symbol: string, signal: ISignalRow, currentPrice: number, backtest: boolean): MaybePromise<void>;
  /**
   * A position changed without closing (partial exit, entry added, breakeven, a moved level, a trailing
   * take started). In live, also every move of a trailing stop; a backtest folds those into the row.
   */
  onUpdate(
    symbol: string,
    signal: ISignalRow,
    update: PositionUpdate,
    currentPrice: number,
    backtest: boolean,
  ): MaybePromise<void>;
  onIdle(symbol: string, currentPrice: number, backtest: boolean): MaybePromise<void>;
  onClose(symbol: string, signal: ISignalRow, priceClose: number, backtest: boolean): MaybePromise<void>;
  onSchedule(
    symbol: string,
    signal: IScheduledSignalRow,
    currentPrice: number,
    backtest: boolean,
  ): MaybePromise<void>;
  onCancel(
    symbol: string,
    signal: IScheduledSignalRow,
    currentPrice: number,
    backtest: boolean,
  ): MaybePromise<void>;
}

/** A trading strategy: asked for a signal at most once per `interval` while it has none. */
export interface IStrategySchema {
  strategyName: string;
  /** How often getSignal may be called while idle, aligned to UTC interval boundaries. */
  interval: CandleInterval;
  /** Returns a new signal, or null for none. `when` is the ambient (backtest or wall-clock) time. */
  getSignal(symbol: string, when: Date): MaybePromise<ISignalDto | null>;
  callbacks?: Partial<IStrategyCallbacks>;
  /** Risk profile whose validations every signal must pass. */
  riskName?: string;
  /** Sizing profile that decides the position cost when the signal gives none. */
  sizingName?: string;
  /**
   * Longest wait for an asynchronous getSignal, ms (positive integer); default the config's
   * CC_GET_SIGNAL_TIMEOUT_MS. A call past it counts as a failed getSignal (BtError TIMEOUT).
   */
  getSignalTimeoutMs?: number;
  /**
   * The most candles of `interval` one getCandles / getCandleColumns call of this strategy asks for (a
   * non-negative integer; default 0). A backtest preloads that many candles before the frame start, and
   * nothing more, so a cached or imported range is all it reads. A call reaching further back still
   * works: the older candles are fetched from the exchange, with a warning. The run option
   * warmupMinutes overrides it.
   */
  warmupCandles?: number;
  note?: string;
}

/** A backtest time frame: timestamps from startDate (inclusive) to endDate (exclusive) every `interval`. */
export interface IFrameSchema {
  frameName: string;
  interval: CandleInterval;
  startDate: Date;
  endDate: Date;
  note?: string;
}

/**
 * A position as seen by risk validations: an open one (`signal.kind === "pending"`) or a scheduled signal
 * waiting for its priceOpen (`signal.kind === "scheduled"`), which reserves its slot because it may open at
 * any moment without another risk check.
 */
export interface IRiskActivePosition {
  signal: ISignalRow | IScheduledSignalRow;
  strategyName: string;
  exchangeName: string;
  symbol: string;
}

/** What a risk validation sees about a signal before it opens. */
export interface IRiskCheckArgs {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  pendingSignal: ISignalDto;
  currentPrice: number;
  /** Epoch ms of the decision. */
  timestamp: number;
  /** Open positions and scheduled signals of every strategy sharing this risk profile. */
  activePositionCount: number;
  activePositions: ReadonlyArray<IRiskActivePosition>;
}

/**
 * A risk rule. To reject: throw (the message is the reason), return a non-empty string (the reason)
 * or return false. Anything else (undefined, true) allows the signal.
 */
export type RiskValidationFn = (args: IRiskCheckArgs) => MaybePromise<void | string | boolean>;

/** A risk rule with a description for reports. */
export interface IRiskValidation {
  validate: RiskValidationFn;
  note?: string;
}

/** A risk profile shared by strategies through `riskName`. */
export interface IRiskSchema {
  riskName: string;
  validations: Array<IRiskValidation | RiskValidationFn>;
  note?: string;
  callbacks?: {
    onRejected?(symbol: string, args: IRiskCheckArgs, reason: string): MaybePromise<void>;
    onAllowed?(symbol: string, args: IRiskCheckArgs): MaybePromise<void>;
  };
}

/** Caps shared by every sizing method; amounts in quote currency, percentages of the account balance. */
interface ISizingSchemaBase {
  sizingName: string;
  note?: string;
  /** Largest position as a percentage of the balance (0–100]. */
  maxPositionPercentage?: number;
  /** Smallest position cost; smaller results are raised to it. */
  minPositionSize?: number;
  /** Largest position cost; larger results are capped to it. */
  maxPositionSize?: number;
}

/** Risk a fixed percentage of the balance between entry and stop loss. */
export interface ISizingSchemaFixedPercentage extends ISizingSchemaBase {
  method: "fixed-percentage";
  riskPercentage: number;
}

/** Kelly criterion from the win rate and win/loss ratio, scaled by kellyMultiplier (default 0.25). */
export interface ISizingSchemaKelly extends ISizingSchemaBase {
  method: "kelly-criterion";
  kellyMultiplier?: number;
}

/** Risk a fixed percentage of the balance with the stop distance set to atrMultiplier × ATR (default 2). */
export interface ISizingSchemaAtr extends ISizingSchemaBase {
  method: "atr-based";
  riskPercentage: number;
  atrMultiplier?: number;
}

/** A position sizing profile, discriminated on `method`. */
export type ISizingSchema = ISizingSchemaFixedPercentage | ISizingSchemaKelly | ISizingSchemaAtr;

/** Inputs of a sizing calculation; prices in quote currency, winRate in [0, 1]. */
export interface ISizingArgs {
  symbol: string;
  accountBalance: number;
  priceOpen: number;
  priceStopLoss: number;
  winRate?: number;
  winLossRatio?: number;
  atr?: number;
}

/** A comparison of strategies on the same exchange and frame. */
export interface IWalkerSchema {
  walkerName: string;
  strategies: string[];
  exchangeName: string;
  frameName: string;
  /** Ranking metric (one of WALKER_METRICS; "lower" ones such as maxDrawdown rank ascending); default sharpeRatio. */
  metric?: WalkerMetric;
  note?: string;
}
