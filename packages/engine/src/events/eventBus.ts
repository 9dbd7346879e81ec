// The event system: one rxjs Subject per event kind and the listen* / listen*Once helpers. Each
// listener gets its own queue, so its calls run in emission order, one at a time, even when async;
// a listener that throws (or rejects) is reported on the error subject and never stops a run.

import type { ILogger, IStrategyTickResult } from "@bt/core";
import { Subject } from "rxjs";
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

/** Normalises anything thrown into an Error (strings and objects keep their text). */
export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === "string" ? error : (JSON.stringify(error) ?? String(error)));
}

/** The subjects of one engine instance. */
export class EventBus {
  readonly signal = new Subject<IStrategyTickResult>();
  readonly signalBacktest = new Subject<IStrategyTickResult>();
  readonly signalLive = new Subject<IStrategyTickResult>();
  readonly progress = new Subject<IProgressEvent>();
  readonly doneBacktest = new Subject<IDoneEvent>();
  readonly doneLive = new Subject<IDoneEvent>();
  readonly doneWalker = new Subject<IWalkerResult>();
  readonly walker = new Subject<IWalkerProgressEvent>();
  readonly risk = new Subject<IRiskEvent>();
  readonly validation = new Subject<IValidationEvent>();
  readonly error = new Subject<Error>();

  constructor(private readonly getLogger: () => ILogger) {}

  /** Sends a tick result to listenSignal and to the backtest or live variant. */
  emitSignal(result: IStrategyTickResult): void {
    if (this.signal.observed) this.signal.next(result);
    const modeSubject = result.backtest ? this.signalBacktest : this.signalLive;
    if (modeSubject.observed) modeSubject.next(result);
  }

  /** Reports an error to listenError (and to the logger). */
  emitError(error: unknown, context: Record<string, unknown> = {}): void {
    const normalised = toError(error);
    this.getLogger().error(normalised.message, { ...context, error: normalised });
    if (this.error.observed) this.error.next(normalised);
  }

  /** Subscribes `fn` with its own in-order queue; returns the unsubscribe function. */
  listen<T>(subject: Subject<T>, fn: Listener<T>, filter?: (event: T) => boolean, once = false): Unsubscribe {
    let tail: Promise<void> = Promise.resolve();
    const onListenerError = (error: unknown) => {
      if ((subject as Subject<unknown>) === this.error) {
        // An error listener that throws would loop forever through itself: log only.
        this.getLogger().error("listenError listener threw", { error: toError(error) });
      } else {
        this.emitError(error, { source: "listener" });
      }
    };
    const subscription = subject.subscribe((event) => {
      if (filter) {
        let matches = false;
        try {
          matches = filter(event);
        } catch (error) {
          onListenerError(error);
        }
        if (!matches) return;
      }
      if (once) subscription.unsubscribe();
      tail = tail.then(() => fn(event)).then(undefined, onListenerError);
    });
    return () => subscription.unsubscribe();
  }
}
