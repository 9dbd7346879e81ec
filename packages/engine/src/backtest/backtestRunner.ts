// The backtest loop. Frame timestamps are visited in order; while idle the loop jumps straight to the
// next strategy-interval boundary (no per-minute work unless per-minute callbacks exist). Once a
// signal is scheduled or open, the store's price column (1m, or the exchange's base interval) is scanned
// synchronously with the core predicates (scanScheduledOutcome / scanPendingExit) and `transition` is called once at the hit: the same rules
// as a minute-by-minute tick, by construction, with no await and no allocation per minute.

import type { IMethodContext } from "@bt/context";
import {
  alignUp,
  type CandleInterval,
  countRunProblem,
  type IGlobalConfig,
  type ISignalDto,
  type IStrategyTickResult,
  intervalToMs,
  MarkedDrawdown,
  pnlCostsOf,
  scanPendingExit,
  scanScheduledOutcome,
} from "@bt/core";
import type { CandleStore } from "../candles/candleStore";
import type { IStoreLease } from "../candles/storeCache";
import { firstPricedMs, planStore, tickIntervalOn, warmupMinutesOf } from "../candles/storePlan";
import { type EventBus, toError } from "../events/eventBus";
import { eventKey, type PortfolioClock } from "../portfolio/portfolioClock";
import { RunAccount } from "../portfolio/runAccount";
import { createBacktestRunRecord, type IBacktestRunRecord } from "../run/backtestRecord";
import { type EngineState, runKey } from "../run/engineState";
import { resolveBacktestRun } from "../run/resolveRun";
import { type IBacktestOptions, resolveBacktestOptions } from "../run/runOptions";
import { attachRuntime } from "../run/runRuntime";
import { ClientStrategy, isPromiseLike } from "../strategy/clientStrategy";

export {
  DEFAULT_ACCOUNT_BALANCE,
  DEFAULT_BATCH_SIZE,
  type IBacktestOptions,
} from "../run/runOptions";

/** Which schemas a backtest runs. */
export interface IBacktestContext {
  strategyName: string;
  exchangeName: string;
  frameName: string;
}

/** Internal extras of the walker (a store loaded for the whole walker) and of portfolio runs. */
export interface IBacktestInternals {
  lease?: IStoreLease;
  /** The account shared by a portfolio's runs (default: one of the run's own, one position at a time). */
  account?: RunAccount;
  /** A portfolio's lock-step clock and this run's place in it: account events go in time order. */
  portfolio?: { clock: PortfolioClock; index: number };
  /** Called with the run's record as soon as it exists (the walker reads closed results and problems). */
  onRecord?: (record: IBacktestRunRecord) => void;
}

/**
 * The first frame tick with a price: the frame's first tick, or, when the data starts at the frame start
 * (no candles before it), the first tick after the candles the first price needs.
 */
function firstFrameTickMs(
  store: CandleStore,
  startMs: number,
  interval: CandleInterval,
  config: Pick<IGlobalConfig, "CC_AVG_PRICE_CANDLES_COUNT">,
): number {
  return alignUp(Math.max(startMs, firstPricedMs(store.startMs, store.interval, config)), interval);
}

/** Who a progress event is about. */
interface IProgressSubject {
  symbol: string;
  strategyName: string;
  exchangeName: string;
  frameName: string;
}

/**
 * Emits a backtest's progress event (nothing is built when nobody listens). Module level, not a closure
 * per run: a call site that met one run's closure would deoptimise at the next run's.
 */
function reportProgress(
  bus: EventBus,
  subject: IProgressSubject,
  processedFrames: number,
  totalFrames: number,
): void {
  if (!bus.progress.observed) return;
  bus.progress.next({
    symbol: subject.symbol,
    strategyName: subject.strategyName,
    exchangeName: subject.exchangeName,
    frameName: subject.frameName,
    processedFrames,
    totalFrames,
    progress: totalFrames === 0 ? 1 : processedFrames / totalFrames,
  });
}

/** True for the results a backtest yields: every change of state, not the plain active / idle ticks. */
function isNotable(result: IStrategyTickResult): boolean {
  switch (result.action) {
    case "active":
    case "idle":
      return false;
    case "scheduled":
      // A scheduled signal still waiting is no news; its scheduling tick is.
      return result.timestamp === result.signal.scheduledAt;
    case "updated":
      return !(result.update.kind === "stop_moved" && result.update.source === "trailing");
    default:
      return true;
  }
}

/** The getSignal call that timed out: its error, frame index and time. */
interface ITimedOutCall {
  error: unknown;
  frameIndex: number;
  nowMs: number;
}

/** What a BacktestLoop is made of (openBacktestLoop builds it once the run is set up). */
interface IBacktestLoopParts {
  state: EngineState;
  strategy: ClientStrategy;
  store: CandleStore;
  lease: IStoreLease;
  /** The run acquired its lease (the walker passes one it keeps). */
  ownsLease: boolean;
  record: IBacktestRunRecord;
  account: RunAccount;
  marked: MarkedDrawdown;
  running: Set<ClientStrategy>;
  key: string;
  progressOf: IProgressSubject;
  firstTickMs: number;
  stepMs: number;
  totalFrames: number;
  endIndex: number;
  clock: PortfolioClock | undefined;
  clockIndex: number;
}

/**
 * One backtest run's loop: what untilResult and runBacktest read and change. A class, so
 * the runs of a walker or sweep share one map and one compiled copy of each method: closures made per run
 * were compiled again for each run (V8 specialises a function on its first closure's values), and a
 * generator holding the whole set-up was a large unit to compile.
 */
class BacktestLoop {
  readonly state: EngineState;
  readonly bus: EventBus;
  readonly strategy: ClientStrategy;
  readonly store: CandleStore;
  readonly lease: IStoreLease;
  readonly ownsLease: boolean;
  readonly record: IBacktestRunRecord;
  readonly account: RunAccount;
  /** Each close is marked to market over the minutes it was open, on the price column it was scanned on. */
  readonly marked: MarkedDrawdown;
  readonly running: Set<ClientStrategy>;
  readonly key: string;
  readonly progressOf: IProgressSubject;
  readonly config: IGlobalConfig;
  readonly prices: Float64Array;
  readonly storeStartMs: number;
  /**
   * The two steps, ms: double fields from the start (NaN until the constructor sets them). Products such
   * as frameIndex · stepMs pass 2^31 within a month of 1m; on small-integer fields V8 would first take
   * them for small-integer products and deoptimise the loop at that minute.
   */
  readonly candleMs: number = Number.NaN;
  readonly stepMs: number = Number.NaN;
  /** Exclusive bound of the frame's price indices (minute times t < endMs are in the frame). */
  readonly endIndex: number;
  readonly firstTickMs: number;
  readonly totalFrames: number;
  /** The strategy has per-minute callbacks: it ticks every minute instead of at scan hits. */
  readonly perMinute: boolean;
  readonly clock: PortfolioClock | undefined;
  readonly clockIndex: number;
  private readonly progressStep: number;
  private nextProgressAt: number;
  /** The run was stopped (Backtest.stop) while idle. */
  stopped = false;
  /** The result untilResult stopped at (null: the frame ended or the run was stopped) and its price index. */
  found: IStrategyTickResult | null = null;
  foundIndex = 0;
  /** Generation of the untilResult call in charge: one that timed out is left behind and does nothing more. */
  private generation = 0;
  /** The getSignal call that timed out, set with the TIMEOUT. */
  private timedOut: ITimedOutCall | null = null;
  /** Fails the untilResult call in charge with a getSignal TIMEOUT (see untilResultWatched). */
  private failUntilResult: ((error: unknown) => void) | null = null;
  /** The frame index and time of the getSignal call being awaited. */
  private pendingFrameIndex = 0;
  private pendingMs = 0;

  constructor(parts: IBacktestLoopParts) {
    this.state = parts.state;
    this.bus = parts.state.bus;
    this.strategy = parts.strategy;
    this.store = parts.store;
    this.lease = parts.lease;
    this.ownsLease = parts.ownsLease;
    this.record = parts.record;
    this.account = parts.account;
    this.marked = parts.marked;
    this.running = parts.running;
    this.key = parts.key;
    this.progressOf = parts.progressOf;
    this.config = parts.state.config;
    this.prices = parts.store.prices;
    this.storeStartMs = parts.store.startMs;
    this.candleMs = parts.store.stepMs;
    this.endIndex = parts.endIndex;
    this.firstTickMs = parts.firstTickMs;
    this.stepMs = parts.stepMs;
    this.totalFrames = parts.totalFrames;
    this.perMinute = parts.strategy.hasPerMinuteCallbacks;
    this.clock = parts.clock;
    this.clockIndex = parts.clockIndex;
    this.progressStep = Math.max(1, Math.floor(parts.totalFrames / 100));
    this.nextProgressAt = this.progressStep;
  }

  /** The watchdog's report of a getSignal call pending too long (one function per run, not per call). */
  readonly onSignalTimeout = (error: unknown): void => {
    this.timedOut = { error, frameIndex: this.pendingFrameIndex, nowMs: this.pendingMs };
    this.failUntilResult?.(error);
  };

  /** Records a result in the run's record and account. */
  keep(result: IStrategyTickResult): void {
    const record = this.record;
    if (result.action === "closed") {
      record.closed.push(result);
      this.marked.add(result);
      this.account.close(result, this.prices, this.storeStartMs, this.candleMs);
    } else if (result.action === "cancelled") {
      record.cancelled.push(result);
      record.scheduleEvents.push(result);
    } else if (
      (result.action === "scheduled" && result.timestamp === result.signal.scheduledAt) ||
      (result.action === "opened" && result.signal.pendingAt > result.signal.scheduledAt)
    ) {
      record.scheduleEvents.push(result);
    }
  }

  /**
   * Visits the frame ticks from `fromFrameIndex` while the strategy is idle, asking getSignal at each new
   * interval boundary, until a result (`found`), a stop or the frame end; returns the frame index reached.
   * A plain async method with few live values, so each await on getSignal's own promise suspends a small
   * frame instead of the whole generator's. It awaits that promise itself, no race per call: the watchdog
   * reports a call pending too long to untilResultWatched, which goes on without this call (`own` is
   * then no longer the generation, and this call returns at once if the promise ever settles).
   */
  async untilResult(fromFrameIndex: number, own: number): Promise<number> {
    const { strategy, store, prices, firstTickMs, stepMs, totalFrames, clock } = this;
    let frameIndex = fromFrameIndex;
    while (frameIndex < totalFrames) {
      if (strategy.stopped) {
        this.stopped = true;
        return frameIndex;
      }
      if (frameIndex >= this.nextProgressAt) {
        reportProgress(this.bus, this.progressOf, frameIndex, totalFrames);
        this.nextProgressAt = frameIndex + this.progressStep;
      }
      const nowMs = firstTickMs + frameIndex * stepMs;
      const index = store.priceIndex(nowMs);
      const price = prices[index] as number;
      if (strategy.mayRequestSignal(nowMs)) {
        // Await only getSignal's own promise (no wrapper): a synchronous getSignal costs no promise, and
        // a null answer goes no further.
        const asked = strategy.callSignal(nowMs);
        let proposed: ISignalDto | null | undefined;
        if (!isPromiseLike(asked)) proposed = asked;
        else {
          this.pendingFrameIndex = frameIndex;
          this.pendingMs = nowMs;
          strategy.watchSignal(this.onSignalTimeout);
          let failure: { error: unknown } | null = null;
          try {
            proposed = await asked;
          } catch (error) {
            failure = { error };
          }
          // Timed out meanwhile: untilResultWatched counted it and went on without this call.
          if (own !== this.generation) return -1;
          strategy.signalSettled();
          if (failure !== null) proposed = strategy.signalFailed(failure.error, nowMs);
        }
        if (proposed !== null && proposed !== undefined) {
          if (clock !== undefined) {
            const waited = clock.arrive(this.clockIndex, eventKey(nowMs, true));
            if (waited !== undefined) await waited;
          }
          const settled = strategy.settleSignal(nowMs, price, proposed);
          const result = settled instanceof Promise ? await settled : settled;
          if (result !== null) {
            this.found = result;
            this.foundIndex = index;
            return frameIndex;
          }
        }
      }
      if (this.perMinute) {
        // Per-minute callbacks: an idle tick every minute (onIdle / onTick).
        await strategy.tick(nowMs, price);
        frameIndex++;
      } else {
        const nextBoundaryMs = strategy.nextBoundaryMs(nowMs);
        frameIndex = Math.max(frameIndex + 1, Math.ceil((nextBoundaryMs - firstTickMs) / stepMs));
      }
    }
    return frameIndex;
  }

  /**
   * untilResult from `fromFrameIndex`, raced (once per call, not per getSignal) against a getSignal
   * TIMEOUT: a timed-out call is counted as a failed getSignal, and the visit goes on from its frame
   * tick (whose interval window is used: the next ask is at the next window).
   */
  async untilResultWatched(fromFrameIndex: number): Promise<number> {
    let from = fromFrameIndex;
    for (;;) {
      const own = ++this.generation;
      const timeout = new Promise<never>((_, reject) => {
        this.failUntilResult = reject;
      });
      try {
        return await Promise.race([this.untilResult(from, own), timeout]);
      } catch (error) {
        const hung = this.timedOut;
        if (hung === null || error !== hung.error) throw error;
        this.timedOut = null;
        // The abandoned call returns at once should it ever settle (its generation is over).
        this.generation++;
        this.strategy.signalTimedOut(error, hung.nowMs);
        from = hung.frameIndex;
      } finally {
        this.failUntilResult = null;
      }
    }
  }

  /**
   * The price index where the signal in progress next changes, after `index`; −1 at the frame end.
   * Without per-minute callbacks the price column is scanned (core scanners: the same minute rules as a
   * tick); with them it is the next minute.
   */
  nextChange(index: number): number {
    const { strategy, endIndex } = this;
    if (this.perMinute) return index + 1 < endIndex ? index + 1 : -1;
    const current = strategy.state;
    const { prices, candleMs, config } = this;
    const nextMs = this.storeStartMs + (index + 1) * candleMs;
    if (current.status === "pending") {
      const scan = scanPendingExit(current.signal, prices, index + 1, endIndex, nextMs, candleMs, config);
      strategy.fold(scan.signal);
      return scan.index;
    }
    if (current.status === "scheduled") {
      return scanScheduledOutcome(current.signal, prices, index + 1, endIndex, nextMs, candleMs, config);
    }
    return -1;
  }

  /** Ticks the strategy at price index `index`, or at the frame end closes it as time_expired (a scheduled one is cancelled). */
  settleAt(index: number, frameEnd: boolean): IStrategyTickResult | Promise<IStrategyTickResult> {
    const atMs = this.storeStartMs + index * this.candleMs;
    const price = this.prices[index] as number;
    return frameEnd ? this.strategy.close(atMs, price, "time_expired") : this.strategy.tick(atMs, price);
  }

  /** The first frame tick after a signal's last result at price index `lastIndex` (one result per tick, as in live). */
  resumeFrameIndex(frameIndex: number, lastIndex: number): number {
    const lastMs = this.storeStartMs + lastIndex * this.candleMs;
    return Math.max(frameIndex + 1, Math.floor((lastMs - this.firstTickMs) / this.stepMs) + 1);
  }

  /** The frame is done: the last progress event, the marked drawdown, listenDoneBacktest. */
  finish(): void {
    const { bus, progressOf } = this;
    reportProgress(bus, progressOf, this.totalFrames, this.totalFrames);
    this.record.markedMaxDrawdownPercent = this.marked.percent();
    if (bus.doneBacktest.observed) {
      bus.doneBacktest.next({
        symbol: progressOf.symbol,
        strategyName: progressOf.strategyName,
        exchangeName: progressOf.exchangeName,
        frameName: progressOf.frameName,
        backtest: true,
        stopped: this.stopped,
      });
    }
  }

  /** The run failed: its record keeps the error, counted as a run problem. */
  fail(error: unknown): void {
    const record = this.record;
    record.error = toError(error);
    countRunProblem(record.problems, "error", "run", record.error.message, this.strategy.lastTimeMs);
  }

  /** The run is over (done, failed or stopped by its consumer): the strategy ends, the store is let go. */
  end(): void {
    const { strategy, running, key, state } = this;
    strategy.end();
    running.delete(strategy);
    if (running.size === 0 && state.running.get(key) === running) state.running.delete(key);
    if (this.ownsLease) this.lease.release();
  }
}

/**
 * Sets a backtest up: resolves its schemas and options, loads (or leases) its store, and makes its
 * record, strategy and loop. A plain async function, so runBacktest's generator holds only the loop.
 * @throws BtError SCHEMA for unknown names, CANDLES / EXCHANGE when the data cannot be loaded.
 */
async function openBacktestLoop(
  state: EngineState,
  symbol: string,
  context: IBacktestContext,
  options: IBacktestOptions,
  internals: IBacktestInternals,
): Promise<BacktestLoop> {
  const run = resolveBacktestRun(state, symbol, context);
  const { strategy: strategySchema, exchange, frame } = run;
  const { warmupMinutes, batchSize, gapPolicy, accountBalance } = resolveBacktestOptions("Backtest", options);
  const config = state.config;
  const startMs = frame.startDate.getTime();
  const endMs = frame.endDate.getTime();
  const costs = pnlCostsOf(config);
  const account = internals.account ?? new RunAccount(accountBalance, 1, startMs, endMs, costs);
  const lease =
    internals.lease ??
    (await state.stores.acquire({
      exchange,
      symbol,
      ...(await planStore(exchange, symbol, frame, warmupMinutes, [strategySchema], config)),
      batchSize,
      gapPolicy,
      logger: state.logger,
    }));
  const store: CandleStore = lease.store;
  // On a coarser base than the frame's interval the run ticks once per base candle.
  const tickInterval = tickIntervalOn(frame.interval, store.interval);
  const stepMs = intervalToMs(tickInterval);
  if (store.interval !== "1m") {
    state.logger.warn(
      `Backtest of ${strategySchema.strategyName} on ${symbol} runs on ${store.interval} candles: exchange "${exchange.exchangeName}" has no finer data. The price at each ${store.interval} step is the close of the candle before it; take profit, stop loss and the position rules are checked once per ${store.interval} candle, on that price`,
      { symbol, strategyName: strategySchema.strategyName, interval: store.interval },
    );
  }
  const firstTickMs = firstFrameTickMs(store, startMs, tickInterval, config);
  const shifted = firstTickMs > alignUp(startMs, tickInterval);
  if (shifted) {
    state.logger.warn(
      `Backtest of ${strategySchema.strategyName} on ${symbol} starts at ${new Date(firstTickMs).toISOString()}, not ${frame.startDate.toISOString()}: the data starts at ${new Date(store.startMs).toISOString()} and the first price needs ${store.priceCandleCount} ${store.interval} candle(s) before it`,
      { symbol, strategyName: strategySchema.strategyName, firstTickMs },
    );
  }
  const method: IMethodContext = Object.freeze({
    strategyName: strategySchema.strategyName,
    exchangeName: exchange.exchangeName,
    frameName: frame.frameName,
  });
  attachRuntime(method, { exchange, store, config, logger: state.logger });
  const key = runKey(symbol, strategySchema.strategyName);
  const record = createBacktestRunRecord({
    symbol,
    strategyName: strategySchema.strategyName,
    exchangeName: exchange.exchangeName,
    frameName: frame.frameName,
    // A run that starts later than its frame (data starting at the frame start) says so in its period.
    periodStartMs: shifted ? firstTickMs : startMs,
    periodEndMs: endMs,
    config,
    account,
    // The warm-up the strategy ran with: the option, else what it declares (the walker's store may hold more).
    settings: {
      warmupMinutes: warmupMinutesOf(warmupMinutes, [strategySchema]),
      gapPolicy,
      accountBalance: account.initialBalance,
      maxOpenPositions: account.maxOpenPositions,
    },
  });
  state.backtestRuns.set(key, record);
  internals.onRecord?.(record);
  const strategy = new ClientStrategy({
    schema: strategySchema,
    symbol,
    exchangeName: exchange.exchangeName,
    backtest: true,
    config,
    method,
    bus: state.bus,
    logger: state.logger,
    risk: run.risk === undefined ? undefined : state.riskClient(run.risk),
    sizing: run.sizing,
    accountBalance,
    account,
    problems: record.problems,
  });
  let running = state.running.get(key);
  if (running === undefined) {
    running = new Set();
    state.running.set(key, running);
  }
  running.add(strategy);
  // What every run's first getSignal would otherwise set up in the per-call code (see each).
  store.prepareInterval(strategySchema.interval);
  strategy.armSignalWatch();
  return new BacktestLoop({
    state,
    strategy,
    store,
    lease,
    ownsLease: internals.lease === undefined,
    record,
    account,
    marked: new MarkedDrawdown(store.prices, store.startMs, costs, store.stepMs),
    running,
    key,
    progressOf: {
      symbol,
      strategyName: strategySchema.strategyName,
      exchangeName: exchange.exchangeName,
      frameName: frame.frameName,
    },
    firstTickMs,
    stepMs,
    totalFrames: Math.max(0, Math.ceil((endMs - firstTickMs) / stepMs)),
    endIndex: store.priceIndex(alignUp(endMs, store.interval)),
    // A portfolio's runs wait at each account event until the other runs are past it (the driver ends
    // the run's part in the clock when it ends).
    clock: internals.portfolio?.clock,
    clockIndex: internals.portfolio?.index ?? 0,
  });
}

/**
 * Runs one strategy on one symbol over a frame; yields opened, scheduled, closed and cancelled results
 * (never idle / active: those only reach per-minute callbacks). Ends with listenDoneBacktest.
 * @throws BtError SCHEMA for unknown names, CANDLES / EXCHANGE when the data cannot be loaded.
 */
export async function* runBacktest(
  state: EngineState,
  symbol: string,
  context: IBacktestContext,
  options: IBacktestOptions = {},
  internals: IBacktestInternals = {},
): AsyncGenerator<IStrategyTickResult, void, undefined> {
  const loop = await openBacktestLoop(state, symbol, context, options, internals);
  const strategy = loop.strategy;
  try {
    let frameIndex = 0;
    for (;;) {
      frameIndex = await loop.untilResultWatched(frameIndex);
      const result = loop.found;
      if (result === null) break;
      loop.found = null;
      strategy.leaveContext();
      loop.keep(result);
      yield result;
      for (const commanded of strategy.takeCommandResults()) {
        loop.keep(commanded);
        yield commanded;
      }
      // The signal to its end, here rather than in a generator of its own: a `yield*` per result cost
      // each result another round of promises. The strategy ticks only where the price column says it
      // changes; results of commands issued from callbacks follow the tick that ran them.
      let index = loop.foundIndex;
      while (strategy.state.status !== "none") {
        const hit = loop.nextChange(index);
        index = hit === -1 ? Math.max(index, loop.endIndex - 1) : hit;
        const clock = loop.clock;
        if (clock !== undefined) {
          const waited = clock.arrive(
            loop.clockIndex,
            eventKey(loop.storeStartMs + index * loop.candleMs, false),
          );
          if (waited !== undefined) await waited;
        }
        const settled = loop.settleAt(index, hit === -1);
        // No await when the strategy settled at once (no callbacks): no promise per change.
        const changed = isPromiseLike(settled) ? await settled : settled;
        strategy.leaveContext();
        if (!loop.perMinute || isNotable(changed)) {
          loop.keep(changed);
          yield changed;
        }
        for (const commanded of strategy.takeCommandResults()) {
          loop.keep(commanded);
          yield commanded;
        }
      }
      frameIndex = loop.resumeFrameIndex(frameIndex, index);
    }
    loop.finish();
  } catch (error) {
    loop.fail(error);
    throw error;
  } finally {
    loop.end();
  }
}
