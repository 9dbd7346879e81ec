// The public shape of an engine instance (what createEngine returns and the package's module-level
// functions are bound to), written out so it is documented and stable rather than inferred.

import type {
  IExchangeSchema,
  IFrameSchema,
  IGlobalConfig,
  ILogger,
  IRiskSchema,
  ISizingSchema,
  IStrategySchema,
  IStrategyTickResult,
  IWalkerSchema,
} from "@bt/core";
import type { IBacktestApi } from "./backtest/backtestApi";
import type { IEngineListeners } from "./events/listeners";
import type { ILiveContext, ILiveOptions } from "./live/liveOptions";
import type { IDumpOptions } from "./reports/reportDump";
import type { ILiveReportOptions } from "./reports/reports";
import type { IWalkerApi } from "./walker/walkerApi";

/** Options of Live.getReport / dump: the report's options plus where dump writes. */
export type ILiveReportDumpOptions = ILiveReportOptions & IDumpOptions;

/** The Live part of an engine. */
export interface ILiveApi {
  /**
   * Runs `context.strategyName` live on `symbol`: one tick per `tickIntervalMs` of the clock, state
   * restored from and committed to `options.persist`, orders through `options.broker` (default paper).
   * An async generator of scheduled, opened, closed and cancelled results; ends on stop() or `stopAt`.
   * @example for await (const result of Live.run("BTCUSDT", { strategyName: "sma", exchangeName: "binance" }, { persist })) console.log(result.action);
   */
  run(
    symbol: string,
    context: ILiveContext,
    options?: ILiveOptions,
  ): AsyncGenerator<IStrategyTickResult, void, undefined>;
  /**
   * Runs live in the background (results through listen*, errors on listenError); installs SIGINT /
   * SIGTERM handlers unless `handleProcessSignals: false`. Returns a function that stops it gracefully
   * and resolves once the in-flight tick is done.
   */
  background(symbol: string, context: ILiveContext, options?: ILiveOptions): () => Promise<void>;
  /**
   * Stops the live run of (symbol, strategy) after its in-flight tick; open positions and scheduled
   * signals stay persisted for the next start. Resolves once it has ended (at once when not running).
   */
  stop(symbol: string, strategyName: string): Promise<void>;
  /**
   * The markdown live report (event counts, open positions, closed signals and statistics) of the
   * latest live runs matching `symbol` and `strategyName` (each optional), closed history restored
   * from persistence included.
   * @throws BtError STATE when no live run matches.
   */
  getReport(symbol?: string, strategyName?: string, options?: ILiveReportDumpOptions): string;
  /**
   * Writes getReport(symbol, strategyName, options) atomically to `<dir>/live/<strategy>.md` (dir
   * default "./dump"; "all" when several strategies match) and resolves to the absolute path.
   * @throws BtError STATE when no live run matches, PERSIST when the file cannot be written.
   */
  dump(symbol?: string, strategyName?: string, options?: ILiveReportDumpOptions): Promise<string>;
}

/**
 * One independent engine: its own config, schemas, events, caches and results. The ambient functions
 * (getCandles, getDate, …) are module-level and work inside runs of any engine (and of any copy of
 * the package loaded in the process).
 */
export interface IEngine extends IEngineListeners {
  /** Registers an exchange. @throws BtError SCHEMA on a bad schema or duplicate name. */
  addExchange(schema: IExchangeSchema): void;
  /** Registers a strategy. @throws BtError SCHEMA on a bad schema (interval, getSignal, callbacks) or duplicate. */
  addStrategy(schema: IStrategySchema): void;
  /** Registers a frame. @throws BtError SCHEMA on a bad interval, invalid dates or endDate ≤ startDate. */
  addFrame(schema: IFrameSchema): void;
  /** Registers a risk profile. @throws BtError SCHEMA on bad validations or a duplicate name. */
  addRisk(schema: IRiskSchema): void;
  /** Registers a sizing profile. @throws BtError SCHEMA on a bad method, percentages or caps. */
  addSizing(schema: ISizingSchema): void;
  /** Registers a walker. @throws BtError SCHEMA on empty/duplicate strategies or an unknown metric. */
  addWalker(schema: IWalkerSchema): void;
  /** Backtests: run, background, stop, getData, getReport, dump. */
  readonly Backtest: IBacktestApi;
  /** Live runs: run, background, stop, getReport, dump. */
  readonly Live: ILiveApi;
  /** Walkers: run, background, getData, getReport, dump. */
  readonly Walker: IWalkerApi;
  /**
   * Resolves once every listener call queued so far (and every call those queue in turn, such as a
   * throwing listener's listenError) has run; at once when none is queued. Use it instead of sleeping
   * before reading what listeners collected.
   * @example for await (const _ of engine.Backtest.run(...)) {} await engine.waitForListeners();
   */
  waitForListeners(): Promise<void>;
  /**
   * Merges `patch` into this engine's config (validated; nothing changes on error). Runs already
   * started keep the config they started with.
   * @throws BtError CONFIG naming the field and the value.
   * @example engine.setConfig({ CC_PERCENT_FEE: 0.075 });
   */
  setConfig(patch: Partial<IGlobalConfig>): void;
  /** This engine's current config (a frozen value). */
  getConfig(): Readonly<IGlobalConfig>;
  /** Replaces the logger of this engine (default: silent). */
  setLogger(logger: ILogger): void;
  /** Forgets every registered schema, cached store, risk position and stored result; listeners stay. */
  reset(): void;
}
