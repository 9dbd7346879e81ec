// The backtest loop. Frame timestamps are visited in order; while idle the loop jumps straight to the
// next strategy-interval boundary (no per-minute work unless per-minute callbacks exist). Once a
// signal is scheduled or open, the 1m price column is scanned synchronously with the core predicates
// (scanScheduledOutcome / scanPendingExit) and `transition` is called once at the hit: the same rules
// as a minute-by-minute tick, by construction, with no await and no allocation per minute.

import type { IMethodContext } from "@bt/context";
import {
  alignUp,
  BtError,
  describeValue,
  type IStrategyTickResult,
  type IStrategyTickResultClosed,
  intervalToMs,
  MINUTE_MS,
  scanPendingExit,
  scanScheduledOutcome,
} from "@bt/core";
import type { GapPolicy } from "../candles/candleLoader";
import type { CandleStore } from "../candles/candleStore";
import type { IStoreLease } from "../candles/storeCache";
import { type EngineState, runKey } from "../run/engineState";
import { attachRuntime } from "../run/runRuntime";
import { ClientStrategy } from "../strategy/clientStrategy";

/** Which schemas a backtest runs. */
export interface IBacktestContext {
  strategyName: string;
  exchangeName: string;
  frameName: string;
}

/** Options of a backtest (all optional). */
export interface IBacktestOptions {
  /**
   * Minutes of 1m candles loaded before the frame start for getCandles look-backs (default 2880 = 2
   * days). A strategy asking for more still works: the extra candles are fetched from the exchange.
   */
  warmupMinutes?: number;
  /** Candles per exchange getCandles call while preloading (default 10,000). */
  batchSize?: number;
  /** Missing 1m candles: "error" (default, BtError CANDLES) or "fill" (flat zero-volume candles, logged). */
  gapPolicy?: GapPolicy;
  /** Account balance in quote currency used by sizing profiles (default 10,000). */
  accountBalance?: number;
}

/** Default warm-up before the frame, in minutes. */
export const DEFAULT_WARMUP_MINUTES = 2880;
/** Default candles per exchange call while preloading. */
export const DEFAULT_BATCH_SIZE = 10_000;
/** Default account balance for sizing, in quote currency. */
export const DEFAULT_ACCOUNT_BALANCE = 10_000;

/** Internal extras used by the walker: a store already loaded for the whole walker. */
export interface IBacktestInternals {
  lease?: IStoreLease;
  /** Called with every closed result (the walker collects them). */
  onClosed?: (result: IStrategyTickResultClosed) => void;
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new BtError(
      "VALIDATION",
      `Backtest option ${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${describeValue(value)}`,
      {
        field: name,
        value,
      },
    );
  }
  return value;
}

/** The store window a frame needs: [fromMs, toMs) of 1m candles, data required from requiredFromMs. */
export function storeWindow(
  startMs: number,
  endMs: number,
  firstTickMs: number,
  warmupMinutes: number,
  priceCandleCount: number,
): { fromMs: number; toMs: number; requiredFromMs: number } {
  const firstMinuteMs = Math.min(firstTickMs, alignUp(startMs, "1m"));
  const requiredFromMs = firstMinuteMs - priceCandleCount * MINUTE_MS;
  const fromMs = firstMinuteMs - Math.max(warmupMinutes, priceCandleCount) * MINUTE_MS;
  return { fromMs, toMs: alignUp(endMs, "1m"), requiredFromMs };
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
  if (typeof symbol !== "string" || symbol.length === 0) {
    throw new BtError(
      "VALIDATION",
      `Backtest.run: symbol must be a non-empty string, got ${describeValue(symbol)}`,
      {
        field: "symbol",
        value: symbol,
      },
    );
  }
  const where = `Backtest.run(${symbol})`;
  const strategySchema = state.strategies.get(context?.strategyName, `${where} strategyName`, "strategyName");
  const exchange = state.exchanges.get(context.exchangeName, `${where} exchangeName`, "exchangeName");
  const frame = state.frames.get(context.frameName, `${where} frameName`, "frameName");
  const strategyRef = `strategy ${describeValue(strategySchema.strategyName)}`;
  const riskSchema =
    strategySchema.riskName === undefined
      ? undefined
      : state.risks.get(strategySchema.riskName, `${strategyRef} riskName`, "riskName");
  const sizingSchema =
    strategySchema.sizingName === undefined
      ? undefined
      : state.sizings.get(strategySchema.sizingName, `${strategyRef} sizingName`, "sizingName");
  const warmupMinutes = positiveInteger("warmupMinutes", options.warmupMinutes, DEFAULT_WARMUP_MINUTES, true);
  const batchSize = positiveInteger("batchSize", options.batchSize, DEFAULT_BATCH_SIZE);
  const accountBalance = options.accountBalance ?? DEFAULT_ACCOUNT_BALANCE;
  if (!(accountBalance > 0) || !Number.isFinite(accountBalance)) {
    throw new BtError(
      "VALIDATION",
      `Backtest option accountBalance must be a positive number, got ${describeValue(accountBalance)}`,
      {
        field: "accountBalance",
        value: accountBalance,
      },
    );
  }
  const config = state.config;
  const startMs = frame.startDate.getTime();
  const endMs = frame.endDate.getTime();
  const stepMs = intervalToMs(frame.interval);
  const firstTickMs = alignUp(startMs, frame.interval);
  const totalFrames = Math.max(0, Math.ceil((endMs - firstTickMs) / stepMs));
  const window = storeWindow(startMs, endMs, firstTickMs, warmupMinutes, config.CC_AVG_PRICE_CANDLES_COUNT);

  const lease =
    internals.lease ??
    (await state.stores.acquire({
      exchange,
      symbol,
      ...window,
      batchSize,
      gapPolicy: options.gapPolicy ?? "error",
      priceCandleCount: config.CC_AVG_PRICE_CANDLES_COUNT,
      logger: state.logger,
    }));
  const store: CandleStore = lease.store;
  const method: IMethodContext = Object.freeze({
    strategyName: strategySchema.strategyName,
    exchangeName: exchange.exchangeName,
    frameName: frame.frameName,
  });
  attachRuntime(method, { exchange, store, config, logger: state.logger });
  const strategy = new ClientStrategy({
    schema: strategySchema,
    symbol,
    exchangeName: exchange.exchangeName,
    backtest: true,
    config,
    method,
    bus: state.bus,
    logger: state.logger,
    risk: riskSchema === undefined ? undefined : state.riskClient(riskSchema),
    sizing: sizingSchema,
    accountBalance,
  });
  const key = runKey(symbol, strategySchema.strategyName);
  const closed: IStrategyTickResultClosed[] = [];
  if (internals.lease === undefined) {
    state.backtestClosed.set(key, closed);
    state.backtestPeriods.set(key, { periodStartMs: startMs, periodEndMs: endMs });
  }
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
  const endIndex = store.priceIndex(alignUp(endMs, "1m"));
  const timeOf = (index: number) => storeStartMs + index * MINUTE_MS;
  const perMinute = strategy.hasPerMinuteCallbacks;
  let progressStep = Math.max(1, Math.floor(totalFrames / 100));
  let nextProgressAt = progressStep;
  const record = (result: IStrategyTickResult) => {
    if (result.action === "closed") {
      closed.push(result);
      internals.onClosed?.(result);
    }
  };

  /** Drives a just-scheduled or just-opened signal to its end; returns the index of the last result. */
  async function* follow(fromIndex: number): AsyncGenerator<IStrategyTickResult, number, undefined> {
    let index = fromIndex;
    while (strategy.state.status !== "none") {
      const current = strategy.state;
      let hit = -1;
      if (perMinute) {
        // Per-minute callbacks: step one minute at a time through tick(), the same predicates.
        for (let minute = index + 1; minute < endIndex; minute++) {
          const found =
            current.status === "pending"
              ? scanPendingExit(current.signal, prices, minute, minute + 1, timeOf(minute), MINUTE_MS)
              : scanScheduledOutcome(
                  current.signal,
                  prices,
                  minute,
                  minute + 1,
                  timeOf(minute),
                  MINUTE_MS,
                  config,
                );
          if (found !== -1) {
            hit = found;
            break;
          }
          await strategy.tick(timeOf(minute), prices[minute] as number);
        }
      } else if (current.status === "pending") {
        hit = scanPendingExit(current.signal, prices, index + 1, endIndex, timeOf(index + 1), MINUTE_MS);
      } else {
        hit = scanScheduledOutcome(
          current.signal,
          prices,
          index + 1,
          endIndex,
          timeOf(index + 1),
          MINUTE_MS,
          config,
        );
      }
      let result: IStrategyTickResult;
      if (hit === -1) {
        // Frame end: close as time_expired (or cancel as timeout) at the last minute of the frame.
        index = Math.max(index, endIndex - 1);
        result = await strategy.close(timeOf(index), prices[index] as number, "time_expired");
      } else {
        index = hit;
        result = await strategy.tick(timeOf(index), prices[index] as number);
      }
      record(result);
      yield result;
    }
    return index;
  }

  let stopped = false;
  try {
    let frameIndex = 0;
    while (frameIndex < totalFrames) {
      if (strategy.stopped) {
        stopped = true;
        break;
      }
      if (frameIndex >= nextProgressAt && bus.progress.observed) {
        bus.progress.next({
          symbol,
          strategyName: strategySchema.strategyName,
          exchangeName: exchange.exchangeName,
          frameName: frame.frameName,
          processedFrames: frameIndex,
          totalFrames,
          progress: frameIndex / totalFrames,
        });
        nextProgressAt = frameIndex + progressStep;
      }
      const nowMs = firstTickMs + frameIndex * stepMs;
      const index = store.priceIndex(nowMs);
      const price = prices[index] as number;
      if (strategy.mayRequestSignal(nowMs)) {
        const result = await strategy.requestSignal(nowMs, price);
        if (result !== null) {
          yield result;
          const lastIndex = yield* follow(index);
          // Resume at the first frame tick after the last result (one result per tick, as in live).
          const lastMs = timeOf(lastIndex);
          frameIndex = Math.max(frameIndex + 1, Math.floor((lastMs - firstTickMs) / stepMs) + 1);
          continue;
        }
      }
      if (perMinute) {
        await strategy.idle(nowMs, price);
        frameIndex++;
      } else {
        const nextBoundaryMs = strategy.nextBoundaryMs(nowMs);
        frameIndex = Math.max(frameIndex + 1, Math.ceil((nextBoundaryMs - firstTickMs) / stepMs));
      }
    }
    if (bus.progress.observed) {
      bus.progress.next({
        symbol,
        strategyName: strategySchema.strategyName,
        exchangeName: exchange.exchangeName,
        frameName: frame.frameName,
        processedFrames: totalFrames,
        totalFrames,
        progress: 1,
      });
    }
    progressStep = 0;
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
  } finally {
    strategy.releaseRisk();
    running.delete(strategy);
    if (running.size === 0 && state.running.get(key) === running) state.running.delete(key);
    if (internals.lease === undefined) lease.release();
  }
}
