// Public entry of @bt/cluster: parameter grids, sweeps run sequentially, on a worker-thread pool or
// across machines through BullMQ on Redis, walk-forward validation and its report.

export {
  type IClusterJobEvent,
  type IClusterJobRecord,
  type IClusterSweepOptions,
  type IClusterSweepResult,
  runClusterSweep,
} from "./clusterCoordinator";
export {
  assertRedisReachable,
  clusterJobId,
  DEFAULT_KEY_PREFIX,
  DEFAULT_QUEUE_NAME,
  defaultRedisUrl,
  type IClusterJobData,
  type IClusterJobResult,
  type IRedisConnectionOptions,
  redisConnectionOptions,
} from "./clusterQueue";
export {
  type IClusterWorker,
  type IClusterWorkerEvent,
  type IClusterWorkerOptions,
  startClusterWorker,
} from "./clusterWorker";
export { createColumnExchange } from "./columnExchange";
export { combinationName } from "./combinationName";
export { expandGrid, toParamSets } from "./expandGrid";
export {
  firstDifference,
  type IRunJournal,
  type IRunJournalOptions,
  openRunJournal,
  RUN_JOURNAL_VERSION,
} from "./runJournal";
export { type ISequentialSweepOptions, runSweepSequential } from "./sequentialSweep";
export { isShared, toSharedColumns } from "./sharedColumns";
export type { ISweepDataOptions } from "./sweepData";
export {
  createSweepPool,
  type ISweepPool,
  type ISweepPoolOptions,
  type ISweepPoolRunOptions,
} from "./sweepPool";
export { rankSweepEntries } from "./sweepRanking";
export type {
  ISweepEntry,
  ISweepError,
  ISweepFrame,
  ISweepOptionsBase,
  ISweepProgress,
  ISweepResult,
  ISweepStrategy,
  ISweepSymbolResult,
  StrategyFactory,
  SweepBacktestOptions,
  SweepDataSource,
  SweepGrid,
  SweepParams,
  SweepParamValue,
  SweepStrategySchema,
} from "./sweepTypes";
export { type IThreadSweepOptions, runSweep } from "./threadSweep";
export type { IThreadTask } from "./threadTask";
export {
  type IWalkForwardExtras,
  type IWalkForwardResult,
  type IWalkForwardRow,
  type IWalkForwardRunnable,
  runWalkForward,
} from "./walkForward";
export { renderWalkForwardReport } from "./walkForwardReport";
export { parseWorkerArgs, runWorkerCli, WORKER_USAGE } from "./workerCli";
