// createEngine(): one independent engine instance (registries, event bus, caches) with the public API
// bound to it. The package's module-level functions are those of a default instance (index.ts).

import type {
  IExchangeSchema,
  IFrameSchema,
  IGlobalConfig,
  ILogger,
  IRiskSchema,
  ISizingSchema,
  IStrategySchema,
  IStrategyTickResult,
  IStrategyTickResultClosed,
  IWalkerSchema,
} from "@bt/core";
import { BtError, describeValue, mergeConfig } from "@bt/core";
import {
  computeStatistics,
  type IBacktestReportOptions,
  type ILiveReportOptions,
  type IStatistics,
  renderBacktestReport,
  renderLiveReport,
  renderWalkerReport,
} from "@bt/report-markdown";
import type { Subject } from "rxjs";
import { type IBacktestContext, type IBacktestOptions, runBacktest } from "./backtest/backtestRunner";
import type { Listener, Unsubscribe } from "./events/eventBus";
import type {
  IDoneEvent,
  IProgressEvent,
  IRiskEvent,
  IValidationEvent,
  IWalkerProgressEvent,
  IWalkerResult,
} from "./events/events";
import type { ILiveContext, ILiveOptions } from "./live/liveOptions";
import { runLive } from "./live/liveRunner";
import { dumpReport, type IDumpOptions } from "./reports/reportDump";
import { EngineState, runKey, splitRunKey } from "./run/engineState";
import { type IWalkerContext, runWalker } from "./walker/walkerRunner";

/** Options of Backtest.getReport / dump: the report's options plus where dump writes. */
export type IBacktestReportDumpOptions = IBacktestReportOptions & IDumpOptions;

/** Options of Live.getReport / dump: the report's options plus where dump writes. */
export type ILiveReportDumpOptions = ILiveReportOptions & IDumpOptions;

/** Options of Walker.getReport / dump. */
export interface IWalkerReportDumpOptions extends IDumpOptions {
  /** Free text printed under each walker heading; default "Symbol … · exchange … · frame …". */
  description?: string;
}

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

/** Options of createEngine. */
export interface IEngineOptions {
  /** Config patch over DEFAULT_CONFIG (validated). */
  config?: Partial<IGlobalConfig>;
}

/**
 * Creates an independent engine: its own config, schemas, events, caches and results.
 * @throws BtError CONFIG for an invalid config patch.
 * @example const engine = createEngine({ config: { CC_PERCENT_FEE: 0.075 } });
 */
export function createEngine(options: IEngineOptions = {}) {
  const state = new EngineState(options.config);
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
    /**
     * The markdown report (closed signals and statistics per strategy and symbol) of the latest
     * backtests matching `symbol` and `strategyName` (each optional: omitted = every one).
     * @throws BtError STATE when no recorded backtest matches; VALIDATION for bad report options.
     * @example const markdown = Backtest.getReport("BTCUSDT", "sma");
     */
    getReport(symbol?: string, strategyName?: string, options: IBacktestReportDumpOptions = {}): string {
      const matches = matchRuns(state.backtestClosed, symbol, strategyName, "Backtest.getReport", "backtest");
      const closed = matches.flatMap((match) => match.value);
      let periodStartMs: number | undefined;
      let periodEndMs: number | undefined;
      for (const match of matches) {
        const period = state.backtestPeriods.get(match.key);
        if (period === undefined) continue;
        periodStartMs = Math.min(periodStartMs ?? period.periodStartMs, period.periodStartMs);
        periodEndMs = Math.max(periodEndMs ?? period.periodEndMs, period.periodEndMs);
      }
      const { dir: _dir, ...reportOptions } = options;
      return renderBacktestReport(closed, { periodStartMs, periodEndMs, ...reportOptions });
    },
    /**
     * Writes getReport(symbol, strategyName, options) atomically to `<dir>/backtest/<strategy>.md`
     * (dir default "./dump"; "all" when several strategies match) and resolves to the absolute path.
     * @throws BtError STATE when no backtest matches, PERSIST when the file cannot be written.
     */
    async dump(
      symbol?: string,
      strategyName?: string,
      options: IBacktestReportDumpOptions = {},
    ): Promise<string> {
      const markdown = Backtest.getReport(symbol, strategyName, options);
      const names = new Set(
        matchRuns(state.backtestClosed, symbol, strategyName, "Backtest.dump", "backtest").map(
          (match) => match.name,
        ),
      );
      return dumpReport("backtest", reportName(strategyName, names), markdown, options);
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
    /**
     * The markdown ranking report of the latest results of walkers matching `symbol` and `walkerName`
     * (each optional); failed strategies are listed under the table.
     * @throws BtError STATE when no completed walker matches.
     */
    getReport(symbol?: string, walkerName?: string, options: IWalkerReportDumpOptions = {}): string {
      const matches = matchRuns(state.walkerResults, symbol, walkerName, "Walker.getReport", "walker");
      return matches
        .map(({ value: result }) => {
          const entries = result.results.flatMap((entry) =>
            entry.stats === null ? [] : [{ strategyName: entry.strategyName, stats: entry.stats }],
          );
          const failed = result.results.filter((entry) => entry.error !== null);
          let markdown = renderWalkerReport({
            metric: result.metric,
            entries,
            walkerName: result.walkerName,
            description:
              options.description ??
              `Symbol ${result.symbol} · exchange ${result.exchangeName} · frame ${result.frameName}`,
          });
          if (failed.length > 0) {
            const lines = failed.map(
              (entry) => `- ${entry.strategyName}: ${entry.error?.message ?? "failed"}`,
            );
            markdown += `\nFailed strategies (not ranked):\n\n${lines.join("\n")}\n`;
          }
          return markdown;
        })
        .join("\n");
    },
    /**
     * Writes getReport(symbol, walkerName, options) atomically to `<dir>/walker/<walker>.md` (dir
     * default "./dump") and resolves to the absolute path.
     * @throws BtError STATE when no walker matches, PERSIST when the file cannot be written.
     */
    async dump(
      symbol?: string,
      walkerName?: string,
      options: IWalkerReportDumpOptions = {},
    ): Promise<string> {
      const markdown = Walker.getReport(symbol, walkerName, options);
      const names = new Set(
        matchRuns(state.walkerResults, symbol, walkerName, "Walker.dump", "walker").map(
          (match) => match.name,
        ),
      );
      return dumpReport("walker", reportName(walkerName, names), markdown, options);
    },
  };

  const Live = {
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
    ): AsyncGenerator<IStrategyTickResult, void, undefined> {
      return runLive(state, symbol, context, options);
    },
    /**
     * Runs live in the background (results through listen*, errors on listenError); installs SIGINT /
     * SIGTERM handlers unless `handleProcessSignals: false`. Returns a function that stops it gracefully
     * and resolves once the in-flight tick is done.
     */
    background(symbol: string, context: ILiveContext, options: ILiveOptions = {}): () => Promise<void> {
      const generator = runLive(state, symbol, context, {
        ...options,
        handleProcessSignals: options.handleProcessSignals ?? true,
      });
      const finished = drain(generator, { source: "Live.background", symbol, ...context });
      return async () => {
        await Live.stop(symbol, context.strategyName);
        await finished;
      };
    },
    /**
     * Stops the live run of (symbol, strategy) after its in-flight tick; open positions and scheduled
     * signals stay persisted for the next start. Resolves once it has ended (at once when not running).
     */
    stop(symbol: string, strategyName: string): Promise<void> {
      return state.liveRuns.get(runKey(symbol, strategyName))?.stop() ?? Promise.resolve();
    },
    /**
     * The markdown live report (event counts, open positions, closed signals and statistics) of the
     * latest live runs matching `symbol` and `strategyName` (each optional), closed history restored
     * from persistence included.
     * @throws BtError STATE when no live run matches.
     */
    getReport(symbol?: string, strategyName?: string, options: ILiveReportDumpOptions = {}): string {
      const matches = matchRuns(state.liveEvents, symbol, strategyName, "Live.getReport", "live");
      const { dir: _dir, ...reportOptions } = options;
      return renderLiveReport(
        matches.flatMap((match) => match.value.events()),
        reportOptions,
      );
    },
    /**
     * Writes getReport(symbol, strategyName, options) atomically to `<dir>/live/<strategy>.md` (dir
     * default "./dump"; "all" when several strategies match) and resolves to the absolute path.
     * @throws BtError STATE when no live run matches, PERSIST when the file cannot be written.
     */
    async dump(
      symbol?: string,
      strategyName?: string,
      options: ILiveReportDumpOptions = {},
    ): Promise<string> {
      const markdown = Live.getReport(symbol, strategyName, options);
      const names = new Set(
        matchRuns(state.liveEvents, symbol, strategyName, "Live.dump", "live").map((match) => match.name),
      );
      return dumpReport("live", reportName(strategyName, names), markdown, options);
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
    Live,
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
    /**
     * Merges `patch` into this engine's config (validated; nothing changes on error). Runs already started
     * keep the config they started with.
     * @throws BtError CONFIG naming the field and the value.
     * @example engine.setConfig({ CC_PERCENT_FEE: 0.075 });
     */
    setConfig(patch: Partial<IGlobalConfig>): void {
      state.config = mergeConfig(state.config, patch);
    },
    /** This engine's current config (a frozen value). */
    getConfig(): Readonly<IGlobalConfig> {
      return state.config;
    },
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

/** The recorded runs of `runs` whose symbol and name match the (optional) filters, in insertion order. */
function matchRuns<T>(
  runs: ReadonlyMap<string, T>,
  symbol: string | undefined,
  name: string | undefined,
  caller: string,
  kind: string,
): Array<{ key: string; symbol: string; name: string; value: T }> {
  const matches: Array<{ key: string; symbol: string; name: string; value: T }> = [];
  for (const [key, value] of runs) {
    const parts = splitRunKey(key);
    if (symbol !== undefined && parts.symbol !== symbol) continue;
    if (name !== undefined && parts.name !== name) continue;
    matches.push({ key, ...parts, value });
  }
  if (matches.length === 0) {
    const what = [
      name === undefined ? undefined : describeValue(name),
      symbol === undefined ? undefined : `on ${symbol}`,
    ]
      .filter((part) => part !== undefined)
      .join(" ");
    throw new BtError("STATE", `${caller}: no ${kind} run recorded${what === "" ? "" : ` for ${what}`}`, {
      field: name === undefined ? "symbol" : "name",
      value: name ?? symbol,
    });
  }
  return matches;
}

/** The file name of a dumped report: the requested name, the only matching one, or "all". */
function reportName(requested: string | undefined, matched: ReadonlySet<string>): string {
  if (requested !== undefined) return requested;
  return matched.size === 1 ? ([...matched][0] as string) : "all";
}

/** An engine instance as returned by createEngine(). */
export type IEngine = ReturnType<typeof createEngine>;
