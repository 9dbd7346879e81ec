// Public entry of @bt/exchange-file: the file exchange, the file readers (CSV, JSON, freqtrade feather,
// Binance zip), the candle cache, the importer and the data commands' functions (list, check, download).
// Depends on @bt/core only.

export { formatBadLine } from "./badLine";
export { type ICandleCacheOptions, withCandleCache } from "./candleCache";
export {
  columnsToCandles,
  type ICandleColumns,
  lowerBound,
} from "./candleColumns";
export {
  type CandleFileKind,
  type CandleFileNameProblem,
  type CandleFileNameResult,
  describeCandleFileName,
  type ICandleFileName,
  normalizeSymbol,
  parseCandleFileName,
} from "./candleFileName";
export type {
  BadLinePolicy,
  CandleFileFormat,
  ColumnRef,
  FileGapPolicy,
  ICandleBadLine,
  ICandleColumnMapping,
  ICandleFile,
  ICandleGap,
  IReadCandleFileOptions,
  TimeUnit,
} from "./candleFileTypes";
export {
  CANDLE_ISSUE_KINDS,
  type CandleIssue,
  type CandleIssueKind,
  checkCandles,
  type ICandleCheckReport,
  type ICheckCandlesOptions,
} from "./checkCandles";
export { type IReadCsvCandlesOptions, readCsvCandles } from "./csvCandleReader";
export {
  downloadCandles,
  type IDownloadCandlesOptions,
  type IDownloadCandlesResult,
  type IDownloadedSymbol,
  type IDownloadProgress,
} from "./downloadCandles";
export { readFeatherCandles } from "./featherCandleReader";
export {
  createFileExchange,
  type IFileExchange,
  type IFileExchangeOptions,
  type IFileSymbolData,
} from "./fileExchange";
export {
  type IIgnoredCandleFile,
  type IImportCandlesOptions,
  type IImportCandlesSummary,
  importCandles,
} from "./importCandles";
export { readJsonCandles } from "./jsonCandleReader";
export { type ICandleDataEntry, type ICandleDataGap, listCandleData } from "./listCandleData";
export { readCandleFile } from "./readCandleFile";
export { readZipCandles } from "./zipCandleReader";
