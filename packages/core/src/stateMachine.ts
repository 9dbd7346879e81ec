// The signal lifecycle as a pure transition function: (state, event, market input, config) →
// (next state, the IStrategyTickResult to emit). No I/O and no clock: the engine drives time.
// The per-minute rules (position.ts: minuteChange and foldMinute; scheduledOutcome here) are shared
// with the scanners, so the backtest fast path scans typed arrays with exactly the same rules and
// then calls `transition` at the hit.

import { BtError } from "./btError";
import type { IGlobalConfig } from "./config";
import { MINUTE_MS } from "./interval";
import { pnlCostsOf } from "./pnl";
import {
  breakevenPrice,
  EXIT_NONE,
  foldMinute,
  levelExit,
  type MinuteChange,
  maxEntries,
  minuteChange,
  openRow,
  PositionCursor,
  positionBook,
  positionFigures,
  rowWith,
} from "./position";
import {
  type CancelReason,
  type CloseReason,
  type IPositionRules,
  type IScheduledSignalRow,
  type ISignalDto,
  type ISignalRow,
  NO_RULES,
} from "./signal";
import type {
  IStrategyTickResult,
  IStrategyTickResultActive,
  IStrategyTickResultIdle,
  IStrategyTickResultOpened,
  IStrategyTickResultScheduled,
  ITickOrigin,
  PositionUpdate,
} from "./tickResult";
import { type ISignalProblem, validateSignal } from "./validation";

/** What the machine holds for one (symbol, strategy): nothing, a scheduled signal, or an open position. */
export type StrategyState =
  | { readonly status: "none" }
  | { readonly status: "scheduled"; readonly signal: IScheduledSignalRow }
  | { readonly status: "pending"; readonly signal: ISignalRow };

/** The empty state. */
export const NO_SIGNAL: StrategyState = Object.freeze({ status: "none" });

/**
 * A command from strategy code on the position or the scheduled signal (the engine's commit* functions).
 * Percent shares are of the position's entered size (all entries so far).
 */
export type PositionCommand =
  /** Close `percent` of the entered size at the current price; "profit" needs the price in profit, "loss" in loss. */
  | { readonly kind: "partial"; readonly percent: number; readonly direction: "profit" | "loss" }
  /** Move the stop loss to `price` (on the loss side of the current price); tightenOnly refuses a looser one. */
  | { readonly kind: "stop"; readonly price: number; readonly tightenOnly: boolean }
  /** Move the take profit to `price` (on the profit side of the current price). */
  | { readonly kind: "take"; readonly price: number }
  /** Move the stop loss to the zero-PnL price (the price must already be past it). */
  | { readonly kind: "breakeven" }
  /** Add an entry at the current price; cost null = the first entry's cost. */
  | { readonly kind: "entry"; readonly cost: number | null; readonly allowAveragingUp: boolean }
  /** Open a scheduled signal now, at the current price. */
  | { readonly kind: "activate" };

/** What happens at this instant. */
export type StrategyEvent =
  /** Time advanced: check expiry / TP / SL and the rules, or activation / cancellation of a scheduled signal. */
  | { readonly type: "tick" }
  /**
   * The strategy proposed a signal (only valid in state "none"); `id` is supplied by the engine. With
   * `validated`, the caller has run validateSignal on this very signal at this price and config (the
   * engine's pipeline does, before risk and sizing), so it is not run twice. `cost`, when given, is the
   * stake in place of `signal.cost` (what sizing or the account set), so the strategy's object is used as
   * it is, never copied.
   */
  | {
      readonly type: "signal";
      readonly signal: ISignalDto;
      readonly id: string;
      readonly validated?: boolean;
      readonly cost?: number;
    }
  /**
   * Close now at the current price: "closed" = by the user, "time_expired" = the frame ended.
   * A scheduled signal is cancelled instead ("user" or "timeout" respectively).
   */
  | { readonly type: "close"; readonly reason: "closed" | "time_expired" }
  /** Cancel a scheduled signal (by the user); no effect on an open position. */
  | { readonly type: "cancel" }
  /** A command on the position; a refused one leaves the state as is and says why in `rejection`. */
  | { readonly type: "command"; readonly command: PositionCommand };

/** The market at this instant and who the results belong to. */
export interface ITransitionInput {
  readonly origin: ITickOrigin;
  /** The current price (VWAP model), finite and positive. */
  readonly currentPrice: number;
  /** The current time, epoch ms. */
  readonly now: number;
  readonly config: Readonly<IGlobalConfig>;
}

/** The outcome of one transition. `rejection` is set when a proposed signal failed validation. */
export interface ITransition {
  readonly state: StrategyState;
  readonly result: IStrategyTickResult;
  readonly rejection: ISignalProblem[] | null;
}

/** What happens to a scheduled signal at (`price`, `now`): cancelled, activated, or null (keeps waiting). */
export type ScheduledOutcome = "timeout" | "price_reject" | "activate" | null;

/**
 * Order: timeout first (waited ≥ CC_SCHEDULE_AWAIT_MINUTES), then stop loss reached before activation
 * (price_reject), then activation: a limit when the price reaches priceOpen (long: ≤, short: ≥), a stop
 * when it crosses priceOpen in the trade's direction (long: ≥, short: ≤), unless it gapped to or past its
 * take profit (price_reject: it would open beyond its own exit).
 */
export function scheduledOutcome(
  signal: IScheduledSignalRow,
  price: number,
  now: number,
  config: Readonly<IGlobalConfig>,
): ScheduledOutcome {
  if (now - signal.scheduledAt >= config.CC_SCHEDULE_AWAIT_MINUTES * MINUTE_MS) return "timeout";
  const long = signal.position === "long";
  if (long ? price <= signal.priceStopLoss : price >= signal.priceStopLoss) return "price_reject";
  if (signal.entry === "stop") {
    if (long ? price >= signal.priceOpen : price <= signal.priceOpen) {
      // A breakout that gapped past its own take profit would open beyond its exit: cancelled instead.
      return (long ? price >= signal.priceTakeProfit : price <= signal.priceTakeProfit)
        ? "price_reject"
        : "activate";
    }
  } else if (long ? price <= signal.priceOpen : price >= signal.priceOpen) return "activate";
  return null;
}

/** The fill price of an activating scheduled signal: a limit at priceOpen, a stop at the minute's price. */
function activationPrice(signal: IScheduledSignalRow, currentPrice: number): number {
  return signal.entry === "stop" ? currentPrice : signal.priceOpen;
}

/** The result of scanning an open position: where it changes, and the row folded up to that minute. */
export interface IPendingScan {
  /** First index in [from, to) with a discrete change (close, ladder, DCA, breakeven, trailing take), else −1. */
  index: number;
  /** The position with every minute before `index` folded in (to `to` − 1 when −1): tick it at `index`. */
  signal: ISignalRow;
}

const scanCursor = new PositionCursor();

/**
 * Scans an open position over `prices` [from, to), minute i at `firstTimeMs + (i − from)·stepMs`: the same
 * minuteChange / foldMinute steps `transition` takes, without an allocation per minute. Trailing-stop
 * moves and best / worst prices fold into the returned row; the scan stops at the first discrete change.
 */
export function scanPendingExit(
  signal: ISignalRow,
  prices: ArrayLike<number>,
  from: number,
  to: number,
  firstTimeMs: number,
  stepMs: number,
  config: Readonly<IGlobalConfig>,
): IPendingScan {
  const cursor = scanCursor.reset(signal);
  const index =
    cursor.rules === null
      ? scanLevels(cursor, prices, from, to, firstTimeMs, stepMs)
      : scanRules(cursor, prices, from, to, firstTimeMs, stepMs, config);
  // One exit for a hit and for the frame end: the frame end comes once per run, and a path of its own
  // would first run after V8 has optimised the scan (and deoptimise it there).
  return { index, signal: cursor.toRow() };
}

/** The scan without position rules: minuteChange is levelExit alone, so the loop is it and the fold. */
function scanLevels(
  cursor: PositionCursor,
  prices: ArrayLike<number>,
  from: number,
  to: number,
  firstTimeMs: number,
  stepMs: number,
): number {
  const { long, expiresAt, stopLoss, takeProfit } = cursor;
  for (let index = from; index < to; index++) {
    const price = prices[index] as number;
    if (
      levelExit(long, price, firstTimeMs + (index - from) * stepMs, expiresAt, stopLoss, takeProfit) !==
      EXIT_NONE
    ) {
      return index;
    }
    foldMinute(cursor, price);
  }
  return -1;
}

/** The scan with position rules: minuteChange, then the fold, minute by minute. */
function scanRules(
  cursor: PositionCursor,
  prices: ArrayLike<number>,
  from: number,
  to: number,
  firstTimeMs: number,
  stepMs: number,
  config: Readonly<IGlobalConfig>,
): number {
  for (let index = from; index < to; index++) {
    const price = prices[index] as number;
    if (minuteChange(cursor, price, firstTimeMs + (index - from) * stepMs, config) !== null) return index;
    foldMinute(cursor, price);
  }
  return -1;
}

/** Like scanPendingExit for a scheduled signal: first index where it activates or is cancelled, else −1. */
export function scanScheduledOutcome(
  signal: IScheduledSignalRow,
  prices: ArrayLike<number>,
  from: number,
  to: number,
  firstTimeMs: number,
  stepMs: number,
  config: Readonly<IGlobalConfig>,
): number {
  for (let index = from; index < to; index++) {
    if (
      scheduledOutcome(signal, prices[index] as number, firstTimeMs + (index - from) * stepMs, config) !==
      null
    ) {
      return index;
    }
  }
  return -1;
}

// The results are written out as whole literals, the shared fields first (in the order JSON shows them).
// A spread such as `{ ...base(input), action: "idle" }` costs V8 a runtime call per result, about 3.5 µs
// against 0.3 µs for the literal: on a year's backtest that was several milliseconds of every trade.

function idleResult(input: ITransitionInput): IStrategyTickResultIdle {
  const { origin } = input;
  return {
    symbol: origin.symbol,
    strategyName: origin.strategyName,
    exchangeName: origin.exchangeName,
    backtest: origin.backtest,
    currentPrice: input.currentPrice,
    timestamp: input.now,
    action: "idle",
  };
}

/** A result that carries the signal and nothing else: scheduled, opened or active. */
function signalResult(
  input: ITransitionInput,
  action: "scheduled",
  signal: IScheduledSignalRow,
): IStrategyTickResultScheduled;
function signalResult(
  input: ITransitionInput,
  action: "opened" | "active",
  signal: ISignalRow,
): IStrategyTickResultOpened | IStrategyTickResultActive;
function signalResult(
  input: ITransitionInput,
  action: "scheduled" | "opened" | "active",
  signal: IScheduledSignalRow | ISignalRow,
): IStrategyTickResult {
  const { origin } = input;
  return {
    symbol: origin.symbol,
    strategyName: origin.strategyName,
    exchangeName: origin.exchangeName,
    backtest: origin.backtest,
    currentPrice: input.currentPrice,
    timestamp: input.now,
    action,
    signal,
  } as IStrategyTickResult;
}

function idle(
  state: StrategyState,
  input: ITransitionInput,
  rejection: ISignalProblem[] | null = null,
): ITransition {
  return { state, result: idleResult(input), rejection };
}

function open(signal: IScheduledSignalRow, fillPrice: number, input: ITransitionInput): ITransition {
  const opened = openRow(signal, fillPrice, input.now);
  return {
    state: { status: "pending", signal: opened },
    result: signalResult(input, "opened", opened),
    rejection: null,
  };
}

function close(
  signal: ISignalRow,
  reason: CloseReason,
  priceClose: number,
  input: ITransitionInput,
): ITransition {
  // The exit price belongs to the excursion too (a stop below the worst minute price, say).
  const figures = positionFigures(signal, priceClose, input.now, pnlCostsOf(input.config));
  const { origin } = input;
  return {
    state: NO_SIGNAL,
    result: {
      symbol: origin.symbol,
      strategyName: origin.strategyName,
      exchangeName: origin.exchangeName,
      backtest: origin.backtest,
      currentPrice: priceClose,
      timestamp: input.now,
      action: "closed",
      signal,
      closeReason: reason,
      pnl: {
        pnlPercentage: figures.unrealisedPnlPercent,
        priceOpen: figures.averageEntry,
        priceClose,
        pnlCost: figures.unrealisedPnlCost,
        costTotal: figures.costTotal,
        mfePercent: figures.mfePercent,
        maePercent: figures.maePercent,
        minutesInPosition: figures.minutesInPosition,
      },
    },
    rejection: null,
  };
}

function cancel(signal: IScheduledSignalRow, reason: CancelReason, input: ITransitionInput): ITransition {
  const { origin } = input;
  return {
    state: NO_SIGNAL,
    result: {
      symbol: origin.symbol,
      strategyName: origin.strategyName,
      exchangeName: origin.exchangeName,
      backtest: origin.backtest,
      currentPrice: input.currentPrice,
      timestamp: input.now,
      action: "cancelled",
      signal,
      cancelReason: reason,
    },
    rejection: null,
  };
}

/** The rules of a signal, copied (a strategy mutating its own object later changes nothing). */
function rulesOf(dto: ISignalDto): IPositionRules {
  if (
    dto.trailingStop === undefined &&
    dto.trailingTake === undefined &&
    dto.breakeven === undefined &&
    dto.takeProfitLadder === undefined &&
    dto.dca === undefined
  ) {
    return NO_RULES;
  }
  return {
    trailingStop: dto.trailingStop === undefined ? null : { ...dto.trailingStop },
    trailingTake: dto.trailingTake === undefined ? null : { ...dto.trailingTake },
    breakeven: dto.breakeven === undefined ? null : { ...dto.breakeven },
    takeProfitLadder:
      dto.takeProfitLadder === undefined ? null : dto.takeProfitLadder.map((level) => ({ ...level })),
    dca: dto.dca === undefined ? null : { ...dto.dca, levels: dto.dca.levels.map((level) => ({ ...level })) },
  };
}

function propose(
  dto: ISignalDto,
  id: string,
  validated: boolean,
  stake: number | undefined,
  input: ITransitionInput,
): ITransition {
  if (!validated) {
    const checked = stake === undefined ? dto : { ...dto, cost: stake };
    const problems = validateSignal(checked, input.currentPrice, input.config);
    if (problems.length > 0) return idle(NO_SIGNAL, input, problems);
  }
  const entry = dto.entry ?? (dto.priceOpen === undefined ? "market" : "limit");
  const priceOpen = dto.priceOpen ?? input.currentPrice;
  const cost = stake ?? dto.cost ?? null;
  const scheduled: IScheduledSignalRow = {
    kind: "scheduled",
    id,
    symbol: input.origin.symbol,
    strategyName: input.origin.strategyName,
    exchangeName: input.origin.exchangeName,
    position: dto.position,
    priceOpen,
    entry,
    priceTakeProfit: dto.priceTakeProfit,
    priceStopLoss: dto.priceStopLoss,
    minuteEstimatedTime: dto.minuteEstimatedTime ?? input.config.CC_MAX_SIGNAL_LIFETIME_MINUTES,
    note: dto.note ?? "",
    cost,
    quantity: cost === null ? null : cost / priceOpen,
    scheduledAt: input.now,
    rules: rulesOf(dto),
  };
  // A market entry, or a limit the market has already crossed, fills now at the current price (never
  // at a priceOpen the market did not offer). A crossed stop was rejected by validation.
  const marketable =
    entry === "market" ||
    (entry === "limit" &&
      (dto.position === "long" ? input.currentPrice <= priceOpen : input.currentPrice >= priceOpen));
  if (marketable) return open(scheduled, input.currentPrice, input);
  return {
    state: { status: "scheduled", signal: scheduled },
    result: signalResult(input, "scheduled", scheduled),
    rejection: null,
  };
}

function tickScheduled(
  signal: IScheduledSignalRow,
  state: StrategyState,
  input: ITransitionInput,
): ITransition {
  const outcome = scheduledOutcome(signal, input.currentPrice, input.now, input.config);
  switch (outcome) {
    case "timeout":
    case "price_reject":
      return cancel(signal, outcome, input);
    case "activate":
      return open(signal, activationPrice(signal, input.currentPrice), input);
    case null:
      return { state, result: signalResult(input, "scheduled", signal), rejection: null };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

const tickCursor = new PositionCursor();

/** An open position changed: the new state and its "updated" result. */
function updated(signal: ISignalRow, update: PositionUpdate, input: ITransitionInput): ITransition {
  const { origin } = input;
  return {
    state: { status: "pending", signal },
    result: {
      symbol: origin.symbol,
      strategyName: origin.strategyName,
      exchangeName: origin.exchangeName,
      backtest: origin.backtest,
      currentPrice: input.currentPrice,
      timestamp: input.now,
      action: "updated",
      signal,
      update,
    },
    rejection: null,
  };
}

/** `signal` with one discrete change of the minute applied (a close is handled by the caller). */
function applyChange(
  signal: ISignalRow,
  change: Exclude<MinuteChange, { kind: "close" }>,
  now: number,
): { signal: ISignalRow; update: PositionUpdate } {
  switch (change.kind) {
    case "ladder":
      return {
        signal: rowWith(signal, {
          fills: [
            ...signal.fills,
            {
              kind: "exit",
              price: change.price,
              fraction: change.fraction,
              at: now,
              reason: "take_profit_ladder",
            },
          ],
          ladderNext: signal.ladderNext + 1,
        }),
        update: {
          kind: "partial",
          reason: "take_profit_ladder",
          price: change.price,
          fraction: change.fraction,
        },
      };
    case "dca":
      return {
        signal: rowWith(signal, {
          fills: [
            ...signal.fills,
            { kind: "entry", price: change.price, cost: change.cost, at: now, source: "dca_ladder" },
          ],
          dcaNext: signal.dcaNext + 1,
        }),
        update: { kind: "entry", source: "dca_ladder", price: change.price, cost: change.cost },
      };
    case "breakeven":
      return {
        signal: rowWith(signal, { priceStopLoss: change.stopLoss, breakevenDone: true }),
        update: { kind: "breakeven", from: signal.priceStopLoss, to: change.stopLoss },
      };
    case "trailing_take":
      return {
        signal: rowWith(signal, { trailingTakePeak: change.price }),
        update: { kind: "trailing_take", price: change.price },
      };
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/**
 * One minute of an open position: the first discrete change (minuteChange), then, if it stays open, the
 * continuous part (foldMinute). A trailing stop that moved without any other change is an "updated"
 * result of kind stop_moved; best / worst prices alone give "active" with the folded row.
 */
function tickPending(signal: ISignalRow, state: StrategyState, input: ITransitionInput): ITransition {
  const price = input.currentPrice;
  const cursor = tickCursor.reset(signal);
  const change = minuteChange(cursor, price, input.now, input.config);
  if (change === null) {
    foldMinute(cursor, price);
    const folded = cursor.toRow();
    if (folded === signal) return { state, result: signalResult(input, "active", signal), rejection: null };
    if (folded.priceStopLoss !== signal.priceStopLoss) {
      return updated(
        folded,
        { kind: "stop_moved", source: "trailing", from: signal.priceStopLoss, to: folded.priceStopLoss },
        input,
      );
    }
    return {
      state: { status: "pending", signal: folded },
      result: signalResult(input, "active", folded),
      rejection: null,
    };
  }
  if (change.kind === "close") return close(signal, change.reason, change.price, input);
  const applied = applyChange(signal, change, input.now);
  const folded = tickCursor.reset(applied.signal);
  foldMinute(folded, price);
  return updated(folded.toRow(), applied.update, input);
}

/** A refused command: the state as is, its plain result, and why. */
function refuse(
  state: StrategyState,
  input: ITransitionInput,
  field: string,
  value: unknown,
  message: string,
  reason: string,
): ITransition {
  const rejection: ISignalProblem[] = [{ field, value, message, reason }];
  switch (state.status) {
    case "none":
      return idle(state, input, rejection);
    case "scheduled":
      return { state, result: signalResult(input, "scheduled", state.signal), rejection };
    case "pending":
      return { state, result: signalResult(input, "active", state.signal), rejection };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

const SHARE_TOLERANCE = 1e-9;

function commandOnPending(
  signal: ISignalRow,
  state: StrategyState,
  command: PositionCommand,
  input: ITransitionInput,
): ITransition {
  const price = input.currentPrice;
  const long = signal.position === "long";
  const book = positionBook(signal.fills);
  switch (command.kind) {
    case "partial": {
      const percent = command.percent;
      if (!(Number.isFinite(percent) && percent > 0 && percent <= 100)) {
        return refuse(
          state,
          input,
          "percent",
          percent,
          `percent must be in (0, 100] of the position's size, got ${percent}`,
          "percent must be in (0, 100]",
        );
      }
      const inProfit = long ? price > book.averageEntry : price < book.averageEntry;
      if (inProfit !== (command.direction === "profit")) {
        const side = command.direction === "profit" ? "profit" : "loss";
        return refuse(
          state,
          input,
          "currentPrice",
          price,
          `a partial ${side} needs the price in ${side}: the current price ${price} is ${inProfit ? "in profit" : "not in profit"} against the entry ${book.averageEntry} of this ${signal.position}`,
          `a partial ${side} needs the price in ${side}`,
        );
      }
      const share = percent / 100;
      if (share > book.openShare + SHARE_TOLERANCE) {
        return refuse(
          state,
          input,
          "percent",
          percent,
          `percent ${percent} exceeds the ${Number((book.openShare * 100).toPrecision(9))} % of the position still open`,
          "percent exceeds the share of the position still open",
        );
      }
      if (share >= book.openShare - SHARE_TOLERANCE) return close(signal, "closed", price, input);
      const fraction = share / book.openShare;
      const reason = command.direction === "profit" ? "partial_profit" : "partial_loss";
      return updated(
        rowWith(signal, {
          fills: [...signal.fills, { kind: "exit", price, fraction, at: input.now, reason }],
        }),
        { kind: "partial", reason, price, fraction },
        input,
      );
    }
    case "stop": {
      const target = command.price;
      if (!(Number.isFinite(target) && target > 0) || (long ? target >= price : target <= price)) {
        return refuse(
          state,
          input,
          "priceStopLoss",
          target,
          `priceStopLoss ${target} must be a positive price ${long ? "below" : "above"} the current price ${price} of this ${signal.position}`,
          `priceStopLoss must be ${long ? "below" : "above"} the current price`,
        );
      }
      if (command.tightenOnly && (long ? target <= signal.priceStopLoss : target >= signal.priceStopLoss)) {
        return refuse(
          state,
          input,
          "priceStopLoss",
          target,
          `a trailing stop only tightens: ${target} is not ${long ? "above" : "below"} the stop loss ${signal.priceStopLoss} in force`,
          "a trailing stop only tightens",
        );
      }
      return updated(
        rowWith(signal, { priceStopLoss: target }),
        { kind: "stop_moved", source: "command", from: signal.priceStopLoss, to: target },
        input,
      );
    }
    case "take": {
      const target = command.price;
      if (!(Number.isFinite(target) && target > 0) || (long ? target <= price : target >= price)) {
        return refuse(
          state,
          input,
          "priceTakeProfit",
          target,
          `priceTakeProfit ${target} must be a positive price ${long ? "above" : "below"} the current price ${price} of this ${signal.position}`,
          `priceTakeProfit must be ${long ? "above" : "below"} the current price`,
        );
      }
      return updated(
        rowWith(signal, { priceTakeProfit: target }),
        { kind: "take_moved", source: "command", from: signal.priceTakeProfit, to: target },
        input,
      );
    }
    case "breakeven": {
      const level = breakevenPrice(signal, pnlCostsOf(input.config));
      if (long ? !(level < price) : !(level > price)) {
        return refuse(
          state,
          input,
          "currentPrice",
          price,
          `breakeven needs the price past the zero-PnL price ${level}: the current price is ${price}`,
          "breakeven needs the price past the zero-PnL price",
        );
      }
      const to = long ? Math.max(level, signal.priceStopLoss) : Math.min(level, signal.priceStopLoss);
      return updated(
        rowWith(signal, { priceStopLoss: to, breakevenDone: true }),
        { kind: "breakeven", from: signal.priceStopLoss, to },
        input,
      );
    }
    case "entry": {
      const dca = signal.rules.dca;
      const cost = command.cost ?? book.firstCost;
      if (command.cost !== null && signal.cost === null) {
        return refuse(
          state,
          input,
          "cost",
          command.cost,
          `cost ${command.cost} cannot size an entry of an unsized position (its signal has no cost); add an entry without a cost to repeat the first`,
          "an unsized position takes no entry cost",
        );
      }
      if (!(Number.isFinite(cost) && cost > 0)) {
        return refuse(
          state,
          input,
          "cost",
          cost,
          `cost must be a finite positive number, got ${cost}`,
          "cost must be a finite positive number",
        );
      }
      const limit = dca === null ? Number.POSITIVE_INFINITY : maxEntries(dca);
      if (book.entryCount >= limit) {
        return refuse(
          state,
          input,
          "entries",
          book.entryCount,
          `the position already has ${book.entryCount} entries, the most its dca rule allows (maxEntries ${limit})`,
          "the position has the most entries its dca rule allows",
        );
      }
      const averagingUp = long ? price > book.averageEntry : price < book.averageEntry;
      if (averagingUp && !command.allowAveragingUp && dca?.allowAveragingUp !== true) {
        return refuse(
          state,
          input,
          "currentPrice",
          price,
          `an entry at ${price} averages ${long ? "up" : "down"} against the entry ${book.averageEntry} of this ${signal.position}; allow it with allowAveragingUp`,
          "an entry would average against the position",
        );
      }
      return updated(
        rowWith(signal, {
          fills: [...signal.fills, { kind: "entry", price, cost, at: input.now, source: "command" }],
        }),
        { kind: "entry", source: "command", price, cost },
        input,
      );
    }
    case "activate":
      return refuse(
        state,
        input,
        "state",
        "pending",
        "activate needs a scheduled signal; the position is already open",
        "activate needs a scheduled signal",
      );
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function command(state: StrategyState, command: PositionCommand, input: ITransitionInput): ITransition {
  switch (state.status) {
    case "pending":
      return commandOnPending(state.signal, state, command, input);
    case "scheduled":
      if (command.kind === "activate") return open(state.signal, input.currentPrice, input);
      return refuse(
        state,
        input,
        "state",
        "scheduled",
        `${command.kind} needs an open position; the signal is still scheduled`,
        "the command needs an open position",
      );
    case "none":
      return refuse(
        state,
        input,
        "state",
        "none",
        `${command.kind} needs ${command.kind === "activate" ? "a scheduled signal" : "an open position"}; there is none`,
        "the command needs a signal",
      );
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

/**
 * The pure transition function of the signal lifecycle.
 * none + tick → idle; none + signal → opened (market, or a limit already crossed: at the current price),
 * scheduled, or idle with `rejection` when validation fails; scheduled + tick → cancelled (timeout,
 * price_reject), opened (activation) or scheduled (still waiting); pending + tick → one minute of the
 * position (see tickPending): closed, updated or active; close / cancel / command events as documented
 * on StrategyEvent. Opening happens at the tick's time; exits and rules are first checked on the next tick.
 * @throws BtError STATE when a signal is proposed while one is scheduled or open.
 */
export function transition(state: StrategyState, event: StrategyEvent, input: ITransitionInput): ITransition {
  switch (event.type) {
    case "signal":
      if (state.status !== "none") {
        throw new BtError("STATE", `Cannot accept signal ${event.id}: a signal is already ${state.status}`, {
          field: "state",
          value: state.status,
        });
      }
      return propose(event.signal, event.id, event.validated === true, event.cost, input);
    case "tick":
      switch (state.status) {
        case "none":
          return idle(state, input);
        case "scheduled":
          return tickScheduled(state.signal, state, input);
        case "pending":
          return tickPending(state.signal, state, input);
        default: {
          const unreachable: never = state;
          return unreachable;
        }
      }
    case "close":
      switch (state.status) {
        case "none":
          return idle(state, input);
        case "scheduled":
          return cancel(state.signal, event.reason === "closed" ? "user" : "timeout", input);
        case "pending":
          return close(state.signal, event.reason, input.currentPrice, input);
        default: {
          const unreachable: never = state;
          return unreachable;
        }
      }
    case "cancel":
      switch (state.status) {
        case "none":
          return idle(state, input);
        case "scheduled":
          return cancel(state.signal, "user", input);
        case "pending":
          return {
            state,
            result: signalResult(input, "active", state.signal),
            rejection: null,
          };
        default: {
          const unreachable: never = state;
          return unreachable;
        }
      }
    case "command":
      return command(state, event.command, input);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
