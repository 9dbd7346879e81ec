// The live loop: one tick per tickIntervalMs of the injected clock (aligned to the interval), the
// current price from the exchange's closed 1m candles, the same ClientStrategy and core `transition`
// as backtest, every state change made durable by the LiveCommitter before it is applied and emitted,
// and, before the first tick, the restore of what an earlier process persisted.

import type { IMethodContext } from "@bt/context";
import {
  BtError,
  describeValue,
  type IStrategyTickResult,
  type ITransition,
  type StrategyState,
} from "@bt/core";
import { type EngineState, runKey } from "../run/engineState";
import { resolveLiveRun } from "../run/resolveRun";
import { attachRuntime } from "../run/runRuntime";
import { ClientStrategy } from "../strategy/clientStrategy";
import { wallClock } from "./liveClock";
import { isBrokerRejection, LiveCommitter } from "./liveCommit";
import { LiveEventLog } from "./liveEventLog";
import { type IRunIdentity, runKeys } from "./liveKeyspace";
import { type ILiveContext, type ILiveOptions, resolveLiveOptions } from "./liveOptions";
import { livePriceLookup } from "./livePrice";
import { restoreLiveRun } from "./liveRestore";
import { LiveRunHandle } from "./liveRunHandle";
import { createPaperBroker } from "./paperBroker";
import { persistV2 } from "./persistView";
import { stopOnProcessSignals } from "./processSignals";

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
  const resolved = resolveLiveRun(state, symbol, context);
  const { strategy: strategySchema, exchange } = resolved;
  const { tickIntervalMs, candleWaitMs, accountBalance, stopAt } = resolveLiveOptions(options);
  const persist = options.persist === undefined ? undefined : persistV2(options.persist);
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
      `Live.run(${symbol}): strategy ${describeValue(strategyName)} already runs live on ${symbol}`,
      {
        field: "strategyName",
        value: strategyName,
      },
    );
  }
  const handle = new LiveRunHandle();
  handle.resume();
  const config = state.config;
  const bus = state.bus;
  const logger = state.logger;
  const method: IMethodContext = Object.freeze({ strategyName, exchangeName, frameName: "" });
  attachRuntime(method, { exchange, store: undefined, config, logger });

  // The transition whose commit is in progress, and the one to retry at the next tick.
  let inFlight: ITransition | null = null;
  let retry: ITransition | null = null;
  let lastTickMs = Number.NEGATIVE_INFINITY;
  const identity: IRunIdentity = { mode: "live", symbol, strategyName, exchangeName };
  const keys = runKeys(identity);
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
    risk: resolved.risk === undefined ? undefined : state.riskClient(resolved.risk),
    sizing: resolved.sizing,
    accountBalance,
    commit: async (previous, next) => {
      inFlight = next;
      await committer.commit(previous, next);
      inFlight = null;
    },
  });
  const client = strategy;
  const log = new LiveEventLog(config, client.problems);
  const source = { symbol, strategyName, exchangeName };

  const currentPrice = livePriceLookup({
    exchange,
    symbol,
    strategyName,
    config,
    clock,
    handle,
    candleWaitMs,
    logger,
  });

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
      const restored = await restoreLiveRun(persist, identity, strategySchema.interval, client, log, logger);
      lastTickMs = restored.lastTickMs;
      retry = restored.retry;
      committer.openFill = restored.openFill;
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
