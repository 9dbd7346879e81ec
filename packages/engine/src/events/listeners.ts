// The public listen* / listen*Once functions of an engine: each one a typed filter over the engine's
// single event stream (listenSignalBacktest is "signal" events with backtest = true, and so on).

import type { IStrategyTickResult } from "@bt/core";
import type { EngineEventType, EventBus, IEngineEventMap, Listener, Unsubscribe } from "./eventBus";
import type {
  IDoneEvent,
  IProgressEvent,
  IRiskEvent,
  IValidationEvent,
  IWalkerProgressEvent,
  IWalkerResult,
} from "./events";

/** Subscribes a listener (own in-order queue, async allowed); returns its unsubscribe function. */
export type ListenFn<T> = (fn: Listener<T>) => Unsubscribe;
/** Subscribes a listener for the first event `filter` accepts only; returns its unsubscribe function. */
export type ListenOnceFn<T> = (filter: (event: T) => boolean, fn: Listener<T>) => Unsubscribe;

/** Every listen function of an engine. A throwing listener goes to listenError and never stops a run. */
export interface IEngineListeners {
  /** Every tick result that reaches listeners, backtest and live. */
  listenSignal: ListenFn<IStrategyTickResult>;
  listenSignalOnce: ListenOnceFn<IStrategyTickResult>;
  /** Tick results of backtests (scheduled, opened, closed, cancelled). */
  listenSignalBacktest: ListenFn<IStrategyTickResult>;
  listenSignalBacktestOnce: ListenOnceFn<IStrategyTickResult>;
  /** Tick results of live runs (idle and active ticks included). */
  listenSignalLive: ListenFn<IStrategyTickResult>;
  listenSignalLiveOnce: ListenOnceFn<IStrategyTickResult>;
  /** Backtest progress, about every 1 % of the frame and at its end. */
  listenProgress: ListenFn<IProgressEvent>;
  listenProgressOnce: ListenOnceFn<IProgressEvent>;
  /** A backtest ended (normally or by stop). */
  listenDoneBacktest: ListenFn<IDoneEvent>;
  listenDoneBacktestOnce: ListenOnceFn<IDoneEvent>;
  /** A live run ended. */
  listenDoneLive: ListenFn<IDoneEvent>;
  listenDoneLiveOnce: ListenOnceFn<IDoneEvent>;
  /** A walker completed: its final ranking. */
  listenDoneWalker: ListenFn<IWalkerResult>;
  listenDoneWalkerOnce: ListenOnceFn<IWalkerResult>;
  /** A walker finished one strategy. */
  listenWalker: ListenFn<IWalkerProgressEvent>;
  listenWalkerOnce: ListenOnceFn<IWalkerProgressEvent>;
  /** A signal was rejected by its risk profile. */
  listenRisk: ListenFn<IRiskEvent>;
  listenRiskOnce: ListenOnceFn<IRiskEvent>;
  /** A signal failed validation (or sizing) and was never executed. */
  listenValidation: ListenFn<IValidationEvent>;
  listenValidationOnce: ListenOnceFn<IValidationEvent>;
  /** Errors of strategies, callbacks, listeners and background runs (never thrown into a run). */
  listenError: ListenFn<Error>;
  listenErrorOnce: ListenOnceFn<Error>;
}

/** The listen* functions over `bus`. */
export function createListeners(bus: EventBus): IEngineListeners {
  const listen =
    <K extends EngineEventType>(
      type: K,
      only?: (payload: IEngineEventMap[K]) => boolean,
    ): ListenFn<IEngineEventMap[K]> =>
    (fn) =>
      bus.listen(type, fn, only);
  const listenOnce =
    <K extends EngineEventType>(
      type: K,
      only?: (payload: IEngineEventMap[K]) => boolean,
    ): ListenOnceFn<IEngineEventMap[K]> =>
    (filter, fn) =>
      bus.listen(type, fn, only === undefined ? filter : (payload) => only(payload) && filter(payload), true);
  const isBacktest = (result: IStrategyTickResult) => result.backtest;
  const isLive = (result: IStrategyTickResult) => !result.backtest;
  return {
    listenSignal: listen("signal"),
    listenSignalOnce: listenOnce("signal"),
    listenSignalBacktest: listen("signal", isBacktest),
    listenSignalBacktestOnce: listenOnce("signal", isBacktest),
    listenSignalLive: listen("signal", isLive),
    listenSignalLiveOnce: listenOnce("signal", isLive),
    listenProgress: listen("progress"),
    listenProgressOnce: listenOnce("progress"),
    listenDoneBacktest: listen("doneBacktest"),
    listenDoneBacktestOnce: listenOnce("doneBacktest"),
    listenDoneLive: listen("doneLive"),
    listenDoneLiveOnce: listenOnce("doneLive"),
    listenDoneWalker: listen("doneWalker"),
    listenDoneWalkerOnce: listenOnce("doneWalker"),
    listenWalker: listen("walker"),
    listenWalkerOnce: listenOnce("walker"),
    listenRisk: listen("risk"),
    listenRiskOnce: listenOnce("risk"),
    listenValidation: listen("validation"),
    listenValidationOnce: listenOnce("validation"),
    listenError: listen("error"),
    listenErrorOnce: listenOnce("error"),
  };
}
