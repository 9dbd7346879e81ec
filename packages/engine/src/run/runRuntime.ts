// Links the method context object of a run to the run's data (exchange, candle store, config), so the
// ambient functions find it in O(1) through a WeakMap, whichever engine instance started the run. The
// table is process-wide (a globalThis slot): a strategy file that imports its own copy of @bt/engine
// finds the runs of the copy that runs it (before, getCandles there failed with "No execution context").

import { type IMethodContext, sharedGlobalSlot } from "@bt/context";
import {
  type CandleInterval,
  candlesToColumns,
  type ICandleData,
  type IExchangeSchema,
  type IGlobalConfig,
  type ILogger,
} from "@bt/core";

/**
 * The last `length` closed candles of one interval as columns, oldest first: typed-array views of the
 * store's columns (no copy). Read-only by contract: the arrays are the run's data, writing into them
 * corrupts the run. Valid for as long as you keep it (a later call never changes it).
 */
export interface ICandleColumnsView {
  /** Number of candles (every column has this length). */
  readonly length: number;
  /** Open times, epoch ms, ascending. */
  readonly timestamp: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Copies of `candles` as columns (the exchange fallback of getCandleColumns: fresh arrays). */
export function columnsViewOf(candles: ReadonlyArray<ICandleData>): ICandleColumnsView {
  return { length: candles.length, ...candlesToColumns(candles) };
}

/**
 * The part of a run's candle store the ambient functions use. Structural, because the store may belong
 * to another copy of the engine.
 */
export interface IRunCandleStore {
  readonly symbol: string;
  covers(interval: CandleInterval, whenMs: number, limit: number): boolean;
  candlesBefore(interval: CandleInterval, whenMs: number, limit: number): ICandleData[];
  /** The same candles as column views (optional: a store of an older engine copy lacks it). */
  columnsBefore?(interval: CandleInterval, whenMs: number, limit: number): ICandleColumnsView;
  priceAt(whenMs: number): number;
}

/** What user code running inside a run can reach through the ambient functions. */
export interface IRunRuntime {
  readonly exchange: IExchangeSchema;
  /** The preloaded 1m store of the run's symbol (backtest); undefined in live. */
  readonly store: IRunCandleStore | undefined;
  readonly config: Readonly<IGlobalConfig>;
  readonly logger: ILogger;
}

/** globalThis key of the shared run table. */
export const RUN_TABLE_SLOT_KEY = "@bt/engine/runTable";
/**
 * Layout version of the shared run table: bump the major when IRunRuntime changes incompatibly, so a
 * mismatched second copy is refused with a clear error instead of misreading a run.
 */
export const RUN_TABLE_SLOT_VERSION = "1.0.0";

const runtimes = sharedGlobalSlot(
  RUN_TABLE_SLOT_KEY,
  RUN_TABLE_SLOT_VERSION,
  () => new WeakMap<IMethodContext, IRunRuntime>(),
);

/** Attaches `runtime` to a run's method context object. */
export function attachRuntime(method: IMethodContext, runtime: IRunRuntime): void {
  runtimes.set(method, runtime);
}

/** The runtime of the run owning `method`, or undefined for a context not created by an engine. */
export function findRuntime(method: IMethodContext): IRunRuntime | undefined {
  return runtimes.get(method);
}
