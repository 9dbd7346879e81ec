// Public entry of @bt/engine: the module-level API is bound to a default engine instance;
// createEngine() makes independent ones. Ambient functions work inside runs of any instance.

import { sharedGlobalSlot } from "@bt/context";
import { createEngine, type IEngine } from "./engine";
import {
  createPaperBroker as createPaperBrokerWithConfig,
  type IPaperBroker,
  type IPaperBrokerOptions,
} from "./live/paperBroker";

export type { IBacktestApi } from "./backtest/backtestApi";
export type { IBacktestContext } from "./backtest/backtestRunner";
export type { MissingCandlePolicy } from "./candles/candleLoader";
export { firstPricedMs } from "./candles/storePlan";
export {
  createEngine,
  type IBacktestData,
  type IBacktestReportDumpOptions,
  type IEngine,
  type IEngineOptions,
  type ILiveApi,
  type ILiveReportDumpOptions,
  type IPortfolioData,
  type IWalkerReportDumpOptions,
} from "./engine";
export type {
  EngineEvent,
  EngineEventType,
  IEngineEventMap,
  Listener,
  Unsubscribe,
} from "./events/eventBus";
export type {
  IDoneEvent,
  IProgressEvent,
  IRiskEvent,
  IValidationEvent,
  IWalkerProgressEvent,
  IWalkerResult,
  IWalkerStrategyResult,
} from "./events/events";
export type { IEngineListeners, ListenFn, ListenOnceFn } from "./events/listeners";
export { createBacktestRecorder, type IBacktestRecorder } from "./live/backtestRecorder";
export { createSimulatedClock, type ILiveClock, type ISimulatedClock, wallClock } from "./live/liveClock";
export { isBrokerRejection, liveEventId } from "./live/liveCommit";
export {
  type ILiveCursorRecord,
  type ILiveGenerationRecord,
  type ILiveMissingRecord,
  type ILiveOutbox,
  type ILivePositionRecord,
  type ILiveScheduledRecord,
  type ILiveState,
  readLiveState,
} from "./live/liveKeyspace";
export {
  DEFAULT_CANDLE_WAIT_MS,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_ORDER_STALENESS_MS,
  DEFAULT_RECONCILE_EVERY_TICKS,
  DEFAULT_TICK_INTERVAL_MS,
  type ILiveContext,
  type ILiveOptions,
} from "./live/liveOptions";
export type {
  IPaperBroker,
  IPaperBrokerOptions,
  IPaperOrder,
} from "./live/paperBroker";
export type { AnyPersistAdapter } from "./live/persistView";
export type { IAccountData } from "./portfolio/portfolioData";
export type { IPortfolioOptions } from "./portfolio/portfolioRunner";
export {
  DEFAULT_DUMP_DIR,
  type IDumpOptions,
  type ReportMode,
  reportFileName,
  reportPath,
} from "./reports/reportDump";
export {
  formatPrice,
  formatQuantity,
  getAveragePrice,
  getCandleColumns,
  getCandles,
  getDate,
  getMode,
} from "./run/ambient";
export type { IRunSettings } from "./run/backtestRecord";
export {
  DEFAULT_ACCOUNT_BALANCE,
  DEFAULT_BATCH_SIZE,
  type IBacktestOptions,
} from "./run/runOptions";
export type { ICandleColumnsView } from "./run/runRuntime";
export {
  commitActivateScheduled,
  commitAverageBuy,
  commitBreakeven,
  commitCancelScheduled,
  commitClosePending,
  commitPartialLoss,
  commitPartialLossCost,
  commitPartialProfit,
  commitPartialProfitCost,
  commitTrailingStop,
  commitTrailingStopCost,
  commitTrailingTake,
  commitTrailingTakeCost,
} from "./strategy/positionCommands";
export {
  averageTrueRange,
  computePositionCost,
  type ISizingHistory,
  type ISizingInput,
  type SizingResult,
} from "./strategy/positionSizing";
export type { IWalkerApi } from "./walker/walkerApi";
export type { IWalkerContext } from "./walker/walkerRunner";

/** globalThis key of the default engine, shared by every copy of @bt/engine in the process. */
const DEFAULT_ENGINE_SLOT_KEY = "@bt/engine/defaultEngine";
/** Major version of the IEngine API the shared default engine implements. */
const DEFAULT_ENGINE_SLOT_VERSION = "1.0.0";

/**
 * The default engine behind the module-level functions: one per process, shared by every copy of
 * @bt/engine (a strategy file's own copy registers its risk profiles on the engine the CLI runs).
 */
export const defaultEngine: IEngine = sharedGlobalSlot(
  DEFAULT_ENGINE_SLOT_KEY,
  DEFAULT_ENGINE_SLOT_VERSION,
  () => createEngine(),
);

export const {
  addExchange,
  addStrategy,
  addFrame,
  addRisk,
  addSizing,
  addWalker,
  Backtest,
  Live,
  Walker,
  listenSignal,
  listenSignalOnce,
  listenSignalBacktest,
  listenSignalBacktestOnce,
  listenSignalLive,
  listenSignalLiveOnce,
  listenProgress,
  listenProgressOnce,
  listenDoneBacktest,
  listenDoneBacktestOnce,
  listenDoneLive,
  listenDoneLiveOnce,
  listenDoneWalker,
  listenDoneWalkerOnce,
  listenWalker,
  listenWalkerOnce,
  listenRisk,
  listenRiskOnce,
  listenValidation,
  listenValidationOnce,
  listenError,
  listenErrorOnce,
  waitForListeners,
  setConfig,
  getConfig,
  setLogger,
  reset,
} = defaultEngine;

/**
 * Creates a paper broker (see IPaperBrokerOptions); fee and slippage default to the default engine's
 * config at creation (Live passes its own engine's config).
 * @example const broker = createPaperBroker({ persist: createFsPersist({ dir: "./dump/paper" }) });
 */
export function createPaperBroker(options: IPaperBrokerOptions = {}): IPaperBroker {
  return createPaperBrokerWithConfig({ config: defaultEngine.getConfig(), ...options });
}
