// One strategy on one symbol at run time: its StrategyState, the getSignal throttle, the signal
// pipeline (validation → risk → sizing → core `transition`), and the side effects of each result
// (callbacks, events, risk positions). Time and prices come from the caller, so the backtest runner
// and a live runner drive the same class: the backtest one from typed arrays, live from the clock.

import { type IMethodContext, runInContext } from "@bt/context";
import {
  alignDown,
  type IGlobalConfig,
  type ILogger,
  type ISignalDto,
  type ISizingSchema,
  type IStrategySchema,
  type IStrategyTickResult,
  type ITickOrigin,
  type ITransition,
  type ITransitionInput,
  intervalToMs,
  NO_SIGNAL,
  type StrategyState,
  transition,
  validateSignal,
} from "@bt/core";
import type { EventBus } from "../events/eventBus";
import { getCandles } from "../run/ambient";
import type { ClientRisk } from "./clientRisk";
import { ATR_PERIOD, averageTrueRange, computePositionCost, type ISizingHistory } from "./positionSizing";

/** Everything a ClientStrategy needs; built by the runner from the registries. */
export interface IClientStrategyParams {
  schema: IStrategySchema;
  symbol: string;
  exchangeName: string;
  backtest: boolean;
  config: Readonly<IGlobalConfig>;
  method: IMethodContext;
  bus: EventBus;
  logger: ILogger;
  risk: ClientRisk | undefined;
  sizing: ISizingSchema | undefined;
  /** Quote-currency balance used by sizing. */
  accountBalance: number;
  /**
   * Live only: makes a state change durable (persistence, broker) before it is applied. Called with
   * every transition that changes the state; when it throws, the state stays as it was.
   */
  commit?: (previous: StrategyState, next: ITransition) => Promise<void>;
}

/** Run-time client of one (strategy, symbol). */
export class ClientStrategy {
  state: StrategyState = NO_SIGNAL;
  /** Set by stop(): no new getSignal calls; an open or scheduled signal runs to its end. */
  stopped = false;
  /** True when the user registered onIdle, onActive or onTick, which must be called every minute. */
  readonly hasPerMinuteCallbacks: boolean;
  readonly intervalMs: number;
  readonly history: ISizingHistory = { wins: 0, losses: 0, winSum: 0, lossSum: 0 };
  private readonly origin: ITickOrigin;
  private lastSignalBoundaryMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly params: IClientStrategyParams) {
    const callbacks = params.schema.callbacks ?? {};
    this.hasPerMinuteCallbacks = Boolean(callbacks.onIdle || callbacks.onActive || callbacks.onTick);
    this.intervalMs = intervalToMs(params.schema.interval);
    this.origin = Object.freeze({
      symbol: params.symbol,
      strategyName: params.schema.strategyName,
      exchangeName: params.exchangeName,
      backtest: params.backtest,
    });
  }

  get strategyName(): string {
    return this.params.schema.strategyName;
  }

  /** Start of the interval window in which getSignal was last asked, epoch ms (−Infinity: never). */
  get lastSignalBoundary(): number {
    return this.lastSignalBoundaryMs;
  }

  /**
   * Live restore: sets the state and the getSignal throttle without any event (the signal was opened
   * or scheduled by an earlier process); an open position or a scheduled signal takes its slot in the
   * risk profile.
   */
  restore(state: StrategyState, lastSignalBoundaryMs: number): void {
    this.state = state;
    this.lastSignalBoundaryMs = lastSignalBoundaryMs;
    if (state.status !== "none") {
      this.params.risk?.addPosition({
        signal: state.signal,
        strategyName: this.strategyName,
        exchangeName: this.params.exchangeName,
        symbol: this.params.symbol,
      });
    }
  }

  /** Counts a closed trade of an earlier process in the sizing history (Kelly), without any event. */
  restoreClosed(pnlPercentage: number): void {
    this.countClosed(pnlPercentage);
  }

  /** Applies a transition decided earlier whose commit did not complete (live retry and restart). */
  resume(next: ITransition): Promise<IStrategyTickResult> {
    return this.inContext(next.result.timestamp, () => this.apply(next));
  }

  /** Runs `fn` in the ambient context of this strategy at `nowMs` (a fresh context object per call). */
  inContext<T>(nowMs: number, fn: () => T): T {
    const { symbol, backtest, method } = this.params;
    return runInContext({ symbol, when: new Date(nowMs), backtest }, method, fn);
  }

  /** True when getSignal may be called at `nowMs`: idle, not stopped, and a new interval boundary. */
  mayRequestSignal(nowMs: number): boolean {
    return (
      !this.stopped &&
      this.state.status === "none" &&
      alignDown(nowMs, this.params.schema.interval) !== this.lastSignalBoundaryMs
    );
  }

  /** Start of the next interval window after the one containing `nowMs`, epoch ms. */
  nextBoundaryMs(nowMs: number): number {
    return alignDown(nowMs, this.params.schema.interval) + this.intervalMs;
  }

  /**
   * Asks getSignal (marks the boundary as used) and runs the signal pipeline. Returns the opened or
   * scheduled result, or null when there is no signal (none returned, rejected, or getSignal threw).
   */
  requestSignal(nowMs: number, currentPrice: number): Promise<IStrategyTickResult | null> {
    this.lastSignalBoundaryMs = alignDown(nowMs, this.params.schema.interval);
    return this.inContext(nowMs, () => this.decide(nowMs, currentPrice));
  }

  /** Advances the state machine to `nowMs` at `currentPrice` and applies the result. */
  tick(nowMs: number, currentPrice: number): Promise<IStrategyTickResult> {
    return this.inContext(nowMs, () =>
      this.apply(transition(this.state, { type: "tick" }, this.input(nowMs, currentPrice))),
    );
  }

  /** Closes an open position ("closed" by user / "time_expired" at frame end) or cancels a scheduled one. */
  close(
    nowMs: number,
    currentPrice: number,
    reason: "closed" | "time_expired",
  ): Promise<IStrategyTickResult> {
    return this.inContext(nowMs, () =>
      this.apply(transition(this.state, { type: "close", reason }, this.input(nowMs, currentPrice))),
    );
  }

  /** Drops any risk position this strategy holds (run aborted). */
  releaseRisk(): void {
    this.params.risk?.removePosition(this.strategyName, this.params.exchangeName, this.params.symbol);
  }

  private input(nowMs: number, currentPrice: number): ITransitionInput {
    return { origin: this.origin, currentPrice, now: nowMs, config: this.params.config };
  }

  private async decide(nowMs: number, currentPrice: number): Promise<IStrategyTickResult | null> {
    const { schema, symbol, bus, config, backtest } = this.params;
    let proposed: ISignalDto | null | undefined;
    try {
      proposed = await schema.getSignal(symbol, new Date(nowMs));
    } catch (error) {
      bus.emitError(error, {
        source: "getSignal",
        strategyName: schema.strategyName,
        symbol,
        timestamp: nowMs,
      });
      return null;
    }
    if (proposed === null || proposed === undefined) return null;
    const problems = validateSignal(proposed, currentPrice, config);
    if (problems.length > 0) {
      this.emitValidation(proposed, problems, currentPrice, nowMs);
      return null;
    }
    const risk = this.params.risk;
    if (risk !== undefined) {
      const args = {
        symbol,
        strategyName: schema.strategyName,
        exchangeName: this.params.exchangeName,
        pendingSignal: proposed,
        currentPrice,
        timestamp: nowMs,
      };
      const { args: seen, rejection } = await risk.check(args);
      if (rejection !== null) {
        if (bus.risk.observed) {
          bus.risk.next({
            ...args,
            riskName: risk.schema.riskName,
            reason: rejection.reason,
            validationIndex: rejection.validationIndex,
            activePositionCount: seen.activePositionCount,
            backtest,
          });
        }
        const onRejected = risk.schema.callbacks?.onRejected;
        if (onRejected)
          await this.callSafely("risk.onRejected", () => onRejected(symbol, seen, rejection.reason));
        return null;
      }
      const onAllowed = risk.schema.callbacks?.onAllowed;
      if (onAllowed) await this.callSafely("risk.onAllowed", () => onAllowed(symbol, seen));
    }
    let signal: ISignalDto = proposed;
    const sizing = this.params.sizing;
    if (sizing !== undefined && proposed.cost === undefined) {
      const priceOpen = proposed.priceOpen ?? currentPrice;
      let atr: number | undefined;
      if (sizing.method === "atr-based") {
        try {
          atr = averageTrueRange(await getCandles(symbol, schema.interval, ATR_PERIOD + 1));
        } catch (error) {
          bus.emitError(error, {
            source: "sizing",
            strategyName: schema.strategyName,
            symbol,
            timestamp: nowMs,
          });
          return null;
        }
      }
      const sized = computePositionCost(sizing, {
        accountBalance: this.params.accountBalance,
        priceOpen,
        priceTakeProfit: proposed.priceTakeProfit,
        priceStopLoss: proposed.priceStopLoss,
        history: this.history,
        atr,
      });
      if ("problem" in sized) {
        this.emitValidation(
          proposed,
          [{ field: "cost", value: undefined, message: sized.problem }],
          currentPrice,
          nowMs,
        );
        return null;
      }
      signal = { ...proposed, cost: sized.cost };
    }
    const id = `${schema.strategyName}:${symbol}:${nowMs}`;
    const next = transition(this.state, { type: "signal", signal, id }, this.input(nowMs, currentPrice));
    if (next.rejection !== null) {
      this.emitValidation(proposed, next.rejection, currentPrice, nowMs);
      return null;
    }
    return this.apply(next);
  }

  private emitValidation(
    signal: unknown,
    problems: ReturnType<typeof validateSignal>,
    currentPrice: number,
    nowMs: number,
  ): void {
    const { bus, symbol, schema, exchangeName, backtest, logger } = this.params;
    logger.warn(
      `Signal of ${schema.strategyName} on ${symbol} rejected: ${problems.map((p) => p.message).join("; ")}`,
    );
    if (!bus.validation.observed) return;
    bus.validation.next({
      symbol,
      strategyName: schema.strategyName,
      exchangeName,
      signal,
      problems,
      currentPrice,
      timestamp: nowMs,
      backtest,
    });
  }

  /** Stores the new state and performs the result's side effects, in order. */
  private async apply(next: ITransition): Promise<IStrategyTickResult> {
    const previous = this.state;
    // transition() returns the same state object when nothing changes (idle, active, still scheduled).
    if (this.params.commit !== undefined && next.state !== previous) await this.params.commit(previous, next);
    this.state = next.state;
    const result = next.result;
    const { symbol, backtest, bus, risk } = this.params;
    const callbacks = this.params.schema.callbacks;
    let notable = true;
    switch (result.action) {
      case "opened":
        risk?.addPosition({
          signal: result.signal,
          strategyName: result.strategyName,
          exchangeName: result.exchangeName,
          symbol,
        });
        if (callbacks?.onOpen) {
          await this.callSafely("onOpen", () =>
            callbacks.onOpen?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "closed": {
        risk?.removePosition(result.strategyName, result.exchangeName, symbol);
        this.countClosed(result.pnl.pnlPercentage);
        if (callbacks?.onClose) {
          await this.callSafely("onClose", () =>
            callbacks.onClose?.(symbol, result.signal, result.pnl.priceClose, backtest),
          );
        }
        break;
      }
      case "scheduled":
        notable = previous.status === "none";
        // A scheduled signal reserves its slot: its activation runs no second risk check.
        if (notable) {
          risk?.addPosition({
            signal: result.signal,
            strategyName: result.strategyName,
            exchangeName: result.exchangeName,
            symbol,
          });
        }
        if (notable && callbacks?.onSchedule) {
          await this.callSafely("onSchedule", () =>
            callbacks.onSchedule?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "cancelled":
        risk?.removePosition(result.strategyName, result.exchangeName, symbol);
        if (callbacks?.onCancel) {
          await this.callSafely("onCancel", () =>
            callbacks.onCancel?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "active":
        notable = false;
        if (callbacks?.onActive) {
          await this.callSafely("onActive", () =>
            callbacks.onActive?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "idle":
        notable = false;
        if (callbacks?.onIdle) {
          await this.callSafely("onIdle", () => callbacks.onIdle?.(symbol, result.currentPrice, backtest));
        }
        break;
      default: {
        const unreachable: never = result;
        return unreachable;
      }
    }
    if (callbacks?.onTick)
      await this.callSafely("onTick", () => callbacks.onTick?.(symbol, result, backtest));
    if (notable || !backtest) bus.emitSignal(result);
    return result;
  }

  private countClosed(pnl: number): void {
    if (pnl > 0) {
      this.history.wins++;
      this.history.winSum += pnl;
    } else if (pnl < 0) {
      this.history.losses++;
      this.history.lossSum -= pnl;
    }
  }

  /** Awaits a user callback; an error goes to listenError and never stops the run. */
  private async callSafely(name: string, fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.params.bus.emitError(error, {
        source: name,
        strategyName: this.strategyName,
        symbol: this.params.symbol,
      });
    }
  }

  /** Emits an idle result at `nowMs` (per-minute callbacks only). */
  idle(nowMs: number, currentPrice: number): Promise<IStrategyTickResult> {
    return this.tick(nowMs, currentPrice);
  }
}
