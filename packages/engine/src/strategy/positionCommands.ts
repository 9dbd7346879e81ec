// The position commands strategy code calls through the ambient context (backtest-kit's names), in
// backtest and live alike: each becomes one core `command` transition of the run's strategy at the
// tick in progress, so it goes through the same commit path (in live: intent → broker → batch).
// Bad arguments throw BtError VALIDATION naming the field; a command that does not apply now (no open
// position, the price on the wrong side, …) returns false and is counted as a run problem.

import { findContextFrame, getExecutionContext } from "@bt/context";
import {
  BtError,
  describeValue,
  type ISignalRow,
  type PositionCommand,
  positionBook,
  type StrategyEvent,
} from "@bt/core";
import { type ClientStrategy, strategyOf } from "./clientStrategy";

/** The strategy client of the ambient run, checked against `symbol`. */
function currentStrategy(caller: string, symbol: string): ClientStrategy {
  const execution = findContextFrame()?.execution ?? getExecutionContext();
  const strategy = strategyOf(execution);
  if (strategy === undefined) {
    throw new BtError(
      "CONTEXT",
      `${caller}: the ambient context belongs to no strategy of a bt run (call it from getSignal or a strategy callback such as onActive)`,
    );
  }
  if (symbol !== strategy.symbol) {
    throw new BtError(
      "VALIDATION",
      `${caller}: symbol ${describeValue(symbol)} is not the symbol of this run (${strategy.symbol})`,
      { field: "symbol", value: symbol },
    );
  }
  return strategy;
}

function checkedNumber(caller: string, field: string, value: unknown, rule: "positive" | "finite"): number {
  const ok = typeof value === "number" && Number.isFinite(value) && (rule === "finite" || value > 0);
  if (!ok) {
    throw new BtError(
      "VALIDATION",
      `${caller}: ${field} must be a finite${rule === "positive" ? " positive" : ""} number, got ${describeValue(value)}`,
      { field, value },
    );
  }
  return value as number;
}

function checkedPercent(caller: string, value: unknown): number {
  const percent = checkedNumber(caller, "percentToClose", value, "positive");
  if (percent > 100) {
    throw new BtError(
      "VALIDATION",
      `${caller}: percentToClose must be a percent in (0, 100] of the position's size, got ${percent}`,
      { field: "percentToClose", value },
    );
  }
  return percent;
}

function run(caller: string, symbol: string, event: StrategyEvent): Promise<boolean> {
  return currentStrategy(caller, symbol).command(event, caller);
}

/** A command computed from the open position, or why there is none (a refusal, counted). */
function onPosition(
  caller: string,
  symbol: string,
  build: (signal: ISignalRow) => PositionCommand | { refused: string },
): Promise<boolean> {
  const strategy = currentStrategy(caller, symbol);
  const state = strategy.state;
  if (state.status !== "pending") {
    return Promise.resolve(
      strategy.refuseCommand(
        caller,
        `it needs an open position; the strategy has ${state.status === "none" ? "none" : "a scheduled signal"}`,
      ),
    );
  }
  const command = build(state.signal);
  if ("refused" in command) return Promise.resolve(strategy.refuseCommand(caller, command.refused));
  return strategy.command({ type: "command", command }, caller);
}

/** Closes the open position now at the current price (reason "closed"). False when none is open. */
export function commitClosePending(symbol: string): Promise<boolean> {
  const strategy = currentStrategy("commitClosePending", symbol);
  if (strategy.state.status !== "pending") return Promise.resolve(false);
  return strategy.command({ type: "close", reason: "closed" }, "commitClosePending");
}

/** Cancels the scheduled signal (reason "user"). False when none is scheduled. */
export function commitCancelScheduled(symbol: string): Promise<boolean> {
  const strategy = currentStrategy("commitCancelScheduled", symbol);
  if (strategy.state.status !== "scheduled") return Promise.resolve(false);
  return strategy.command({ type: "cancel" }, "commitCancelScheduled");
}

/** Opens the scheduled signal now, at the current price (a market fill). */
export function commitActivateScheduled(symbol: string): Promise<boolean> {
  return run("commitActivateScheduled", symbol, { type: "command", command: { kind: "activate" } });
}

/**
 * Closes `percentToClose` % of the position's entered size at the current price, which must be in
 * profit. 100 % (or the whole rest) closes the position.
 */
export function commitPartialProfit(symbol: string, percentToClose: number): Promise<boolean> {
  const percent = checkedPercent("commitPartialProfit", percentToClose);
  return run("commitPartialProfit", symbol, {
    type: "command",
    command: { kind: "partial", percent, direction: "profit" },
  });
}

/** Like commitPartialProfit with the price in loss. */
export function commitPartialLoss(symbol: string, percentToClose: number): Promise<boolean> {
  const percent = checkedPercent("commitPartialLoss", percentToClose);
  return run("commitPartialLoss", symbol, {
    type: "command",
    command: { kind: "partial", percent, direction: "loss" },
  });
}

/** The partial close of the part of the position that cost `cost`. */
function costShare(cost: number, direction: "profit" | "loss") {
  return (signal: ISignalRow): PositionCommand | { refused: string } => {
    if (signal.cost === null) {
      return {
        refused: `cost ${cost} cannot measure an unsized position (its signal has no cost): close a percent instead`,
      };
    }
    const entered = positionBook(signal.fills).enteredCost;
    return { kind: "partial", percent: (cost / entered) * 100, direction };
  };
}

/** Closes the part of the position that cost `cost` (quote currency) at the current price, in profit. */
export function commitPartialProfitCost(symbol: string, cost: number): Promise<boolean> {
  const amount = checkedNumber("commitPartialProfitCost", "cost", cost, "positive");
  return onPosition("commitPartialProfitCost", symbol, costShare(amount, "profit"));
}

/** Like commitPartialProfitCost with the price in loss. */
export function commitPartialLossCost(symbol: string, cost: number): Promise<boolean> {
  const amount = checkedNumber("commitPartialLossCost", "cost", cost, "positive");
  return onPosition("commitPartialLossCost", symbol, costShare(amount, "loss"));
}

/**
 * Tightens the stop loss by `percentShift` % of its original distance from the entry: 0 keeps the
 * original stop, 50 halves the distance, 100 puts it at the entry price. Only ever tighter.
 */
export function commitTrailingStop(symbol: string, percentShift: number): Promise<boolean> {
  const shift = checkedNumber("commitTrailingStop", "percentShift", percentShift, "finite");
  return onPosition("commitTrailingStop", symbol, (signal) => {
    const entry = positionBook(signal.fills).averageEntry;
    const distance = Math.abs(entry - signal.originalStopLoss) * (1 - shift / 100);
    const price = signal.position === "long" ? entry - distance : entry + distance;
    return { kind: "stop", price, tightenOnly: true };
  });
}

/** Moves the stop loss to `priceStopLoss` (only ever tighter; on the loss side of the current price). */
export function commitTrailingStopCost(symbol: string, priceStopLoss: number): Promise<boolean> {
  const price = checkedNumber("commitTrailingStopCost", "priceStopLoss", priceStopLoss, "positive");
  return run("commitTrailingStopCost", symbol, {
    type: "command",
    command: { kind: "stop", price, tightenOnly: true },
  });
}

/**
 * Moves the take profit by `percentShift` % of its original distance from the entry: 0 keeps it,
 * +50 puts it half as far again, −50 halfway to the entry.
 */
export function commitTrailingTake(symbol: string, percentShift: number): Promise<boolean> {
  const shift = checkedNumber("commitTrailingTake", "percentShift", percentShift, "finite");
  return onPosition("commitTrailingTake", symbol, (signal) => {
    const entry = positionBook(signal.fills).averageEntry;
    const distance = Math.abs(signal.originalTakeProfit - entry) * (1 + shift / 100);
    const price = signal.position === "long" ? entry + distance : entry - distance;
    return { kind: "take", price };
  });
}

/** Moves the take profit to `priceTakeProfit` (on the profit side of the current price). */
export function commitTrailingTakeCost(symbol: string, priceTakeProfit: number): Promise<boolean> {
  const price = checkedNumber("commitTrailingTakeCost", "priceTakeProfit", priceTakeProfit, "positive");
  return run("commitTrailingTakeCost", symbol, { type: "command", command: { kind: "take", price } });
}

/** Moves the stop loss to the zero-PnL price once the current price is past it (fees and slippage included). */
export function commitBreakeven(symbol: string): Promise<boolean> {
  return run("commitBreakeven", symbol, { type: "command", command: { kind: "breakeven" } });
}

/**
 * Adds an entry at the current price for `cost` in quote currency (default: the first entry's cost).
 * Refused when it would average up (long above / short below the average entry) unless the signal's
 * dca rule allows it, when the dca rule's maxEntries is reached, or with a cost on an unsized position.
 */
export function commitAverageBuy(symbol: string, cost?: number): Promise<boolean> {
  const amount = cost === undefined ? null : checkedNumber("commitAverageBuy", "cost", cost, "positive");
  return run("commitAverageBuy", symbol, {
    type: "command",
    command: { kind: "entry", cost: amount, allowAveragingUp: false },
  });
}
