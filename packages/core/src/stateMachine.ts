// The signal lifecycle as a pure transition function: (state, event, market input, config) →
// (next state, the IStrategyTickResult to emit). No I/O and no clock: the engine drives time.
// The per-minute predicates (pendingExitReason, scheduledOutcome) are exported so the backtest fast
// path can scan typed arrays with exactly the same rules and then call `transition` at the hit.

import { BtError } from "./btError";
import type { IGlobalConfig } from "./config";
import { MINUTE_MS } from "./interval";
import { computePnlPercent } from "./pnl";
import type { CancelReason, CloseReason, IScheduledSignalRow, ISignalDto, ISignalRow } from "./signal";
import type { IStrategyTickResult, ITickOrigin } from "./tickResult";
import { type ISignalProblem, validateSignal } from "./validation";

/** What the machine holds for one (symbol, strategy): nothing, a scheduled signal, or an open position. */
export type StrategyState =
  | { readonly status: "none" }
  | { readonly status: "scheduled"; readonly signal: IScheduledSignalRow }
  | { readonly status: "pending"; readonly signal: ISignalRow };

/** The empty state. */
export const NO_SIGNAL: StrategyState = Object.freeze({ status: "none" });

/** What happens at this instant. */
export type StrategyEvent =
  /** Time advanced: check expiry / TP / SL, or activation / cancellation of a scheduled signal. */
  | { readonly type: "tick" }
  /** The strategy proposed a signal (only valid in state "none"); `id` is supplied by the engine. */
  | { readonly type: "signal"; readonly signal: ISignalDto; readonly id: string }
  /**
   * Close now at the current price: "closed" = by the user, "time_expired" = the frame ended.
   * A scheduled signal is cancelled instead ("user" or "timeout" respectively).
   */
  | { readonly type: "close"; readonly reason: "closed" | "time_expired" }
  /** Cancel a scheduled signal (by the user); no effect on an open position. */
  | { readonly type: "cancel" };

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

/**
 * Why an open position closes at (`price`, `now`), or null when it stays open.
 * Order: time expiry first (elapsed ≥ minuteEstimatedTime), then take profit, then stop loss.
 */
export function pendingExitReason(signal: ISignalRow, price: number, now: number): CloseReason | null {
  if (now - signal.pendingAt >= signal.minuteEstimatedTime * MINUTE_MS) return "time_expired";
  if (signal.position === "long") {
    if (price >= signal.priceTakeProfit) return "take_profit";
    if (price <= signal.priceStopLoss) return "stop_loss";
  } else {
    if (price <= signal.priceTakeProfit) return "take_profit";
    if (price >= signal.priceStopLoss) return "stop_loss";
  }
  return null;
}

/** What happens to a scheduled signal at (`price`, `now`): cancelled, activated, or null (keeps waiting). */
export type ScheduledOutcome = "timeout" | "price_reject" | "activate" | null;

/**
 * Order: timeout first (waited ≥ CC_SCHEDULE_AWAIT_MINUTES), then stop loss reached before activation
 * (price_reject), then activation when the price reaches priceOpen (long: ≤, short: ≥).
 */
export function scheduledOutcome(
  signal: IScheduledSignalRow,
  price: number,
  now: number,
  config: Readonly<IGlobalConfig>,
): ScheduledOutcome {
  if (now - signal.scheduledAt >= config.CC_SCHEDULE_AWAIT_MINUTES * MINUTE_MS) return "timeout";
  if (signal.position === "long") {
    if (price <= signal.priceStopLoss) return "price_reject";
    if (price <= signal.priceOpen) return "activate";
  } else {
    if (price >= signal.priceStopLoss) return "price_reject";
    if (price >= signal.priceOpen) return "activate";
  }
  return null;
}

/** The exit price of a close: the exact TP or SL level, otherwise the current price. */
export function exitPrice(signal: ISignalRow, reason: CloseReason, currentPrice: number): number {
  switch (reason) {
    case "take_profit":
      return signal.priceTakeProfit;
    case "stop_loss":
      return signal.priceStopLoss;
    case "time_expired":
    case "closed":
      return currentPrice;
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

/**
 * First index i in [from, to) at which an open position would close, given the current price of each
 * minute in `prices` and time `firstTimeMs + (i − from)·stepMs`; −1 when it stays open. Allocation-free.
 */
export function scanPendingExit(
  signal: ISignalRow,
  prices: ArrayLike<number>,
  from: number,
  to: number,
  firstTimeMs: number,
  stepMs: number,
): number {
  for (let index = from; index < to; index++) {
    if (pendingExitReason(signal, prices[index] as number, firstTimeMs + (index - from) * stepMs) !== null) {
      return index;
    }
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

function base(input: ITransitionInput) {
  const { origin } = input;
  return {
    symbol: origin.symbol,
    strategyName: origin.strategyName,
    exchangeName: origin.exchangeName,
    backtest: origin.backtest,
    currentPrice: input.currentPrice,
    timestamp: input.now,
  };
}

function idle(
  state: StrategyState,
  input: ITransitionInput,
  rejection: ISignalProblem[] | null = null,
): ITransition {
  return { state, result: { ...base(input), action: "idle" }, rejection };
}

function open(signal: IScheduledSignalRow, input: ITransitionInput): ITransition {
  const opened: ISignalRow = { ...signal, kind: "pending", pendingAt: input.now };
  return {
    state: { status: "pending", signal: opened },
    result: { ...base(input), action: "opened", signal: opened },
    rejection: null,
  };
}

function close(signal: ISignalRow, reason: CloseReason, input: ITransitionInput): ITransition {
  const priceClose = exitPrice(signal, reason, input.currentPrice);
  const pnlPercentage = computePnlPercent(signal.position, signal.priceOpen, priceClose, {
    feePercent: input.config.CC_PERCENT_FEE,
    slippagePercent: input.config.CC_PERCENT_SLIPPAGE,
  });
  return {
    state: NO_SIGNAL,
    result: {
      ...base(input),
      currentPrice: priceClose,
      action: "closed",
      signal,
      closeReason: reason,
      pnl: { pnlPercentage, priceOpen: signal.priceOpen, priceClose },
    },
    rejection: null,
  };
}

function cancel(signal: IScheduledSignalRow, reason: CancelReason, input: ITransitionInput): ITransition {
  return {
    state: NO_SIGNAL,
    result: { ...base(input), action: "cancelled", signal, cancelReason: reason },
    rejection: null,
  };
}

function propose(dto: ISignalDto, id: string, input: ITransitionInput): ITransition {
  const problems = validateSignal(dto, input.currentPrice, input.config);
  if (problems.length > 0) return idle(NO_SIGNAL, input, problems);
  const priceOpen = dto.priceOpen ?? input.currentPrice;
  const cost = dto.cost ?? null;
  const scheduled: IScheduledSignalRow = {
    kind: "scheduled",
    id,
    symbol: input.origin.symbol,
    strategyName: input.origin.strategyName,
    exchangeName: input.origin.exchangeName,
    position: dto.position,
    priceOpen,
    priceTakeProfit: dto.priceTakeProfit,
    priceStopLoss: dto.priceStopLoss,
    minuteEstimatedTime: dto.minuteEstimatedTime,
    note: dto.note ?? "",
    cost,
    quantity: cost === null ? null : cost / priceOpen,
    scheduledAt: input.now,
  };
  const reached =
    dto.priceOpen === undefined ||
    (dto.position === "long" ? input.currentPrice <= priceOpen : input.currentPrice >= priceOpen);
  if (reached) return open(scheduled, input);
  return {
    state: { status: "scheduled", signal: scheduled },
    result: { ...base(input), action: "scheduled", signal: scheduled },
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
      return open(signal, input);
    case null:
      return { state, result: { ...base(input), action: "scheduled", signal }, rejection: null };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function tickPending(signal: ISignalRow, state: StrategyState, input: ITransitionInput): ITransition {
  const reason = pendingExitReason(signal, input.currentPrice, input.now);
  if (reason !== null) return close(signal, reason, input);
  return { state, result: { ...base(input), action: "active", signal }, rejection: null };
}

/**
 * The pure transition function of the signal lifecycle.
 * none + tick → idle; none + signal → opened (no priceOpen, or priceOpen already reached), scheduled, or
 * idle with `rejection` when validation fails; scheduled + tick → cancelled (timeout, price_reject),
 * opened (activation) or scheduled (still waiting); pending + tick → closed (time_expired, take_profit,
 * stop_loss, in that order) or active; close / cancel events as documented on StrategyEvent.
 * Opening happens at the tick's time; TP/SL are first checked on the following tick.
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
      return propose(event.signal, event.id, input);
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
          return close(state.signal, event.reason, input);
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
            result: { ...base(input), action: "active", signal: state.signal },
            rejection: null,
          };
        default: {
          const unreachable: never = state;
          return unreachable;
        }
      }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
