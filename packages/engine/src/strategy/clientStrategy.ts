// One strategy on one symbol at run time: its StrategyState, the getSignal throttle, the signal
// pipeline (validation → risk → sizing → core `transition`), and the side effects of each result
// (callbacks, events, risk positions). Time and prices come from the caller, so the backtest runner
// and a live runner drive the same class: the backtest one from typed arrays, live from the clock.
// Everything that goes wrong (getSignal and callback errors, validation and risk rejections, cancelled
// scheduled signals) is counted in the run's IRunProblems as well as emitted.

import {
  createContextFrame,
  type IExecutionContext,
  type IRunFrame,
  MovingExecutionContext,
  openRunFrame,
} from "@bt/context";
import {
  alignDownMs,
  countRunProblem,
  emptyRunProblems,
  type IRunProblems,
  type ISignalDto,
  type ISignalRow,
  type IStrategyTickResult,
  type ITickOrigin,
  type ITransition,
  type ITransitionInput,
  intervalToMs,
  NO_SIGNAL,
  persistKey,
  type StrategyEvent,
  type StrategyState,
  transition,
} from "@bt/core";
import { CallWatchdog, type ITimeoutSubject } from "../run/callTimeout";
import { type ISizingHistory, recordClosedTrade } from "./positionSizing";
import { type IClientStrategyParams, messageOf, SignalPipeline } from "./signalPipeline";

export type { IClientStrategyParams } from "./signalPipeline";

/** The strategy client of each run's execution context: what the commit* commands act on. */
const strategyOfExecution = new WeakMap<IExecutionContext, ClientStrategy>();

/** The strategy client whose run owns `execution`, if any. */
export function strategyOf(execution: IExecutionContext): ClientStrategy | undefined {
  return strategyOfExecution.get(execution);
}

/** A trailing-stop move: folded into the row in a backtest (no result there), a change in live. */
function isTrailingMove(result: IStrategyTickResult): boolean {
  return (
    result.action === "updated" && result.update.kind === "stop_moved" && result.update.source === "trailing"
  );
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
  /** Epoch ms of the call in progress (the time problems are counted at). */
  private nowMs = 0;
  /** The price of the tick in progress (what a command acts at). */
  private priceNow = 0;
  /**
   * Results of commands applied during the current tick (from its callbacks), in order: the runner
   * takes them after the tick (takeCommandResults) to yield and record them.
   */
  private commandResults: IStrategyTickResult[] = [];
  /** What went wrong so far in this run: counted errors, rejections, cancelled signals. */
  readonly problems: IRunProblems;
  private readonly pipeline: SignalPipeline;
  /** Times out an asynchronous getSignal (one timer per run, see CallWatchdog). */
  private readonly watchdog = new CallWatchdog();
  private readonly getSignalTimeoutMs: number;
  /** The one execution context of this run: its instant moves before each call into user code. */
  private readonly execution: MovingExecutionContext;
  /** The run's entry into user code (a lone backtest passes its frame without AsyncLocalStorage). */
  private readonly frame: IRunFrame;
  /** getSignal at the instant inContext set (one function per run, not a closure per call). */
  private readonly callGetSignal: () => ISignalDto | null | Promise<ISignalDto | null>;
  /** The run identity part of signal ids: persistKey(symbol, strategy, exchange), encoded once. */
  private readonly signalIdPrefix: string;
  /** What a timed-out getSignal was (built only when one times out; calls are sequential). */
  private readonly describeGetSignal: () => ITimeoutSubject;

  constructor(private readonly params: IClientStrategyParams) {
    this.problems = params.problems ?? emptyRunProblems();
    this.pipeline = new SignalPipeline(params, this.problems, this.history, (name, fn) =>
      this.callSafely(name, fn),
    );
    const callbacks = params.schema.callbacks ?? {};
    this.hasPerMinuteCallbacks = Boolean(callbacks.onIdle || callbacks.onActive || callbacks.onTick);
    this.intervalMs = intervalToMs(params.schema.interval);
    this.getSignalTimeoutMs = params.schema.getSignalTimeoutMs ?? params.config.CC_GET_SIGNAL_TIMEOUT_MS;
    this.execution = new MovingExecutionContext(params.symbol, params.backtest);
    this.frame = openRunFrame(createContextFrame(this.execution, params.method), params.backtest);
    strategyOfExecution.set(this.execution, this);
    const { schema, symbol } = params;
    // A new Date per call: user code never shares a mutable Date.
    this.callGetSignal = () => schema.getSignal(symbol, new Date(this.nowMs));
    this.signalIdPrefix = persistKey(symbol, schema.strategyName, params.exchangeName);
    this.describeGetSignal = () => ({
      what: `getSignal of strategy ${schema.strategyName} on ${symbol} at ${new Date(this.nowMs).toISOString()}`,
    });
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

  get symbol(): string {
    return this.params.symbol;
  }

  /**
   * Applies a command from strategy code (commit* functions) at the tick in progress: a refused one
   * changes nothing, is counted as a run problem with its reason and returns false.
   */
  async command(event: StrategyEvent, caller: string): Promise<boolean> {
    const next = transition(this.state, event, this.input(this.nowMs, this.priceNow));
    if (next.rejection !== null) {
      return this.refuseCommand(caller, next.rejection.map((problem) => problem.message).join("; "));
    }
    if (next.state === this.state) return false;
    const result = await this.apply(next);
    this.commandResults.push(result);
    // A live broker may refuse the change for good: the committed result is then a plain tick.
    return result.action !== "active";
  }

  /** Counts a refused command of `caller` with its reason (a run problem of kind "command"); false. */
  refuseCommand(caller: string, reason: string): false {
    countRunProblem(this.problems, "command", caller, `${caller} refused: ${reason}`, this.nowMs);
    return false;
  }

  /** The results of commands applied since the last call (see command), oldest first. */
  takeCommandResults(): IStrategyTickResult[] {
    if (this.commandResults.length === 0) return EMPTY_RESULTS;
    const taken = this.commandResults;
    this.commandResults = [];
    return taken;
  }

  /** The open position with minutes folded in by a scan (best / worst price, a trailing stop): no event. */
  fold(signal: ISignalRow): void {
    if (this.state.status === "pending" && this.state.signal !== signal) {
      this.state = { status: "pending", signal };
    }
  }

  /** Epoch ms of the latest call into user code (0 before the first). */
  get lastTimeMs(): number {
    return this.nowMs;
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
    recordClosedTrade(this.history, pnlPercentage);
  }

  /** Applies a transition decided earlier whose commit did not complete (live retry and restart). */
  resume(next: ITransition): IStrategyTickResult | Promise<IStrategyTickResult> {
    this.priceNow = next.result.currentPrice;
    return this.inContext(next.result.timestamp, () => this.apply(next));
  }

  /**
   * Runs `fn` in the ambient context of this strategy at `nowMs`: the run's one context, moved to `nowMs`
   * (calls into user code are sequential; no context object or Date per call).
   */
  inContext<T>(nowMs: number, fn: () => T): T {
    this.nowMs = nowMs;
    this.execution.whenMs = nowMs;
    return this.frame.run(fn);
  }

  /** Start of the interval window containing `nowMs` (the precomputed step: no lookup by name). */
  private boundaryOf(nowMs: number): number {
    return alignDownMs(nowMs, this.intervalMs);
  }

  /** True when getSignal may be called at `nowMs`: idle, not stopped, and a new interval boundary. */
  mayRequestSignal(nowMs: number): boolean {
    return (
      !this.stopped && this.state.status === "none" && this.boundaryOf(nowMs) !== this.lastSignalBoundaryMs
    );
  }

  /** Start of the next interval window after the one containing `nowMs`, epoch ms. */
  nextBoundaryMs(nowMs: number): number {
    return this.boundaryOf(nowMs) + this.intervalMs;
  }

  /**
   * Asks getSignal (marks the boundary as used) and runs the signal pipeline. Returns the opened or
   * scheduled result, or null when there is no signal (none returned, rejected, or getSignal threw).
   * A promise only when getSignal returned one (or a signal goes through the pipeline): a synchronous
   * getSignal returning null costs no promise; `await` the result either way.
   */
  requestSignal(
    nowMs: number,
    currentPrice: number,
  ): IStrategyTickResult | null | Promise<IStrategyTickResult | null> {
    const asked = this.askSignal(nowMs);
    if (isPromiseLike(asked)) {
      return Promise.resolve(asked).then(
        (proposed) => this.settleSignal(nowMs, currentPrice, proposed),
        (error: unknown) => this.signalFailed(error, nowMs),
      );
    }
    return this.settleSignal(nowMs, currentPrice, asked);
  }

  /**
   * The first half of requestSignal (live): callSignal, with a returned promise raced against the
   * getSignal timeout (a synchronous getSignal costs nothing more). Hand its value to settleSignal, a
   * rejection to signalFailed.
   */
  askSignal(nowMs: number): ISignalDto | null | undefined | PromiseLike<ISignalDto | null | undefined> {
    const returned = this.callSignal(nowMs);
    return isPromiseLike(returned)
      ? this.watchdog.race(returned, this.getSignalTimeoutMs, this.describeGetSignal)
      : returned;
  }

  /**
   * Marks the interval boundary as used and calls getSignal in context. Returns what getSignal returned,
   * its own promise included, with no race (the backtest's hot path: the caller awaits it, calling
   * watchSignal before and signalSettled after; a timeout comes through watchSignal's callback and the
   * caller goes on without the call). A synchronous throw is counted here and returns null.
   */
  callSignal(nowMs: number): ISignalDto | null | undefined | PromiseLike<ISignalDto | null | undefined> {
    this.lastSignalBoundaryMs = this.boundaryOf(nowMs);
    this.pipeline.countSignalCall();
    try {
      return this.inContext(nowMs, this.callGetSignal);
    } catch (error) {
      return this.signalFailed(error, nowMs);
    }
  }

  /** The run hands control to its consumer (a yield): code outside the run no longer sees its context. */
  leaveContext(): void {
    this.frame.leave();
  }

  /** Starts the getSignal watchdog's timer before the first call (a backtest's set-up; see CallWatchdog.watch). */
  armSignalWatch(): void {
    this.watchdog.watch(this.getSignalTimeoutMs);
  }

  /** Starts the timeout of the getSignal call callSignal just returned a promise of. */
  watchSignal(onTimeout: (error: unknown) => void): void {
    this.watchdog.begin(this.getSignalTimeoutMs, this.describeGetSignal, onTimeout);
  }

  /** The watched getSignal call settled in time. */
  signalSettled(): void {
    this.watchdog.done();
  }

  /** The second half of requestSignal: null at once when there is no signal, else the pipeline in context. */
  settleSignal(
    nowMs: number,
    currentPrice: number,
    proposed: ISignalDto | null | undefined,
  ): IStrategyTickResult | null | Promise<IStrategyTickResult | null> {
    if (proposed === null || proposed === undefined) return null;
    this.priceNow = currentPrice;
    return this.inContext(nowMs, () => this.open(proposed, nowMs, currentPrice));
  }

  /** Counts a getSignal call that threw or rejected at `nowMs` (listenError); returns null (no signal). */
  signalFailed(error: unknown, nowMs: number): null {
    this.pipeline.getSignalFailed(error, nowMs);
    return null;
  }

  /** Counts a getSignal call given up after its TIMEOUT, which may still be running (IRunFrame.abandonCall). */
  signalTimedOut(error: unknown, nowMs: number): null {
    this.frame.abandonCall();
    return this.signalFailed(error, nowMs);
  }

  /** Advances the state machine to `nowMs` at `currentPrice` and applies the result. */
  tick(nowMs: number, currentPrice: number): IStrategyTickResult | Promise<IStrategyTickResult> {
    this.priceNow = currentPrice;
    return this.inContext(nowMs, () =>
      this.apply(transition(this.state, { type: "tick" }, this.input(nowMs, currentPrice))),
    );
  }

  /** Closes an open position ("closed" by user / "time_expired" at frame end) or cancels a scheduled one. */
  close(
    nowMs: number,
    currentPrice: number,
    reason: "closed" | "time_expired",
  ): IStrategyTickResult | Promise<IStrategyTickResult> {
    this.priceNow = currentPrice;
    return this.inContext(nowMs, () =>
      this.apply(transition(this.state, { type: "close", reason }, this.input(nowMs, currentPrice))),
    );
  }

  /** The run is over: drops any risk position this strategy holds and stops its getSignal watchdog. */
  end(): void {
    this.watchdog.stop();
    this.frame.close();
    this.params.risk?.removePosition(this.strategyName, this.params.exchangeName, this.params.symbol);
  }

  private input(nowMs: number, currentPrice: number): ITransitionInput {
    return { origin: this.origin, currentPrice, now: nowMs, config: this.params.config };
  }

  /** Vets a proposed signal and applies the transition it makes. */
  private async open(
    proposed: ISignalDto,
    nowMs: number,
    currentPrice: number,
  ): Promise<IStrategyTickResult | null> {
    const proposal = await this.pipeline.vet(proposed, nowMs, currentPrice);
    if (proposal === null) return null;
    // The run identity (symbol, strategy, exchange, unambiguous for any names) and the decision time:
    // the same strategy on two exchanges never shares a signal id, nor so a client order id.
    const id = `${this.signalIdPrefix}:${nowMs}`;
    const next = transition(
      this.state,
      // The pipeline validated the signal as proposed; it changed at most its cost (sizing or the
      // account stake, each a checked positive number).
      { type: "signal", signal: proposal.proposed, cost: proposal.cost, id, validated: true },
      this.input(nowMs, currentPrice),
    );
    if (next.rejection !== null) {
      this.pipeline.reject(proposal.proposed, next.rejection, currentPrice, nowMs);
      return null;
    }
    return this.apply(next);
  }

  /**
   * Stores the new state and performs the result's side effects, in order: the commit (live), the
   * run's bookkeeping, the user's callbacks, then the event. Without a commit and without callbacks
   * (a backtest's usual case) it returns the result itself, no promise.
   */
  private apply(decided: ITransition): IStrategyTickResult | Promise<IStrategyTickResult> {
    const previous = this.state;
    // transition() returns the same state object when nothing changes (idle, active, still scheduled).
    if (this.params.commit !== undefined && decided.state !== previous) {
      return this.params.commit(previous, decided).then((next) => this.settle(previous, next));
    }
    return this.settle(previous, decided);
  }

  private settle(
    previous: StrategyState,
    next: ITransition,
  ): IStrategyTickResult | Promise<IStrategyTickResult> {
    this.state = next.state;
    const result = next.result;
    const notable = this.bookkeep(previous, result);
    const emit = () => {
      if (notable || !this.params.backtest) this.params.bus.emitSignal(result);
      return result;
    };
    if (this.params.schema.callbacks === undefined) return emit();
    return this.runCallbacks(previous, result, notable).then(emit);
  }

  /** The run's side of a result (risk slots, sizing history, cancelled signals); true when it is notable. */
  private bookkeep(previous: StrategyState, result: IStrategyTickResult): boolean {
    const { symbol, backtest, risk, account } = this.params;
    switch (result.action) {
      case "opened":
        if (account !== undefined && result.signal.cost !== null)
          account.hold(result.signal.id, result.signal.cost);
        risk?.addPosition({
          signal: result.signal,
          strategyName: result.strategyName,
          exchangeName: result.exchangeName,
          symbol,
        });
        return true;
      case "closed":
        risk?.removePosition(result.strategyName, result.exchangeName, symbol);
        recordClosedTrade(this.history, result.pnl.pnlPercentage);
        return true;
      case "scheduled": {
        const notable = previous.status === "none";
        // A scheduled signal reserves its slot: its activation runs no second risk check.
        if (notable) {
          if (account !== undefined && result.signal.cost !== null)
            account.hold(result.signal.id, result.signal.cost);
          risk?.addPosition({
            signal: result.signal,
            strategyName: result.strategyName,
            exchangeName: result.exchangeName,
            symbol,
          });
        }
        return notable;
      }
      case "cancelled":
        account?.release(result.signal.id);
        risk?.removePosition(result.strategyName, result.exchangeName, symbol);
        this.problems.cancelled.push({
          signalId: result.signal.id,
          reason: result.cancelReason,
          scheduledAt: result.signal.scheduledAt,
          cancelledAt: result.timestamp,
        });
        return true;
      case "updated":
        // In a backtest a trailing stop's move is part of the row, as the fast path folds it.
        return !(backtest && isTrailingMove(result));
      case "active":
      case "idle":
        return false;
      default: {
        const unreachable: never = result;
        return unreachable;
      }
    }
  }

  /** The user's callbacks of a result, in order, then onTick. */
  private async runCallbacks(
    previous: StrategyState,
    result: IStrategyTickResult,
    notable: boolean,
  ): Promise<void> {
    const { symbol, backtest } = this.params;
    const callbacks = this.params.schema.callbacks ?? {};
    switch (result.action) {
      case "opened":
        if (callbacks.onOpen) {
          await this.callSafely("onOpen", () =>
            callbacks.onOpen?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "closed":
        if (callbacks.onClose) {
          await this.callSafely("onClose", () =>
            callbacks.onClose?.(symbol, result.signal, result.pnl.priceClose, backtest),
          );
        }
        break;
      case "scheduled":
        if (previous.status === "none" && callbacks.onSchedule) {
          await this.callSafely("onSchedule", () =>
            callbacks.onSchedule?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "cancelled":
        if (callbacks.onCancel) {
          await this.callSafely("onCancel", () =>
            callbacks.onCancel?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "updated":
        if (notable && callbacks.onUpdate) {
          await this.callSafely("onUpdate", () =>
            callbacks.onUpdate?.(symbol, result.signal, result.update, result.currentPrice, backtest),
          );
        }
        if (callbacks.onActive) {
          await this.callSafely("onActive", () =>
            callbacks.onActive?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "active":
        if (callbacks.onActive) {
          await this.callSafely("onActive", () =>
            callbacks.onActive?.(symbol, result.signal, result.currentPrice, backtest),
          );
        }
        break;
      case "idle":
        if (callbacks.onIdle) {
          await this.callSafely("onIdle", () => callbacks.onIdle?.(symbol, result.currentPrice, backtest));
        }
        break;
      default: {
        const unreachable: never = result;
        return unreachable;
      }
    }
    if (callbacks.onTick) await this.callSafely("onTick", () => callbacks.onTick?.(symbol, result, backtest));
  }

  /** Awaits a user callback; an error goes to listenError and never stops the run. */
  private async callSafely(name: string, fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (error) {
      countRunProblem(this.problems, "error", name, messageOf(error), this.nowMs);
      this.params.bus.emitError(error, {
        source: name,
        strategyName: this.strategyName,
        symbol: this.params.symbol,
      });
    }
  }
}

const EMPTY_RESULTS: IStrategyTickResult[] = [];

/** True for a promise or any thenable (what `await` would wait for). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
