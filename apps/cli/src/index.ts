// Public entry of @bt/cli: runCli (the whole `bt` program as a function), the strategy/walker file
// formats and their helpers, and the run record that --json prints and `bt report` reads.

export { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from "./cliError";
export type { CliExchangeFactory, ICliExchangeFactoryOptions } from "./cliExchange";
export type { ICliIo, ITextSink } from "./cliIo";
export { processIo } from "./cliIo";
export type { CliPersistAdapter, CliPersistFactory, ICliPersistFactoryOptions } from "./cliPersist";
export { cliVersion } from "./cliVersion";
export { dumpFileName } from "./dumpFileName";
export { renderRunReport } from "./renderRunReport";
export { mainHelp, runCli } from "./runCli";
export {
  type IBacktestRunRecord,
  type IRunFrame,
  type IRunRecord,
  type IWalkerRunEntry,
  type IWalkerRunRecord,
  isRunRecord,
  RUN_RECORD_VERSION,
} from "./runRecord";
export { renderRunSummary } from "./runSummary";
export { defineSpace, type ISpaceFile } from "./spaceFile";
export {
  defineStrategy,
  defineWalker,
  type IWalkerFile,
  loadStrategyFile,
  loadWalkerFile,
} from "./strategyFile";
export { defineSweep, type ISweepFile } from "./sweepFile";
