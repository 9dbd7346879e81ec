// Public entry of @bt/engine: the module-level API is bound to a default engine instance;
// createEngine() makes independent ones. Ambient functions work inside runs of any instance.

import { createEngine } from "./engine";

export {
  formatPrice,
  formatQuantity,
  getAveragePrice,
  getCandles,
  getDate,
  getMode,
} from "./ambient";
export {
  DEFAULT_ACCOUNT_BALANCE,
  DEFAULT_BATCH_SIZE,
  DEFAULT_WARMUP_MINUTES,
  type IBacktestContext,
  type IBacktestOptions,
} from "./backtestRunner";
export type { GapPolicy } from "./candleLoader";
export {
  createEngine,
  type IBacktestData,
  type IBacktestReportDumpOptions,
  type IEngine,
  type ILiveReportDumpOptions,
  type IWalkerReportDumpOptions,
} from "./engine";
export type { Listener, Unsubscribe } from "./eventBus";
export type {
  IDoneEvent,
  IProgressEvent,
  IRiskEvent,
  IValidationEvent,
  IWalkerProgressEvent,
  IWalkerResult,
  IWalkerStrategyResult,
} from "./events";
export { createSimulatedClock, type ILiveClock, type ISimulatedClock, wallClock } from "./liveClock";
export { isBrokerRejection } from "./liveCommit";
export {
  closedKey,
  type ILiveCursorRecord,
  type ILiveKeys,
  type ILivePositionRecord,
  type ILiveScheduledRecord,
  type ILiveState,
  liveKeys,
  readLiveState,
} from "./liveRecords";
export {
  DEFAULT_CANDLE_WAIT_MS,
  DEFAULT_TICK_INTERVAL_MS,
  type ILiveContext,
  type ILiveOptions,
} from "./liveRunner";
export {
  createPaperBroker,
  type IPaperBroker,
  type IPaperBrokerOptions,
  type IPaperOrder,
} from "./paperBroker";
export {
  averageTrueRange,
  computePositionCost,
  type ISizingHistory,
  type ISizingInput,
  type SizingResult,
} from "./positionSizing";
export {
  DEFAULT_DUMP_DIR,
  type IDumpOptions,
  type ReportMode,
  reportFileName,
  reportPath,
} from "./reportDump";
export type { IWalkerContext } from "./walkerRunner";

/** The default engine behind the module-level functions. */
export const defaultEngine = createEngine();

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
  setLogger,
  reset,
} = defaultEngine;
