// The live loop: one tick per tickIntervalMs of the injected clock (aligned to the interval), the
// current price from the exchange's closed 1m candles, the same ClientStrategy and core `transition`
// as backtest, every state change made durable by the LiveCommitter before it is applied and emitted,
// and, before the first tick, the restore of what an earlier process persisted.

import type { IMethodContext } from "@bt/context";
import {
  alignDown,
  assertPersistSpec,
  averagePrice,
  BtError,
  describeValue,
  type IBroker,
  type IPersistAdapter,
  type IStrategyTickResult,
  type ITransition,
  MINUTE_MS,
  NO_SIGNAL,
  type StrategyState,
} from "@bt/core";
import { DEFAULT_ACCOUNT_BALANCE } from "../backtest/backtestRunner";
import { fetchCandlesBefore } from "../run/ambient";
import { type EngineState, runKey } from "../run/engineState";
import { attachRuntime } from "../run/runRuntime";
import { ClientStrategy } from "../strategy/clientStrategy";
import { type ILiveClock, wallClock } from "./liveClock";
import { isBrokerRejection, LiveCommitter } from "./liveCommit";
import { LiveEventLog } from "./liveEventLog";
import { liveKeys, readLiveState } from "./liveRecords";
import { LiveRunHandle } from "./liveRunHandle";
import { createPaperBroker } from "./paperBroker";
import { stopOnProcessSignals } from "./processSignals";

/** Which schemas a live run uses. */
export interface ILiveContext {
  strategyName: string;
  exchangeName: string;
}

/** Options of a live run (all optional, but without `persist` a restart forgets everything). */
export interface ILiveOptions {
  /**
   * Where the open position, the scheduled signal, the tick cursor and the closed history are kept
   * (restored before the first tick). Without it the run is in memory only: a crash or restart forgets
   * open positions (the broker still holds them).
   */
  persist?: IPersistAdapter;
  /** Executes opens and closes; default a paper broker (createPaperBroker) on the run's clock and `persist`. */
  broker?: IBroker;
  /** Time source; default the wall clock. */
  clock?: ILiveClock;
  /** Milliseconds between ticks, positive integer; ticks fall on multiples of it (default 60,000: each minute). */
  tickIntervalMs?: number;
  /** Epoch ms: the run ends (listenDoneLive, stopped false) before the first tick at or after it; default never. */
  stopAt?: number;
  /** Quote-currency balance that sizing profiles size against (default 10,000). */
  accountBalance?: number;
  /** Stop gracefully on SIGINT / SIGTERM (default false for Live.run, true for Live.background). */
  handleProcessSignals?: boolean;
  /** How long a tick waits for the previous minute's 1m candle when the exchange lags, ms (default 10,000). */
  candleWaitMs?: number;
}

/** Default live tick interval, ms. */
export const DEFAULT_TICK_INTERVAL_MS = 60_000;
/** Default wait for a lagging previous-minute candle, ms. */
export const DEFAULT_CANDLE_WAIT_MS = 10_000;
const CANDLE_POLL_MS = 1_000;

function checkOption(name: string, value: number | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new BtError(
      "VALIDATION",
      `Live option ${name} must be a ${integer ? "non-negative integer" : "finite number ≥ 0"}, got ${describeValue(value)}`,
      { field: name, value },
    );
  }
  return value;
}

/**
 * Runs one strategy live on `symbol` until stopped (or `stopAt`); yields scheduled, opened, closed and
 * cancelled results (idle / active ticks reach listenSignalLive and callbacks only). Ends with
 * listenDoneLive.
 * @throws BtError SCHEMA for unknown names, VALIDATION for bad options, STATE when the same
 * (symbol, strategy) already runs live in this engine, PERSIST when the persisted state is unreadable.
 */
export async function* runLive(
  state: EngineState,
  symbol: string,
  context: ILiveContext,
  options: ILiveOptions = {},
): AsyncGenerator<IStrategyTickResult, void, undefined> {
  if (typeof symbol !== "string" || symbol.length === 0) {
    throw new BtError(
      "VALIDATION",
      `Live.run: symbol must be a non-empty string, got ${describeValue(symbol)}`,
      {
        field: "symbol",
        value: symbol,
      },
    );
  }
  const where = `Live.run(${symbol})`;
  const strategySchema = state.strategies.get(context?.strategyName, `${where} strategyName`, "strategyName");
  const exchange = state.exchanges.get(context.exchangeName, `${where} exchangeName`, "exchangeName");
  const strategyRef = `strategy ${describeValue(strategySchema.strategyName)}`;
  const riskSchema =
    strategySchema.riskName === undefined
      ? undefined
      : state.risks.get(strategySchema.riskName, `${strategyRef} riskName`, "riskName");
  const sizingSchema =
    strategySchema.sizingName === undefined
      ? undefined
      : state.sizings.get(strategySchema.sizingName, `${strategyRef} sizingName`, "sizingName");
  const tickIntervalMs = checkOption(
    "tickIntervalMs",
    options.tickIntervalMs,
    DEFAULT_TICK_INTERVAL_MS,
    true,
  );
  if (tickIntervalMs === 0) {
    throw new BtError("VALIDATION", "Live option tickIntervalMs must be a positive integer, got 0", {
      field: "tickIntervalMs",
      value: 0,
    });
  }
  const candleWaitMs = checkOption("candleWaitMs", options.candleWaitMs, DEFAULT_CANDLE_WAIT_MS, false);
  const accountBalance = options.accountBalance ?? DEFAULT_ACCOUNT_BALANCE;
  if (!(accountBalance > 0) || !Number.isFinite(accountBalance)) {
    throw new BtError(
      "VALIDATION",
      `Live option accountBalance must be a positive number, got ${describeValue(accountBalance)}`,
      { field: "accountBalance", value: accountBalance },
    );
  }
  const stopAt = options.stopAt;
  if (stopAt !== undefined && (typeof stopAt !== "number" || !Number.isFinite(stopAt))) {
    throw new BtError(
      "VALIDATION",
      `Live option stopAt must be an epoch ms number, got ${describeValue(stopAt)}`,
      {
        field: "stopAt",
        value: stopAt,
      },
    );
  }
  const persist = options.persist;
  if (persist !== undefined) assertPersistSpec(persist);
  const clock = options.clock ?? wallClock;
  const broker =
    options.broker ?? createPaperBroker({ persist, now: () => clock.now(), config: state.config });
  if (broker.specVersion !== 1) {
    throw new BtError(
      "BROKER",
      `${broker.name}: broker specVersion ${String(broker.specVersion)} is not supported (supported: 1)`,
      { adapter: broker.name, field: "specVersion", value: broker.specVersion },
    );
  }

  const strategyName = strategySchema.strategyName;
  const exchangeName = exchange.exchangeName;
  const key = runKey(symbol, strategyName);
  if (state.liveRuns.has(key)) {
    throw new BtError(
      "STATE",
      `${where}: strategy ${describeValue(strategyName)} already runs live on ${symbol}`,
      {
        field: "strategyName",
        value: strategyName,
      },
    );
  }
  const handle = new LiveRunHandle();
  handle.resume();
  const log = new LiveEventLog();
  const config = state.config;
  const bus = state.bus;
  const logger = state.logger;
  const method: IMethodContext = Object.freeze({ strategyName, exchangeName, frameName: "" });
  attachRuntime(method, { exchange, store: undefined, config, logger });

  // The transition whose commit is in progress, and the one to retry at the next tick.
  let inFlight: ITransition | null = null;
  let retry: ITransition | null = null;
  let lastTickMs = Number.NEGATIVE_INFINITY;
  const keys = liveKeys(symbol, strategyName, exchangeName);
  let strategy: ClientStrategy | undefined;
  const committer = new LiveCommitter({
    persist,
    broker,
    keys,
    signalBoundary: () => strategy?.lastSignalBoundary ?? Number.NEGATIVE_INFINITY,
  });
  strategy = new ClientStrategy({
    schema: strategySchema,
    symbol,
    exchangeName,
    backtest: false,
    config,
    method,
    bus,
    logger,
    risk: riskSchema === undefined ? undefined : state.riskClient(riskSchema),
    sizing: sizingSchema,
    accountBalance,
    commit: async (previous, next) => {
      inFlight = next;
      await committer.commit(previous, next);
      inFlight = null;
    },
  });
  const client = strategy;
  const source = { symbol, strategyName, exchangeName };

  const windowStart = (timeMs: number) => alignDown(timeMs, strategySchema.interval);

  /** Loads what an earlier process persisted into the strategy (no event is emitted for it). */
  const restore = async (adapter: IPersistAdapter) => {
    const saved = await readLiveState(adapter, symbol, strategyName, exchangeName);
    // A kill inside a non-atomic close batch can leave the history record of a position still marked
    // "closing": the close is retried below and counted then, so it must not be counted here too.
    const closingId = saved.position?.phase === "closing" ? saved.position.signal.id : null;
    for (const closed of saved.closed) {
      if (closed.signal.id === closingId) continue;
      client.restoreClosed(closed.pnl.pnlPercentage);
      log.add(closed, true);
    }
    lastTickMs = saved.cursor?.lastTickMs ?? Number.NEGATIVE_INFINITY;
    let boundary = saved.cursor?.lastSignalBoundaryMs ?? Number.NEGATIVE_INFINITY;
    const { position, scheduled } = saved;
    if (position !== null) {
      boundary = Math.max(boundary, windowStart(position.signal.scheduledAt));
      const pending: StrategyState = { status: "pending", signal: position.signal };
      switch (position.phase) {
        case "opening":
          // The broker may have filled it before the crash: re-ask it (same client order id) at the next tick.
          client.restore(
            scheduled?.phase === "scheduled" ? { status: "scheduled", signal: scheduled.signal } : NO_SIGNAL,
            boundary,
          );
          retry = { state: pending, result: position.result, rejection: null };
          break;
        case "open":
          client.restore(pending, boundary);
          committer.openFill = position.openFill;
          lastTickMs = Math.max(lastTickMs, position.result.timestamp);
          log.add(position.result, true);
          break;
        case "closing":
          client.restore(pending, boundary);
          committer.openFill = position.openFill;
          retry = { state: NO_SIGNAL, result: position.result, rejection: null };
          break;
      }
      // A scheduled record beside a committed open position is a leftover of its activation.
      if (scheduled !== null && position.phase !== "opening")
        await adapter.delete("scheduled", keys.position);
      logger.info(
        `Live ${strategyName} on ${symbol}: restored position ${position.signal.id} (${position.phase})`,
      );
    } else if (scheduled !== null) {
      boundary = Math.max(boundary, windowStart(scheduled.signal.scheduledAt));
      client.restore({ status: "scheduled", signal: scheduled.signal }, boundary);
      if (scheduled.phase === "cancelling") {
        retry = { state: NO_SIGNAL, result: scheduled.result, rejection: null };
      } else {
        lastTickMs = Math.max(lastTickMs, scheduled.result.timestamp);
        log.add(scheduled.result, true);
      }
      logger.info(`Live ${strategyName} on ${symbol}: restored scheduled signal ${scheduled.signal.id}`);
    } else {
      client.restore(NO_SIGNAL, boundary);
    }
  };

  /** The tick's price: VWAP of the closed 1m candles before it, waiting a little for a lagging exchange. */
  const currentPrice = async (tickMs: number): Promise<number> => {
    const count = config.CC_AVG_PRICE_CANDLES_COUNT;
    const expectedLastMs = alignDown(tickMs, "1m") - MINUTE_MS;
    let candles = await fetchCandlesBefore(exchange, symbol, "1m", tickMs, count);
    let waitedMs = 0;
    while (
      (candles.at(-1)?.timestamp ?? Number.NEGATIVE_INFINITY) < expectedLastMs &&
      waitedMs < candleWaitMs
    ) {
      if (handle.stopped) break;
      await clock.sleep(CANDLE_POLL_MS, handle.abort.signal);
      waitedMs += CANDLE_POLL_MS;
      candles = await fetchCandlesBefore(exchange, symbol, "1m", tickMs, count);
    }
    if (candles.length === 0) {
      throw new BtError(
        "CANDLES",
        `Live ${strategyName}: no 1m candle of ${symbol} before ${new Date(tickMs).toISOString()} on exchange "${exchangeName}"`,
        { field: "symbol", value: symbol, adapter: exchangeName },
      );
    }
    if ((candles.at(-1)?.timestamp ?? 0) < expectedLastMs) {
      logger.warn(
        `Live ${strategyName}: the 1m candle of ${symbol} at ${new Date(expectedLastMs).toISOString()} is missing; price from older candles`,
        source,
      );
    }
    return averagePrice(candles);
  };

  /** A commit failed: the state is unchanged; keep the transition for the next tick unless refused. */
  const onCommitError = (error: unknown, timestamp: number) => {
    const failed = inFlight;
    inFlight = null;
    if (failed !== null) {
      retry = isBrokerRejection(error) && failed.result.action === "opened" ? null : failed;
    }
    bus.emitError(error, { source: "Live.commit", ...source, timestamp, willRetry: retry !== null });
  };

  const isNotable = (result: IStrategyTickResult, previous: StrategyState) =>
    result.action === "opened" ||
    result.action === "closed" ||
    result.action === "cancelled" ||
    (result.action === "scheduled" && previous.status === "none");

  /** Yields to the consumer; a stop() meanwhile resolves at once (the result is already committed). */
  async function* emit(result: IStrategyTickResult): AsyncGenerator<IStrategyTickResult, void, undefined> {
    handle.pause();
    yield result;
    handle.resume();
  }

  async function* tick(tickMs: number): AsyncGenerator<IStrategyTickResult, void, undefined> {
    if (retry !== null) {
      const pending = retry;
      const previous = client.state;
      try {
        const result = await client.resume(pending);
        retry = null;
        lastTickMs = Math.max(lastTickMs, result.timestamp);
        log.add(result, true);
        if (isNotable(result, previous)) yield* emit(result);
      } catch (error) {
        onCommitError(error, tickMs);
        return;
      }
      if (handle.stopped) return;
    }
    // Already committed by this or an earlier process (a restart inside the same tick).
    if (tickMs <= lastTickMs) return;
    let price: number;
    try {
      price = await currentPrice(tickMs);
    } catch (error) {
      bus.emitError(error, { source: "Live.price", ...source, timestamp: tickMs });
      return;
    }
    const previous = client.state;
    const boundaryBefore = client.lastSignalBoundary;
    let result: IStrategyTickResult | null = null;
    try {
      if (client.mayRequestSignal(tickMs)) result = await client.requestSignal(tickMs, price);
      result ??= await client.tick(tickMs, price);
    } catch (error) {
      onCommitError(error, tickMs);
      return;
    }
    lastTickMs = tickMs;
    if (client.state === previous && client.lastSignalBoundary !== boundaryBefore) {
      // getSignal was asked and nothing changed: remember it, so a restart does not ask again this window.
      try {
        await committer.writeCursor(tickMs);
      } catch (error) {
        bus.emitError(error, { source: "Live.cursor", ...source, timestamp: tickMs });
      }
    }
    log.add(result, isNotable(result, previous));
    if (isNotable(result, previous)) yield* emit(result);
  }

  const alignTick = (timeMs: number) =>
    timeMs - (((timeMs % tickIntervalMs) + tickIntervalMs) % tickIntervalMs);

  state.liveRuns.set(key, handle);
  state.liveEvents.set(key, log);
  const unregisterSignals = options.handleProcessSignals
    ? stopOnProcessSignals(() => handle.stop())
    : undefined;
  try {
    if (persist === undefined) {
      logger.warn(
        `Live ${strategyName} on ${symbol} runs without a persist adapter: a restart forgets open positions`,
        source,
      );
    } else {
      await persist.waitForInit();
      await restore(persist);
    }
    let tickMs = alignTick(clock.now());
    while (!handle.stopped && (stopAt === undefined || tickMs < stopAt)) {
      yield* tick(tickMs);
      const nextMs = tickMs + tickIntervalMs;
      for (;;) {
        const waitMs = nextMs - clock.now();
        if (waitMs <= 0 || handle.stopped) break;
        await clock.sleep(waitMs, handle.abort.signal);
      }
      const nowTickMs = alignTick(clock.now());
      if (nowTickMs > nextMs) {
        logger.warn(
          `Live ${strategyName} on ${symbol}: the clock jumped, ${(nowTickMs - nextMs) / tickIntervalMs} tick(s) skipped`,
          source,
        );
      }
      tickMs = Math.max(nextMs, nowTickMs);
    }
    if (bus.doneLive.observed) {
      bus.doneLive.next({
        symbol,
        strategyName,
        exchangeName,
        frameName: "",
        backtest: false,
        stopped: handle.stopped,
      });
    }
  } finally {
    client.releaseRisk();
    if (state.liveRuns.get(key) === handle) state.liveRuns.delete(key);
    unregisterSignals?.();
    handle.pause();
  }
}
