// Links the method context object of a run to the run's data (exchange, candle store, config), so the
// ambient functions find it in O(1) through a WeakMap, whichever engine instance started the run.

import type { IMethodContext } from "@bt/context";
import type { IExchangeSchema, IGlobalConfig, ILogger } from "@bt/core";
import type { CandleStore } from "../candles/candleStore";

/** What user code running inside a run can reach through the ambient functions. */
export interface IRunRuntime {
  readonly exchange: IExchangeSchema;
  /** The preloaded 1m store of the run's symbol (backtest); undefined in live. */
  readonly store: CandleStore | undefined;
  readonly config: Readonly<IGlobalConfig>;
  readonly logger: ILogger;
}

const runtimes = new WeakMap<IMethodContext, IRunRuntime>();

/** Attaches `runtime` to a run's method context object. */
export function attachRuntime(method: IMethodContext, runtime: IRunRuntime): void {
  runtimes.set(method, runtime);
}

/** The runtime of the run owning `method`, or undefined for a context not created by an engine. */
export function findRuntime(method: IMethodContext): IRunRuntime | undefined {
  return runtimes.get(method);
}
