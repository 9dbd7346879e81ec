// createEngine(): one independent engine instance (registries, event bus, caches) with the public API
// bound to it. The package's module-level functions are those of a default instance (index.ts).

import type {
  IExchangeSchema,
  IFrameSchema,
  ILogger,
  IRiskSchema,
  ISizingSchema,
  IStrategySchema,
  IStrategyTickResult,
  IStrategyTickResultClosed,
  IWalkerSchema,
} from "@bt/core";
import { BtError, describeValue } from "@bt/core";
import { computeStatistics, type IStatistics } from "@bt/report-markdown";
import type { Subject } from "rxjs";
import { type IBacktestContext, type IBacktestOptions, runBacktest } from "./backtestRunner";
import { EngineState, runKey } from "./engineState";
import type { Listener, Unsubscribe } from "./eventBus";
import type {
  IDoneEvent,
  IProgressEvent,
  IRiskEvent,
  IValidationEvent,
  IWalkerProgressEvent,
  IWalkerResult,
} from "./events";
import { type IWalkerContext, runWalker } from "./walkerRunner";

/** What Backtest.getData returns: the closed signals of the latest run and their statistics. */
export interface IBacktestData {
  symbol: string;
  strategyName: string;
  closed: IStrategyTickResultClosed[];
  stats: IStatistics;
}

/** A listen function and its Once variant. */
type ListenFn<T> = (fn: Listener<T>) => Unsubscribe;
type ListenOnceFn<T> = (filter: (event: T) => boolean, fn: Listener<T>) => Unsubscribe;

/** Creates an independent engine: its own schemas, events, caches and results. */
export function createEngine() {
  const state = new EngineState();
  const bus = state.bus;
  const listen =
    <T>(subject: Subject<T>): ListenFn<T> =>
    (fn) =>
      bus.listen(subject, fn);
  const listenOnce =
    <T>(subject: Subject<T>): ListenOnceFn<T> =>
    (filter, fn) =>
      bus.listen(subject, fn, filter, true);

  const drain = async (
    generator: AsyncGenerator<unknown, unknown, undefined>,
    source: Record<string, unknown>,
  ) => {
    try {
      for await (const _ of generator) {
        // background(): results reach users through the listen* events.
      }
    } catch (error) {
      bus.emitError(error, source);
    }
  };

  const Backtest = {
    /**
     * Backtests `context.strategyName` on `symbol` over the frame; an async generator of the results
     * a user acts on: scheduled, opened, closed and cancelled (idle/active only reach callbacks).
     * @example for await (const result of Backtest.run("BTCUSDT", { strategyName: "sma", exchangeName: "binance", frameName: "2025" })) console.log(result.action);
     */
    run(
      symbol: string,
      context: IBacktestContext,
      options?: IBacktestOptions,
    ): AsyncGenerator<IStrategyTickResult, void, undefined> {
      return runBacktest(state, symbol, context, options);
    },
    /** Runs the backtest in the background (results through listen*); returns a function that stops it. */
    background(symbol: string, context: IBacktestContext, options?: IBacktestOptions): () => void {
      void drain(runBacktest(state, symbol, context, options), {
        source: "Backtest.background",
        symbol,
        ...context,
      });
      return () => Backtest.stop(symbol, context.strategyName);
    },
    /** Asks running backtests of (symbol, strategy) to stop: no new signals; an open one runs to its end. */
    stop(symbol: string, strategyName: string): void {
      for (const strategy of state.running.get(runKey(symbol, strategyName)) ?? []) strategy.stopped = true;
    },
    /**
     * Closed signals and statistics of the latest (or running) backtest of (symbol, strategy).
     * @throws BtError STATE when that strategy was never backtested on that symbol.
     */
    getData(symbol: string, strategyName: string): IBacktestData {
      const key = runKey(symbol, strategyName);
      const closed = state.backtestClosed.get(key);
      if (closed === undefined) {
        throw new BtError(
          "STATE",
          `Backtest.getData: no backtest of strategy ${describeValue(strategyName)} on ${symbol}`,
          {
            field: "strategyName",
            value: strategyName,
          },
        );
      }
      const snapshot = [...closed];
      return {
        symbol,
        strategyName,
        closed: snapshot,
        stats: computeStatistics(snapshot, state.backtestPeriods.get(key)),
      };
    },
  };

  const Walker = {
    /**
     * Runs every strategy of the walker on `symbol`; yields progress after each strategy and returns the
     * ranking (best strategy and every strategy's stats).
     */
    run(
      symbol: string,
      context: IWalkerContext,
      options?: IBacktestOptions,
    ): AsyncGenerator<IWalkerProgressEvent, IWalkerResult, undefined> {
      return runWalker(state, symbol, context, options);
    },
    /** Runs the walker in the background; the result arrives on listenDoneWalker. Returns a stop function. */
    background(symbol: string, context: IWalkerContext, options?: IBacktestOptions): () => void {
      void drain(runWalker(state, symbol, context, options), {
        source: "Walker.background",
        symbol,
        ...context,
      });
      return () => {
        const walker = state.walkers.has(context.walkerName)
          ? state.walkers.get(context.walkerName, "Walker.stop")
          : undefined;
        for (const strategyName of walker?.strategies ?? []) Backtest.stop(symbol, strategyName);
      };
    },
    /**
     * The latest result of the walker on `symbol`.
     * @throws BtError STATE when the walker has not completed on that symbol.
     */
    getData(symbol: string, walkerName: string): IWalkerResult {
      const result = state.walkerResults.get(runKey(symbol, walkerName));
      if (result === undefined) {
        throw new BtError(
          "STATE",
          `Walker.getData: walker ${describeValue(walkerName)} has not completed on ${symbol}`,
          {
            field: "walkerName",
            value: walkerName,
          },
        );
      }
      return result;
    },
  };

  return {
    /** Registers an exchange. @throws BtError SCHEMA on a bad schema or duplicate name. */
    addExchange: (schema: IExchangeSchema): void => state.exchanges.add(schema),
    /** Registers a strategy. @throws BtError SCHEMA on a bad schema (interval, getSignal, callbacks) or duplicate. */
    addStrategy: (schema: IStrategySchema): void => state.strategies.add(schema),
    /** Registers a frame. @throws BtError SCHEMA on a bad interval, invalid dates or endDate ≤ startDate. */
    addFrame: (schema: IFrameSchema): void => state.frames.add(schema),
    /** Registers a risk profile. @throws BtError SCHEMA on bad validations or a duplicate name. */
    addRisk: (schema: IRiskSchema): void => state.risks.add(schema),
    /** Registers a sizing profile. @throws BtError SCHEMA on a bad method, percentages or caps. */
    addSizing: (schema: ISizingSchema): void => state.sizings.add(schema),
    /** Registers a walker. @throws BtError SCHEMA on empty/duplicate strategies or an unknown metric. */
    addWalker: (schema: IWalkerSchema): void => state.walkers.add(schema),
    Backtest,
    Walker,
    listenSignal: listen(bus.signal),
    listenSignalOnce: listenOnce(bus.signal),
    listenSignalBacktest: listen(bus.signalBacktest),
    listenSignalBacktestOnce: listenOnce(bus.signalBacktest),
    listenSignalLive: listen(bus.signalLive),
    listenSignalLiveOnce: listenOnce(bus.signalLive),
    listenProgress: listen<IProgressEvent>(bus.progress),
    listenProgressOnce: listenOnce<IProgressEvent>(bus.progress),
    listenDoneBacktest: listen<IDoneEvent>(bus.doneBacktest),
    listenDoneBacktestOnce: listenOnce<IDoneEvent>(bus.doneBacktest),
    listenDoneLive: listen<IDoneEvent>(bus.doneLive),
    listenDoneLiveOnce: listenOnce<IDoneEvent>(bus.doneLive),
    listenDoneWalker: listen<IWalkerResult>(bus.doneWalker),
    listenDoneWalkerOnce: listenOnce<IWalkerResult>(bus.doneWalker),
    listenWalker: listen<IWalkerProgressEvent>(bus.walker),
    listenWalkerOnce: listenOnce<IWalkerProgressEvent>(bus.walker),
    listenRisk: listen<IRiskEvent>(bus.risk),
    listenRiskOnce: listenOnce<IRiskEvent>(bus.risk),
    listenValidation: listen<IValidationEvent>(bus.validation),
    listenValidationOnce: listenOnce<IValidationEvent>(bus.validation),
    listenError: listen<Error>(bus.error),
    listenErrorOnce: listenOnce<Error>(bus.error),
    /** Replaces the logger of this engine (default: silent). */
    setLogger(logger: ILogger): void {
      state.logger = logger;
    },
    /** Forgets every registered schema, cached store, risk position and stored result; listeners stay. */
    reset(): void {
      state.reset();
    },
  };
}

/** An engine instance as returned by createEngine(). */
export type IEngine = ReturnType<typeof createEngine>;
