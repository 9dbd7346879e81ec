// The event system: one typed stream of EngineEvent (a discriminated union on `type`) per engine, and
// listeners that are typed filters over it (a small typed emitter, ADR 0005: nothing loaded at import).
// Each listener gets its own queue, so its calls run in emission order, one at a time, even when async; a listener that throws (or rejects) is reported as
// an "error" event and never stops a run. The bus counts queued listener calls, so callers can wait
// until every listener has run (waitForListeners) instead of sleeping.

import type { ILogger, IStrategyTickResult } from "@bt/core";
import type {
  IDoneEvent,
  IProgressEvent,
  IRiskEvent,
  IValidationEvent,
  IWalkerProgressEvent,
  IWalkerResult,
} from "./events";

/** A listener; may be async. */
export type Listener<T> = (event: T) => void | Promise<void>;

/** Unsubscribes a listener; calling it twice is harmless. */
export type Unsubscribe = () => void;

/** The payload of every event type of the stream. */
export interface IEngineEventMap {
  /** Every tick result that reaches listeners (backtest and live; `payload.backtest` tells which). */
  signal: IStrategyTickResult;
  progress: IProgressEvent;
  doneBacktest: IDoneEvent;
  doneLive: IDoneEvent;
  doneWalker: IWalkerResult;
  walker: IWalkerProgressEvent;
  risk: IRiskEvent;
  validation: IValidationEvent;
  error: Error;
}

/** The event types of the stream. */
export type EngineEventType = keyof IEngineEventMap;

/** One event of the stream: `{ type, payload }`, discriminated on `type`. */
export type EngineEvent = {
  [K in EngineEventType]: { readonly type: K; readonly payload: IEngineEventMap[K] };
}[EngineEventType];

/** Normalises anything thrown into an Error (strings and objects keep their text). */
export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === "string" ? error : (JSON.stringify(error) ?? String(error)));
}

/** The emitting side of one event type: `observed` says whether anyone listens (skip building it). */
export class EventChannel<K extends EngineEventType> {
  constructor(
    private readonly bus: EventBus,
    readonly type: K,
  ) {}

  /** True when at least one listener of this type is subscribed. */
  get observed(): boolean {
    return this.bus.listenerCount(this.type) > 0;
  }

  /** Emits `payload` as an event of this type. */
  next(payload: IEngineEventMap[K]): void {
    this.bus.emit(this.type, payload);
  }
}

/** The event stream of one engine instance. */
export class EventBus {
  /** The subscribed handlers of each event type, in subscription order. */
  private readonly handlers = new Map<EngineEventType, Array<(payload: never) => void>>();
  /** Listener calls queued and not yet settled, across every listener. */
  private pendingCalls = 0;
  private drainWaiters: Array<() => void> = [];

  readonly progress = new EventChannel(this, "progress");
  readonly doneBacktest = new EventChannel(this, "doneBacktest");
  readonly doneLive = new EventChannel(this, "doneLive");
  readonly doneWalker = new EventChannel(this, "doneWalker");
  readonly walker = new EventChannel(this, "walker");
  readonly risk = new EventChannel(this, "risk");
  readonly validation = new EventChannel(this, "validation");

  constructor(private readonly getLogger: () => ILogger) {}

  /** Number of listeners subscribed to `type`. */
  listenerCount(type: EngineEventType): number {
    return this.handlers.get(type)?.length ?? 0;
  }

  /**
   * Emits one event (synchronously queued on every matching listener). Listeners subscribed while it is
   * emitted do not receive it; one unsubscribed meanwhile does not either.
   */
  emit<K extends EngineEventType>(type: K, payload: IEngineEventMap[K]): void {
    const handlers = this.handlers.get(type);
    if (handlers === undefined) return;
    // Never mutated in place (subscribe and unsubscribe replace the array): this loop sees a snapshot.
    for (const handler of handlers) (handler as (payload: IEngineEventMap[K]) => void)(payload);
  }

  /** Sends a tick result to listenSignal and to listenSignalBacktest / listenSignalLive. */
  emitSignal(result: IStrategyTickResult): void {
    this.emit("signal", result);
  }

  /** Reports an error to listenError (and to the logger). */
  emitError(error: unknown, context: Record<string, unknown> = {}): void {
    const normalised = toError(error);
    this.getLogger().error(normalised.message, { ...context, error: normalised });
    this.emit("error", normalised);
  }

  /**
   * Resolves once every listener call queued so far, and every call those calls queue in turn, has
   * settled. At once when nothing is queued. A listener that never settles keeps it pending.
   */
  waitForListeners(): Promise<void> {
    if (this.pendingCalls === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Subscribes `fn` to events of `type` (those `filter` accepts; `once`: only the first) with its own
   * in-order queue; returns the unsubscribe function.
   */
  listen<K extends EngineEventType>(
    type: K,
    fn: Listener<IEngineEventMap[K]>,
    filter?: (payload: IEngineEventMap[K]) => boolean,
    once = false,
  ): Unsubscribe {
    let tail: Promise<void> = Promise.resolve();
    let subscribed = true;
    const onListenerError = (error: unknown) => {
      if (type === "error") {
        // An error listener that throws would loop forever through itself: log only.
        this.getLogger().error("listenError listener threw", { error: toError(error) });
      } else {
        this.emitError(error, { source: "listener", type });
      }
    };
    const unsubscribe = () => {
      if (!subscribed) return;
      subscribed = false;
      const handlers = this.handlers.get(type);
      const index = handlers?.indexOf(handler as (payload: never) => void) ?? -1;
      // A new array: an emission in progress keeps iterating its own snapshot.
      if (handlers !== undefined && index !== -1) {
        this.handlers.set(type, [...handlers.slice(0, index), ...handlers.slice(index + 1)]);
      }
    };
    const handler = (payload: IEngineEventMap[K]) => {
      if (!subscribed) return;
      if (filter) {
        let matches = false;
        try {
          matches = filter(payload);
        } catch (error) {
          onListenerError(error);
        }
        if (!matches) return;
      }
      if (once) unsubscribe();
      this.pendingCalls++;
      tail = tail
        .then(() => fn(payload))
        .then(undefined, onListenerError)
        .finally(() => this.settleCall());
    };
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler as (payload: never) => void]);
    return unsubscribe;
  }

  private settleCall(): void {
    this.pendingCalls--;
    if (this.pendingCalls > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
