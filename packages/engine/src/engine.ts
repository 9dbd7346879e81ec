// createEngine(): one independent engine instance (registries, event stream, caches) with the public
// API bound to it. Backtest and Walker live in backtest/backtestApi.ts and walker/walkerApi.ts; the
// Live object is assembled here. The package's module-level functions are those of a default
// instance (index.ts).

import type { IGlobalConfig, IStrategyTickResult } from "@bt/core";
import { mergeConfig } from "@bt/core";
import { createBacktestApi } from "./backtest/backtestApi";
import type { IEngine, ILiveApi, ILiveReportDumpOptions } from "./engineInterface";
import { createListeners } from "./events/listeners";
import type { ILiveContext, ILiveOptions } from "./live/liveOptions";
import { runLive } from "./live/liveRunner";
import { dumpReport } from "./reports/reportDump";
import { liveMarkdown } from "./reports/reports";
import { drainInBackground } from "./run/drainInBackground";
import { EngineState, runKey } from "./run/engineState";
import { matchRuns, reportName } from "./run/matchRuns";
import { createWalkerApi } from "./walker/walkerApi";

export type { IBacktestData, IBacktestReportDumpOptions, IPortfolioData } from "./backtest/backtestApi";
export type { IEngine, ILiveApi, ILiveReportDumpOptions } from "./engineInterface";
export type { IWalkerReportDumpOptions } from "./walker/walkerApi";

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
export function createEngine(options: IEngineOptions = {}): IEngine {
  const state = new EngineState(options.config);
  const Backtest = createBacktestApi(state);
  const Walker = createWalkerApi(state, Backtest);

  const Live: ILiveApi = {
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
      const finished = drainInBackground(state, generator, { source: "Live.background", symbol, ...context });
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
      return liveMarkdown(
        matches.map((match) => match.value),
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
      const matches = matchRuns(state.liveEvents, symbol, strategyName, "Live.dump", "live");
      return dumpReport("live", reportName(strategyName, matches), markdown, options);
    },
  };

  return {
    addExchange: (schema) => state.exchanges.add(schema),
    addStrategy: (schema) => state.strategies.add(schema),
    addFrame: (schema) => state.frames.add(schema),
    addRisk: (schema) => state.risks.add(schema),
    addSizing: (schema) => state.sizings.add(schema),
    addWalker: (schema) => state.walkers.add(schema),
    Backtest,
    Live,
    Walker,
    ...createListeners(state.bus),
    waitForListeners: () => state.bus.waitForListeners(),
    setConfig(patch) {
      state.config = mergeConfig(state.config, patch);
    },
    getConfig: () => state.config,
    setLogger(logger) {
      state.logger = logger;
    },
    reset() {
      state.reset();
    },
  };
}
