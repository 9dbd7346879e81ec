// One entry point for reading any supported candle file: picks the CSV, JSON, feather or zip reader from
// the format option or the file extension. The feather and zip readers load their libraries on first use.

import type { ICandleFile, IReadCandleFileOptions } from "./candleFileTypes";
import { readCsvCandles } from "./csvCandleReader";
import { readFeatherCandles } from "./featherCandleReader";
import { readJsonCandles } from "./jsonCandleReader";
import { readZipCandles } from "./zipCandleReader";

const JSON_EXTENSION = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const FEATHER_EXTENSION = /\.(feather|arrow|ipc)$/i;
const ZIP_EXTENSION = /\.zip$/i;

/**
 * Reads a candle file (Binance kline CSV or zip dump, generic CSV, JSON / JSON Lines, freqtrade json or
 * feather; CSV and JSON plain or gzip) into validated columns.
 * @throws BtError CANDLES naming the file and line of the first invalid row (onBadLine "error", the default).
 * @example const { columns, gaps } = await readCandleFile("data/BTCUSDT-1m-2025-01.csv.gz");
 */
export function readCandleFile(path: string, options: IReadCandleFileOptions = {}): Promise<ICandleFile> {
  const format = options.format ?? "auto";
  if (format === "zip" || (format === "auto" && ZIP_EXTENSION.test(path)))
    return readZipCandles(path, options);
  if (format === "feather" || (format === "auto" && FEATHER_EXTENSION.test(path)))
    return readFeatherCandles(path, options);
  if (format === "json" || (format === "auto" && JSON_EXTENSION.test(path)))
    return readJsonCandles(path, options);
  return readCsvCandles(path, { ...options, format: format === "binance" ? "binance" : "csv" });
}
