// The live loop: one tick per tickIntervalMs of the injected clock (aligned to the interval), the
// current price from the exchange's closed 1m candles, the same ClientStrategy and core `transition`
// as backtest, every state change made durable by the LiveCommitter before it is applied and emitted,
// and, before the first tick, the restore of what an earlier process persisted.

import type { IMethodContext } from "@bt/context";
import {
  BtError,
  countRunProblem,
  describeValue,
  type IPersistAdapterV2,
  type IScheduledSignalRow,
  type ISignalRow,
  type IStrategyTickResult,
  type IStrategyTickResultCancelled,
  type ITransition,
  MINUTE_MS,
  type StrategyState,
  transition,
} from "@bt/core";
import { withTimeout } from "../run/callTimeout";
import { type EngineState, runKey } from "../run/engineState";
import { resolveLiveRun } from "../run/resolveRun";
import { attachRuntime } from "../run/runRuntime";
import { ClientStrategy } from "../strategy/clientStrategy";
import { messageOf } from "../strategy/signalPipeline";
import { wallClock } from "./liveClock";
import { isBrokerRejection, LiveCommitter } from "./liveCommit";
import { LiveEventLog } from "./liveEventLog";
import { type IRunIdentity, readPositionRecord, readRunRecords, records, runKeys } from "./liveKeyspace";
import { RunLease, randomHex } from "./liveLease";
import { type ILiveContext, type ILiveOptions, resolveLiveOptions } from "./liveOptions";
import { livePriceLookup } from "./livePrice";
import { type IReconcileParams, reconcilePositionAtStart, runPositionsAtBroker } from "./liveReconcile";
import { restoreLiveRun } from "./liveRestore";
import { LiveRunHandle } from "./liveRunHandle";
import { timedBroker, timedExchange, timedPersist } from "./liveTimeouts";
import { createPaperBroker } from "./paperBroker";
import { persistV2 } from "./persistView";
import { stopOnProcessSignals } from "./processSignals";

/** True for an error that must end the run (the lease lost, the store wiped): never retried. */
function isFatal(error: unknown): boolean {
  return (
    BtError.isInstance(error) &&
    (error.code === "LEASE" || (error.code === "STATE" && error.field === "generation"))
  );
}

/** A pending signal as the scheduled row a "cancelled" result carries. */
function asScheduledRow(signal: ISignalRow): IScheduledSignalRow {
  const { pendingAt: _pendingAt, kind: _kind, ...rest } = signal;
  return { ...rest, kind: "scheduled" };
}

/** Whether the open's take profit or stop loss lies inside the price range seen since its decision. */
function crossed(signal: ISignalRow, low: number, high: number): boolean {
  return signal.position === "long"
    ? high >= signal.priceTakeProfit || low <= signal.priceStopLoss
    : low <= signal.priceTakeProfit || high >= signal.priceStopLoss;
}

/**
 * Runs one strategy live on `symbol` until stopped (or `stopAt`); yields scheduled, opened, closed and
 * cancelled results (idle / active ticks reach listenSignalLive and callbacks only). Ends with
 * listenDoneLive.
 * @throws BtError SCHEMA for unknown names, VALIDATION for bad options, STATE when the same
 * (symbol, strategy) already runs live in this engine or the persisted position cannot be reconciled,
 * LEASE when another process holds the run's lease (or this one loses it), PERSIST when the persisted
 * state is unreadable.
 */
export async function* runLive(
  state: EngineState,
  symbol: string,
  context: ILiveContext,
  options: ILiveOptions = {},
): AsyncGenerator<IStrategyTickResult, void, undefined> {
  const resolved = resolveLiveRun(state, symbol, context);
  const { strategy: strategySchema } = resolved;
  const {
    tickIntervalMs,
    candleWaitMs,
    accountBalance,
    stopAt,
    orderStalenessMs,
    reconcileEveryTicks,
    leaseTtlMs,
    maxFillDeviationPercent,
  } = resolveLiveOptions(options);
  const config = state.config;
  const exchange = timedExchange(resolved.exchange, config.CC_EXCHANGE_TIMEOUT_MS);
  const rawPersist = options.persist === undefined ? undefined : persistV2(options.persist);
  const persist: IPersistAdapterV2 | undefined =
    rawPersist === undefined ? undefined : timedPersist(rawPersist, config.CC_PERSIST_TIMEOUT_MS);
  const clock = options.clock ?? wallClock;
  const givenBroker =
    options.broker ??
    createPaperBroker({ persist: rawPersist, now: () => clock.now(), config: state.config });
  if (givenBroker.specVersion !== 1) {
    throw new BtError(
      "BROKER",
      `${givenBroker.name}: broker specVersion ${String(givenBroker.specVersion)} is not supported (supported: 1)`,
      { adapter: givenBroker.name, field: "specVersion", value: givenBroker.specVersion },
    );
  }
  const broker = timedBroker(givenBroker, config.CC_BROKER_TIMEOUT_MS);

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
  const bus = state.bus;
  const logger = state.logger;
  const method: IMethodContext = Object.freeze({ strategyName, exchangeName, frameName: "" });
  attachRuntime(method, { exchange, store: undefined, config, logger });

  // The transition whose commit is in progress, and the one to retry at the next tick.
  let inFlight: ITransition | null = null;
  let retry: ITransition | null = null;
  /** When the retried transition was first decided, and the price range seen since (staleness). */
  let retryDecidedAt = 0;
  let retryLow = Number.POSITIVE_INFINITY;
  let retryHigh = Number.NEGATIVE_INFINITY;
  let lastTickMs = Number.NEGATIVE_INFINITY;
  const identity: IRunIdentity = { mode: "live", symbol, strategyName, exchangeName };
  const keys = runKeys(identity);
  let strategy: ClientStrategy | undefined;
  let lease: RunLease | undefined;
  /** The error that ends the run at the next step (lease lost, store wiped). */
  let fatal: unknown;
  let generation: string | undefined;
  /** An event was committed and may not be delivered yet (the cursor's outbox holds it). */
  let outboxPending = false;
  const what = `Live ${strategyName} on ${symbol}`;

  /** Throws BtError STATE (field generation) when the store lost the run's generation marker. */
  const checkGeneration = async () => {
    if (persist === undefined || generation === undefined) return;
    const value = await persist.read("cursor", keys.generation);
    const found =
      value !== null && typeof value === "object" && !Array.isArray(value) ? value.generation : undefined;
    if (found !== generation) {
      throw new BtError(
        "STATE",
        `${what}: the store ${persist.name} lost its records (generation ${generation} expected, found ${found === undefined ? "none" : String(found)}); it came back empty or was replaced, so the run stops instead of starting fresh`,
        { field: "generation", value: found ?? null, adapter: persist.name },
      );
    }
  };

  const committer = new LiveCommitter({
    persist,
    broker,
    keys,
    signalBoundary: () => strategy?.lastSignalBoundary ?? Number.NEGATIVE_INFINITY,
    fence: () => lease?.grant,
    beforeCommit: checkGeneration,
    feePercent: config.CC_PERCENT_FEE,
    maxFillDeviationPercent,
    now: () => clock.now(),
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
      const executed = await committer.commit(previous, next);
      inFlight = null;
      if (executed.result.action !== "active" && executed.result.action !== "idle") outboxPending = true;
      return executed;
    },
  });
  const client = strategy;
  const log = new LiveEventLog(config, client.problems);
  const source = { symbol, strategyName, exchangeName };

  /** A finding of reconciliation or validation: an error event, a run problem and a warning. */
  const report = (message: string, sourceName = "Live.reconcile", timestamp = clock.now()) => {
    countRunProblem(client.problems, "error", sourceName, message, timestamp);
    logger.warn(message, source);
    bus.emitError(new BtError("STATE", message, { field: sourceName }), {
      source: sourceName,
      ...source,
      timestamp,
      willRetry: false,
    });
  };
  const reconcileParams = (): IReconcileParams | undefined =>
    persist === undefined
      ? undefined
      : { persist, broker, keys, symbol, strategyName, exchangeName, fence: () => lease?.grant, report };

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
    if (isFatal(error)) {
      fatal = error;
      return;
    }
    if (failed !== null) {
      const dropped = isBrokerRejection(error) && failed.result.action === "opened";
      if (dropped) retry = null;
      else if (retry !== failed) setRetry(failed, timestamp);
    }
    bus.emitError(error, { source: "Live.commit", ...source, timestamp, willRetry: retry !== null });
  };

  const setRetry = (next: ITransition, decidedAt: number) => {
    if (retry === null || retry.result.action !== next.result.action || !sameSignal(retry, next)) {
      retryDecidedAt = Math.min(decidedAt, next.result.timestamp);
      retryLow = Number.POSITIVE_INFINITY;
      retryHigh = Number.NEGATIVE_INFINITY;
    }
    retry = next;
  };
  const sameSignal = (left: ITransition, right: ITransition) =>
    "signal" in left.result && "signal" in right.result && left.result.signal.id === right.result.signal.id;

  /**
   * The retried transition decided again on the current price: an open that waited past
   * orderStalenessMs and whose TP, SL or lifetime was crossed meanwhile is cancelled ("stale"); an open
   * or a close retried at a later tick is sent at the current price (the broker's fill is recorded).
   */
  const redecide = async (pending: ITransition, tickMs: number, price: number): Promise<ITransition> => {
    const result = pending.result;
    if (tickMs <= result.timestamp) return pending;
    retryLow = Math.min(retryLow, price);
    retryHigh = Math.max(retryHigh, price);
    if (result.action === "opened") {
      const signal = result.signal;
      // An order that may have been placed and cannot be looked up is sent again (the same client
      // order id: an idempotent broker answers with its fill), but never cancelled as stale.
      let mayCancel = true;
      if (committer.isUncertain(signal.id, "open")) {
        const known = await committer.orderState(signal, "open");
        if (known !== null && (known.state === "filled" || known.state === "pending")) return pending;
        mayCancel = known !== null;
      }
      const waitedMs = tickMs - retryDecidedAt;
      // Never opened beyond its own exits; past the staleness limit, not when they were crossed meanwhile.
      const stale =
        crossed(signal, price, price) ||
        (waitedMs > orderStalenessMs &&
          (crossed(signal, retryLow, retryHigh) || waitedMs >= signal.minuteEstimatedTime * MINUTE_MS));
      if (mayCancel && stale) {
        const cancelled: IStrategyTickResultCancelled = {
          action: "cancelled",
          signal: asScheduledRow(signal),
          cancelReason: "stale",
          currentPrice: price,
          timestamp: tickMs,
          symbol,
          strategyName,
          exchangeName,
          backtest: false,
        };
        return { state: { status: "none" }, result: cancelled, rejection: null };
      }
      const [first, ...rest] = signal.fills;
      const repriced: ISignalRow = {
        ...signal,
        priceOpen: price,
        pendingAt: tickMs,
        fills: first === undefined ? signal.fills : [{ ...first, price, at: tickMs }, ...rest],
        bestPrice: price,
        worstPrice: price,
      };
      return {
        ...pending,
        state: { status: "pending", signal: repriced },
        result: { ...result, signal: repriced, currentPrice: price, timestamp: tickMs },
      };
    }
    if (result.action === "closed") {
      return {
        ...pending,
        result: {
          ...result,
          currentPrice: price,
          timestamp: tickMs,
          pnl: { ...result.pnl, priceClose: price },
        },
      };
    }
    if (result.action === "updated" && (result.update.kind === "partial" || result.update.kind === "entry")) {
      // The position is open meanwhile: an exit crossed since wins over the retried size change (the
      // broker's close closes whatever it holds).
      const current = client.state;
      if (current.status === "pending") {
        const exit = transition(
          current,
          { type: "tick" },
          { origin: origin(), currentPrice: price, now: tickMs, config },
        );
        if (exit.result.action === "closed") {
          report(
            `${what}: the ${result.update.kind === "partial" ? "partial close" : "added entry"} of ${current.signal.id} decided at ${new Date(result.timestamp).toISOString()} was not confirmed before the position's ${exit.result.closeReason} exit; the exit is sent instead`,
            "Live.change",
            tickMs,
          );
          return exit;
        }
      }
      // Sent at the current price, as a retried open or close (the model's fill stays in the fills).
      return { ...pending, result: { ...result, currentPrice: price, timestamp: tickMs } };
    }
    return pending;
  };
  const origin = () => ({ symbol, strategyName, exchangeName, backtest: false });

  const isNotable = (result: IStrategyTickResult, previous: StrategyState) =>
    result.action === "opened" ||
    result.action === "closed" ||
    result.action === "cancelled" ||
    result.action === "updated" ||
    (result.action === "scheduled" && previous.status === "none");

  /** Yields to the consumer; a stop() meanwhile resolves at once (the result is already committed). */
  async function* emit(result: IStrategyTickResult): AsyncGenerator<IStrategyTickResult, void, undefined> {
    handle.pause();
    yield result;
    handle.resume();
  }

  /** Waits (bounded) for the listeners of the committed events before the outbox is cleared. */
  const deliveredOutbox = async () => {
    if (!outboxPending) return;
    await withTimeout(() => bus.waitForListeners(), 1_000, { what: "listeners" }).catch(() => undefined);
    outboxPending = false;
  };

  /** Reports the fill problems the committer found (an unusable fill never loops silently). */
  const reportFills = (tickMs: number) => {
    const openProblem = committer.openFillProblem;
    if (openProblem !== null && client.state.status === "pending") {
      const willRetry = broker.orderState !== undefined;
      const message = `${what}: broker ${broker.name} reported an unusable open fill for ${openProblem.signalId} (${openProblem.problem}); the position is managed at the price asked${willRetry ? " and the fill is looked up again each tick" : ""}`;
      countRunProblem(client.problems, "error", "Live.fill", message, tickMs);
      bus.emitError(
        new BtError("BROKER", message, { adapter: broker.name, field: "fill", retryable: willRetry }),
        {
          source: "Live.fill",
          ...source,
          timestamp: tickMs,
          willRetry,
        },
      );
      if (!willRetry) committer.openFillProblem = null;
    }
    for (const [problem, sourceName, outcome] of [
      [committer.changeFillProblem, "Live.fill", "an unusable fill, recorded at the model's price"],
      [committer.changeRefused, "Live.change", "the position keeps its size"],
    ] as const) {
      if (problem === null) continue;
      const message = `${what}: broker ${broker.name}: a size change of ${problem.signalId}: ${problem.problem}; ${outcome}`;
      countRunProblem(client.problems, "error", sourceName, message, tickMs);
      bus.emitError(new BtError("BROKER", message, { adapter: broker.name, field: "changePosition" }), {
        source: sourceName,
        ...source,
        timestamp: tickMs,
        willRetry: false,
      });
    }
    committer.changeFillProblem = null;
    committer.changeRefused = null;
    const closeProblem = committer.closeFillProblem;
    if (closeProblem !== null) {
      committer.closeFillProblem = null;
      const message = `${what}: broker ${broker.name} reported an unusable close fill for ${closeProblem.signalId} (${closeProblem.problem}); the close is recorded at the price asked`;
      countRunProblem(client.problems, "error", "Live.fill", message, tickMs);
      bus.emitError(new BtError("BROKER", message, { adapter: broker.name, field: "fill" }), {
        source: "Live.fill",
        ...source,
        timestamp: tickMs,
        willRetry: false,
      });
    }
  };

  /** While the open fill is unusable: ask the broker again; a plausible fill corrects the position. */
  const refreshOpenFill = async () => {
    const current = client.state;
    if (committer.openFillProblem === null || current.status !== "pending") return;
    const corrected = await committer.refreshOpenFill(current.signal);
    if (corrected !== null && client.state === current)
      client.state = { status: "pending", signal: corrected };
  };

  const reportedAtBroker = new Set<string>();
  /** The periodic reconciliation: the generation, the position record, the broker's positions. */
  const reconcileRunning = async (tickMs: number) => {
    const params = reconcileParams();
    if (params === undefined || persist === undefined) return;
    await checkGeneration();
    const current = client.state;
    if (current.status === "pending" && retry === null && inFlight === null) {
      const position = await readPositionRecord(persist, identity);
      if (position.status !== "valid" || position.record.signal.id !== current.signal.id) {
        const opened = committer.openedResult;
        if (opened !== null) {
          report(
            `${what}: the record of open position ${current.signal.id} is ${position.status === "unusable" ? `unusable (${position.problem})` : "missing"}; rewritten from the running state`,
            "Live.reconcile",
            tickMs,
          );
          await persist.write(
            "position",
            keys.run,
            records.open(current.signal, opened, committer.openFill),
            lease?.grant,
          );
        }
      }
    }
    const atBroker = await runPositionsAtBroker(params);
    for (const position of atBroker ?? []) {
      const id = position.signal?.id;
      if (id === undefined || (current.status === "pending" && current.signal.id === id)) continue;
      if (retry !== null && "signal" in retry.result && retry.result.signal.id === id) continue;
      if (reportedAtBroker.has(id)) continue;
      reportedAtBroker.add(id);
      report(
        `${what}: broker ${broker.name} holds position ${id} (order ${position.clientOrderId}) that this run does not manage`,
        "Live.reconcile",
        tickMs,
      );
    }
  };

  async function* tick(tickMs: number): AsyncGenerator<IStrategyTickResult, void, undefined> {
    let price: number | undefined;
    if (retry !== null) {
      const previous = client.state;
      try {
        price = await currentPrice(tickMs);
        const pending = await redecide(retry, tickMs, price);
        if (pending !== retry) {
          inFlight = pending;
          retry = pending;
        }
        const result = await client.resume(pending);
        retry = null;
        // The tick that decided it is done (the fill time may lie after it).
        lastTickMs = Math.max(lastTickMs, pending.result.timestamp);
        log.add(result, true);
        reportFills(tickMs);
        if (isNotable(result, previous)) yield* emit(result);
      } catch (error) {
        if (retry !== null && inFlight === null) inFlight = retry;
        onCommitError(error, tickMs);
        return;
      }
      if (handle.stopped) return;
    }
    // Already committed by this or an earlier process (a restart inside the same tick).
    if (tickMs <= lastTickMs) return;
    try {
      price ??= await currentPrice(tickMs);
    } catch (error) {
      bus.emitError(error, { source: "Live.price", ...source, timestamp: tickMs });
      return;
    }
    try {
      await refreshOpenFill();
    } catch (error) {
      if (isFatal(error)) {
        fatal = error;
        return;
      }
      bus.emitError(error, { source: "Live.fill", ...source, timestamp: tickMs, willRetry: true });
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
    if (inFlight !== null) {
      // A command from a callback whose commit failed (its error reached the callback): retried as any.
      setRetry(inFlight, tickMs);
      inFlight = null;
    }
    const commanded = client.takeCommandResults();
    lastTickMs = tickMs;
    if (client.state === previous && client.lastSignalBoundary !== boundaryBefore) {
      // getSignal was asked and nothing changed: remember it, so a restart does not ask again this window.
      try {
        await deliveredOutbox();
        await committer.writeCursor(tickMs);
      } catch (error) {
        if (isFatal(error)) fatal = error;
        else bus.emitError(error, { source: "Live.cursor", ...source, timestamp: tickMs });
      }
    }
    reportFills(tickMs);
    log.add(result, isNotable(result, previous));
    if (isNotable(result, previous)) yield* emit(result);
    for (const extra of commanded) {
      log.add(extra, true);
      yield* emit(extra);
    }
  }

  const alignTick = (timeMs: number) =>
    timeMs - (((timeMs % tickIntervalMs) + tickIntervalMs) % tickIntervalMs);

  /** Writes the generation marker of a store met for the first time (or of a store from before markers). */
  const establishGeneration = async (store: IPersistAdapterV2, found: string | undefined) => {
    if (found !== undefined) {
      generation = found;
      return;
    }
    const fresh = randomHex(8);
    await store.write("cursor", keys.generation, records.generation(fresh, clock.now()), lease?.grant);
    generation = fresh;
  };

  state.liveRuns.set(key, handle);
  state.liveEvents.set(key, log);
  const unregisterSignals = options.handleProcessSignals
    ? stopOnProcessSignals(() => handle.stop())
    : undefined;
  let ticks = 0;
  try {
    if (persist === undefined) {
      logger.warn(
        `Live ${strategyName} on ${symbol} runs without a persist adapter: a restart forgets open positions`,
        source,
      );
    } else {
      await persist.waitForInit();
      lease = await RunLease.take({
        store: persist,
        key: keys.run,
        ttlMs: leaseTtlMs,
        logger,
        what,
        source,
        stopped: () => handle.stopped,
        onLost: (error) => {
          fatal ??= error;
          void handle.stop();
        },
        onRenewError: (error) => bus.emitError(error, { source: "Live.lease", ...source, willRetry: true }),
      });
      const read = await readRunRecords(persist, identity);
      // A quarantined history record is gone from the store: leave a stand-in, so that every later
      // start still shows the missing trade.
      for (const closedKey of read.quarantinedClosed) {
        const problem = read.missing.find((entry) => entry.key === closedKey)?.problem ?? "quarantined";
        await persist.write("closed", closedKey, records.missingClosed(problem), lease.grant);
      }
      if (read.generation.status === "unusable") {
        throw new BtError(
          "STATE",
          `${what}: the generation record ${keys.generation} of store ${persist.name} is unusable (${read.generation.problem}); inspect the store before restarting`,
          { field: "generation", value: read.generation.problem, adapter: persist.name },
        );
      }
      await establishGeneration(
        persist,
        read.generation.status === "valid" ? read.generation.record.generation : undefined,
      );
      for (const missing of read.missing) {
        report(
          `${what}: closed trade record ${missing.entity}/${missing.key} is missing from the history (${missing.problem})`,
          "Live.history",
        );
      }
      const params = reconcileParams() as IReconcileParams;
      const closedIds = new Set(read.closed.map((closed) => closed.signal.id));
      const position = await reconcilePositionAtStart(params, read.position, closedIds);
      const restored = await restoreLiveRun(
        persist,
        identity,
        strategySchema.interval,
        client,
        log,
        logger,
        read,
        position,
        lease?.grant,
      );
      lastTickMs = restored.lastTickMs;
      if (restored.retry !== null) {
        setRetry(restored.retry, restored.retry.result.timestamp);
        const result = restored.retry.result;
        if (result.action === "opened") committer.markUncertain(result.signal.id, "open");
        if (result.action === "closed") committer.markUncertain(result.signal.id, "close");
        if (
          result.action === "updated" &&
          (result.update.kind === "partial" || result.update.kind === "entry")
        ) {
          const index = result.signal.fills.length - 1;
          committer.markUncertain(result.signal.id, {
            kind: result.update.kind === "entry" ? "add" : "reduce",
            index,
          });
        }
      }
      committer.openFill = restored.openFill;
      committer.openedResult = restored.openedResult;
      if (restored.outbox !== null) {
        // At least once: the last committed event may not have reached every consumer before the crash.
        outboxPending = true;
        bus.emitSignal(restored.outbox.result);
        yield* emit(restored.outbox.result);
      }
    }
    let tickMs = alignTick(clock.now());
    while (!handle.stopped && (stopAt === undefined || tickMs < stopAt)) {
      if (fatal !== undefined) throw fatal;
      if (reconcileEveryTicks > 0 && ticks > 0 && ticks % reconcileEveryTicks === 0) {
        try {
          await reconcileRunning(tickMs);
        } catch (error) {
          if (isFatal(error)) throw error;
          bus.emitError(error, { source: "Live.reconcile", ...source, timestamp: tickMs, willRetry: true });
        }
      }
      ticks++;
      yield* tick(tickMs);
      if (fatal !== undefined) throw fatal;
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
    if (fatal !== undefined) throw fatal;
    // A graceful end: the committed events were delivered, so a restart must not deliver them again.
    if (outboxPending && retry === null && Number.isFinite(lastTickMs)) {
      try {
        await deliveredOutbox();
        await committer.writeCursor(lastTickMs);
      } catch (error) {
        bus.emitError(error, { source: "Live.cursor", ...source, timestamp: lastTickMs });
      }
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
  } catch (error) {
    if (isFatal(error)) {
      countRunProblem(client.problems, "error", "Live", messageOf(error), clock.now());
      bus.emitError(error, { source: "Live", ...source, willRetry: false });
    }
    throw error;
  } finally {
    unregisterSignals?.();
    client.end();
    // A lease lost to another process is left to it; otherwise it is given up for the next start.
    const keepLost = BtError.isInstance(fatal) && fatal.code === "LEASE";
    await lease?.end(!keepLost).catch((error: unknown) => {
      bus.emitError(error, { source: "Live.lease", ...source });
    });
    if (state.liveRuns.get(key) === handle) state.liveRuns.delete(key);
    handle.pause();
  }
}
