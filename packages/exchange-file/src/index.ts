// Public entry of @bt/exchange-file: the file exchange, the file readers, the candle cache and the importer.
// Depends on @bt/core only.

export { type ICandleCacheOptions, withCandleCache } from "./candleCache";
export {
  columnsToCandles,
  type ICandleColumns,
  lowerBound,
} from "./candleColumns";
export { type ICandleFileName, normalizeSymbol, parseCandleFileName } from "./candleFileName";
export type {
  CandleFileFormat,
  ColumnRef,
  FileGapPolicy,
  ICandleColumnMapping,
  ICandleFile,
  ICandleGap,
  IReadCandleFileOptions,
  TimeUnit,
} from "./candleFileTypes";
export { type IReadCsvCandlesOptions, readCsvCandles } from "./csvCandleReader";
export {
  createFileExchange,
  type IFileExchange,
  type IFileExchangeOptions,
  type IFileSymbolData,
} from "./fileExchange";
export { type IImportCandlesOptions, type IImportCandlesSummary, importCandles } from "./importCandles";
export { readJsonCandles } from "./jsonCandleReader";
export { readCandleFile } from "./readCandleFile";
