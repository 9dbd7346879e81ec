export {
  accountLedger,
  type IAccountLedgerEntry,
  type IAccountTrade,
} from "./accountLedger";
export {
  annualizationProblem,
  DAY_MS,
  MIN_ANNUALIZATION_DAYS,
  MIN_ANNUALIZATION_TRADES,
  YEAR_MS,
} from "./annualization";
export { averagePrice, averagePriceOfColumns } from "./averagePrice";
export {
  type BrokerOrderState,
  type BrokerPositionChange,
  clientOrderId,
  type IBroker,
  type IBrokerFill,
  type IBrokerOpenPosition,
  type OrderLeg,
} from "./broker";
export {
  brokerFillProblem,
  DEFAULT_MAX_FILL_DEVIATION_PERCENT,
  fillPnlPercent,
} from "./brokerFill";
export { BtError, type BtErrorCode, type BtErrorDetails, describeValue } from "./btError";
export {
  type CandleField,
  candleProblem,
  candleValuesProblem,
  type ICandleData,
  type ICandleProblem,
  isWellFormedCandle,
} from "./candle";
export { aggregateBucketsKeepingGaps, aggregateCompleteBuckets } from "./candleAggregation";
export {
  allocateCandleColumns,
  areCandleColumnsChecked,
  COLUMN_KERNEL_CHUNK_ROWS,
  candlesToColumns,
  type ICandleColumns,
  MINUTE_RUN_PRICE_CANDLES,
  markCandleColumnsChecked,
  scanMinuteRun,
  sliceCandleColumns,
} from "./candleColumns";
export {
  configProblems,
  DEFAULT_CONFIG,
  describeExecutionModel,
  type IGlobalConfig,
  mergeConfig,
} from "./config";
export {
  dailyBucketCount,
  dailyBucketIndex,
  dailyReturnsPercent,
  type IDailyEquityTrade,
} from "./dailyEquity";
export { EQUITY_METRICS, equityMetric, type IEquityMetric } from "./equityMetrics";
export {
  computeEquityStatistics,
  downsampleEquity,
  type EquityStatisticKey,
  type IEquityPoint,
  type IEquityStatistics,
  type IEquityStatisticsOptions,
} from "./equityStatistics";
export {
  alignDown,
  alignDownMs,
  alignUp,
  CANDLE_INTERVALS,
  type CandleInterval,
  frameTimestamps,
  intervalToMinutes,
  intervalToMs,
  isCandleInterval,
  MINUTE_MS,
} from "./interval";
export { type ILogger, SILENT_LOGGER } from "./logger";
export { MarkedDrawdown, markedMaxDrawdownPercent } from "./markedDrawdown";
export type { IMetric, MetricDirection, MetricUnit } from "./metric";
export {
  compoundedCurve,
  mean,
  sampleStdDev,
  shapeMoments,
  ZERO_TOLERANCE_PERCENT,
} from "./moments";
export {
  assertPersistable,
  assertPersistSpec,
  assertPersistTarget,
  type IPersistAdapter,
  type IPersistCapabilities,
  type IPersistCorruption,
  PERSIST_ENTITIES,
  type PersistBatchOperation,
  type PersistEntity,
  type PersistValue,
  persistKey,
} from "./persistence";
export {
  assertLeaseGrant,
  assertLeaseRequest,
  assertLeaseTtl,
  assertPersistTargetV2,
  type ILeaseGrant,
  type ILeaseState,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
  type LeaseAcquireResult,
  leaseFenceRefusal,
  leaseLostReason,
  PERSIST_ENTITIES_V2,
  type PersistBatchOperationV2,
  type PersistEntityV2,
} from "./persistenceV2";
export {
  assertLegacyV1Policy,
  LEGACY_V1_SHOWN_RECORDS,
  type LegacyV1Policy,
  legacyV1Error,
} from "./persistLegacyV1";
export { computePnlPercent, type IPnlCosts, pnlCostsOf } from "./pnl";
export {
  breakevenPrice,
  foldMinute,
  type IPositionCostBreakdown,
  type IPositionFigures,
  type MinuteChange,
  maxEntries,
  minuteChange,
  PositionCursor,
  positionBook,
  positionCostBreakdown,
  positionFigures,
  positionPnl,
} from "./position";
export { type IRankEntry, rankByMetric } from "./ranking";
export {
  countRunProblem,
  emptyRunProblems,
  type ICancelledSignal,
  type IRunProblem,
  type IRunProblems,
  mergeRunProblems,
  problemCount,
  type RunProblemKind,
  type RunStatus,
  runStatus,
} from "./runProblems";
export { computeScheduleStatistics, type IScheduleStatistics } from "./scheduleStatistics";
export type {
  IExchangeSchema,
  IFrameSchema,
  IRiskActivePosition,
  IRiskCheckArgs,
  IRiskSchema,
  IRiskValidation,
  ISizingArgs,
  ISizingSchema,
  ISizingSchemaAtr,
  ISizingSchemaFixedPercentage,
  ISizingSchemaKelly,
  IStrategyCallbacks,
  IStrategySchema,
  IWalkerSchema,
  MaybePromise,
  RiskValidationFn,
} from "./schemas";
export type {
  CancelReason,
  CloseReason,
  EntrySource,
  EntryType,
  IBreakevenRule,
  IDcaLevel,
  IDcaRule,
  IPositionRules,
  IScheduledSignalRow,
  ISignalBase,
  ISignalDto,
  ISignalRow,
  IStrategyPnL,
  ITakeProfitLevel,
  ITrailingDistance,
  ITrailingStopRule,
  ITrailingTakeRule,
  PartialReason,
  PositionFill,
  SignalPosition,
} from "./signal";
export { CANCEL_REASONS, ENTRY_TYPES, NO_RULES } from "./signal";
export {
  type IPendingScan,
  type ITransition,
  type ITransitionInput,
  NO_SIGNAL,
  type PositionCommand,
  type ScheduledOutcome,
  type StrategyEvent,
  type StrategyState,
  scanPendingExit,
  scanScheduledOutcome,
  scheduledOutcome,
  transition,
} from "./stateMachine";
export {
  type IStatisticMetric,
  isLowerBetter,
  isWalkerMetric,
  STATISTIC_METRICS,
  type StatisticDirection,
  type StatisticUnit,
  statisticMetric,
  WALKER_METRICS,
  type WalkerMetric,
} from "./statisticMetrics";
export {
  computeStatistics,
  type IStatistics,
  type IStatisticsOptions,
  type StatisticKey,
} from "./statistics";
export { fromStoredKey, storedPrefix, storedPrefixEnd, toStoredKey } from "./storedKey";
export type {
  IStrategyTickResult,
  IStrategyTickResultActive,
  IStrategyTickResultCancelled,
  IStrategyTickResultClosed,
  IStrategyTickResultIdle,
  IStrategyTickResultOpened,
  IStrategyTickResultScheduled,
  IStrategyTickResultUpdated,
  ITickOrigin,
  PositionUpdate,
  StrategyAction,
} from "./tickResult";
export { type ITradeMoney, type TradeMoneySplitKey, tradeMoney } from "./tradeMoney";
export { type ISignalProblem, validateSignal } from "./validation";
