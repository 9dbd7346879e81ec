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

/** What followSignal reads of its run (one object per run). */
interface IFollowedRun {
  strategy: ClientStrategy;
  /** The strategy has per-minute callbacks: it ticks every minute instead of at scan hits. */
  perMinute: boolean;
  prices: Float64Array;
  storeStartMs: number;
  candleMs: number;
  /** Exclusive bound of the frame's price indices. */
  endIndex: number;
  config: IGlobalConfig;
  clock: PortfolioClock | undefined;
  clockIndex: number;
  /** Records a result in the run's record and account. */
  keep: (result: IStrategyTickResult) => void;
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

/**
 * Drives a just-scheduled or just-opened signal to its end; returns the index of the last result.
 * Without per-minute callbacks the price column is scanned (core scanners: the same minute rules as a
 * tick) and the strategy ticks only at each hit; with them it ticks every minute. Results of commands
 * issued from callbacks follow the tick that ran them. A module-level generator, not a closure per run:
 * each generator function has its own object map, so a closure per run would make runBacktest's
 * `yield*` meet a new map in every run of a walker or sweep (and deoptimise).
 */
async function* followSignal(
  run: IFollowedRun,
  fromIndex: number,
): AsyncGenerator<IStrategyTickResult, number, undefined> {
  const { strategy, perMinute, prices, storeStartMs, candleMs, endIndex, config, clock, clockIndex, keep } =
    run;
  let index = fromIndex;
  while (strategy.state.status !== "none") {
    const current = strategy.state;
    const nextMs = storeStartMs + (index + 1) * candleMs;
    let hit = -1;
    if (perMinute) {
      hit = index + 1 < endIndex ? index + 1 : -1;
    } else if (current.status === "pending") {
      const scan = scanPendingExit(current.signal, prices, index + 1, endIndex, nextMs, candleMs, config);
      strategy.fold(scan.signal);
      hit = scan.index;
    } else {
      hit = scanScheduledOutcome(current.signal, prices, index + 1, endIndex, nextMs, candleMs, config);
    }
    let settled: IStrategyTickResult | Promise<IStrategyTickResult>;
    if (clock !== undefined) {
      const eventMs = storeStartMs + (hit === -1 ? Math.max(index, endIndex - 1) : hit) * candleMs;
      const waited = clock.arrive(clockIndex, eventKey(eventMs, false));
      if (waited !== undefined) await waited;
    }
    if (hit === -1) {
      // Frame end: close as time_expired (or cancel as timeout) at the last minute of the frame.
      index = Math.max(index, endIndex - 1);
      settled = strategy.close(storeStartMs + index * candleMs, prices[index] as number, "time_expired");
    } else {
      index = hit;
      settled = strategy.tick(storeStartMs + index * candleMs, prices[index] as number);
    }
    // No await when the strategy settled at once (no callbacks): no promise per change.
    const result = isPromiseLike(settled) ? await settled : settled;
    strategy.leaveContext();
    if (!perMinute || isNotable(result)) {
      keep(result);
      yield result;
    }
    for (const commanded of strategy.takeCommandResults()) {
      keep(commanded);
      yield commanded;
    }
  }
  return index;
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
  const run = resolveBacktestRun(state, symbol, context);
  const { strategy: strategySchema, exchange, frame } = run;
  const { warmupMinutes, batchSize, gapPolicy, accountBalance } = resolveBacktestOptions("Backtest", options);
  const config = state.config;
  const startMs = frame.startDate.getTime();
  const endMs = frame.endDate.getTime();
  const costs = pnlCostsOf(config);
  const account = internals.account ?? new RunAccount(accountBalance, 1, startMs, endMs, costs);
  // A portfolio's runs wait at each account event until the other runs are past it (the driver ends
  // the run's part in the clock when it ends).
  const clock = internals.portfolio?.clock;
  const clockIndex = internals.portfolio?.index ?? 0;
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
  const totalFrames = Math.max(0, Math.ceil((endMs - firstTickMs) / stepMs));
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

  const bus = state.bus;
  const prices = store.prices;
  const storeStartMs = store.startMs;
  // Minute times t < endMs are in the frame; endIndex is the exclusive bound of their price indices.
  const candleMs = store.stepMs;
  const endIndex = store.priceIndex(alignUp(endMs, store.interval));
  const perMinute = strategy.hasPerMinuteCallbacks;
  let progressStep = Math.max(1, Math.floor(totalFrames / 100));
  let nextProgressAt = progressStep;
  // Each close is marked to market over the minutes it was open, on the price column it was scanned on.
  const marked = new MarkedDrawdown(prices, storeStartMs, costs, candleMs);
  const keep = (result: IStrategyTickResult) => {
    if (result.action === "closed") {
      record.closed.push(result);
      marked.add(result);
      account.close(result, prices, storeStartMs, candleMs);
    } else if (result.action === "cancelled") {
      record.cancelled.push(result);
      record.scheduleEvents.push(result);
    } else if (
      (result.action === "scheduled" && result.timestamp === result.signal.scheduledAt) ||
      (result.action === "opened" && result.signal.pendingAt > result.signal.scheduledAt)
    ) {
      record.scheduleEvents.push(result);
    }
  };

  // Built once per run, always with these fields in this order: every run's object has one map.
  const followed: IFollowedRun = {
    strategy,
    perMinute,
    prices,
    storeStartMs,
    candleMs,
    endIndex,
    config,
    clock,
    clockIndex,
    keep,
  };

  const progressOf: IProgressSubject = {
    symbol,
    strategyName: strategySchema.strategyName,
    exchangeName: exchange.exchangeName,
    frameName: frame.frameName,
  };

  let stopped = false;
  /** The result untilResult stopped at (null: the frame ended or the run was stopped) and its price index. */
  let found: IStrategyTickResult | null = null;
  let foundIndex = 0;

  /** Generation of the untilResult call in charge: one that timed out is left behind and does nothing more. */
  let generation = 0;
  /** The getSignal call that timed out (its frame index and time), set with the TIMEOUT. */
  let timedOut: { error: unknown; frameIndex: number; nowMs: number } | null = null;
  /** Fails the untilResult call in charge with a getSignal TIMEOUT (see untilResultWatched). */
  let failUntilResult: ((error: unknown) => void) | null = null;
  /** The frame index and time of the getSignal call being awaited. */
  let pendingFrameIndex = 0;
  let pendingMs = 0;
  /** The watchdog's report of a getSignal call pending too long (one function per run, not per call). */
  const onSignalTimeout = (error: unknown) => {
    timedOut = { error, frameIndex: pendingFrameIndex, nowMs: pendingMs };
    failUntilResult?.(error);
  };

  /**
   * Visits the frame ticks from `fromFrameIndex` while the strategy is idle, asking getSignal at each new
   * interval boundary, until a result (`found`), a stop or the frame end; returns the frame index reached.
   * A plain async function with few live values, so each await on getSignal's own promise suspends a
   * small frame instead of the whole generator's. It awaits that promise itself, no race per call: the
   * watchdog reports a call pending too long to untilResultWatched, which goes on without this call
   * (`own` is then no longer the generation, and this call returns at once if the promise ever settles).
   */
  async function untilResult(fromFrameIndex: number, own: number): Promise<number> {
    let frameIndex = fromFrameIndex;
    while (frameIndex < totalFrames) {
      if (strategy.stopped) {
        stopped = true;
        return frameIndex;
      }
      if (frameIndex >= nextProgressAt) {
        reportProgress(bus, progressOf, frameIndex, totalFrames);
        nextProgressAt = frameIndex + progressStep;
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
          pendingFrameIndex = frameIndex;
          pendingMs = nowMs;
          strategy.watchSignal(onSignalTimeout);
          let failure: { error: unknown } | null = null;
          try {
            proposed = await asked;
          } catch (error) {
            failure = { error };
          }
          // Timed out meanwhile: untilResultWatched counted it and went on without this call.
          if (own !== generation) return -1;
          strategy.signalSettled();
          if (failure !== null) proposed = strategy.signalFailed(failure.error, nowMs);
        }
        if (proposed !== null && proposed !== undefined) {
          if (clock !== undefined) {
            const waited = clock.arrive(clockIndex, eventKey(nowMs, true));
            if (waited !== undefined) await waited;
          }
          const settled = strategy.settleSignal(nowMs, price, proposed);
          const result = settled instanceof Promise ? await settled : settled;
          if (result !== null) {
            found = result;
            foundIndex = index;
            return frameIndex;
          }
        }
      }
      if (perMinute) {
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
  async function untilResultWatched(fromFrameIndex: number): Promise<number> {
    let from = fromFrameIndex;
    for (;;) {
      const own = ++generation;
      const timeout = new Promise<never>((_, reject) => {
        failUntilResult = reject;
      });
      try {
        return await Promise.race([untilResult(from, own), timeout]);
      } catch (error) {
        const hung = timedOut as { error: unknown; frameIndex: number; nowMs: number } | null;
        if (hung === null || error !== hung.error) throw error;
        timedOut = null;
        // The abandoned call returns at once should it ever settle (its generation is over).
        generation++;
        strategy.signalTimedOut(error, hung.nowMs);
        from = hung.frameIndex;
      } finally {
        failUntilResult = null;
      }
    }
  }

  try {
    let frameIndex = 0;
    for (;;) {
      frameIndex = await untilResultWatched(frameIndex);
      const result = found as IStrategyTickResult | null;
      if (result === null) break;
      found = null;
      strategy.leaveContext();
      keep(result);
      yield result;
      for (const commanded of strategy.takeCommandResults()) {
        keep(commanded);
        yield commanded;
      }
      const lastIndex = yield* followSignal(followed, foundIndex);
      // Resume at the first frame tick after the last result (one result per tick, as in live).
      const lastMs = storeStartMs + lastIndex * candleMs;
      frameIndex = Math.max(frameIndex + 1, Math.floor((lastMs - firstTickMs) / stepMs) + 1);
    }
    reportProgress(bus, progressOf, totalFrames, totalFrames);
    progressStep = 0;
    record.markedMaxDrawdownPercent = marked.percent();
    if (bus.doneBacktest.observed) {
      bus.doneBacktest.next({
        symbol,
        strategyName: strategySchema.strategyName,
        exchangeName: exchange.exchangeName,
        frameName: frame.frameName,
        backtest: true,
        stopped,
      });
    }
  } catch (error) {
    record.error = toError(error);
    countRunProblem(record.problems, "error", "run", record.error.message, strategy.lastTimeMs);
    throw error;
  } finally {
    strategy.end();
    running.delete(strategy);
    if (running.size === 0 && state.running.get(key) === running) state.running.delete(key);
    if (internals.lease === undefined) lease.release();
  }
}
