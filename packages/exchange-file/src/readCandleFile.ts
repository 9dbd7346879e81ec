// One entry point for reading any supported candle file: picks the CSV or JSON reader from the format
// option or the file extension.

import type { ICandleFile, IReadCandleFileOptions } from "./candleFileTypes";
import { readCsvCandles } from "./csvCandleReader";
import { readJsonCandles } from "./jsonCandleReader";

const JSON_EXTENSION = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/**
 * Reads a candle file (Binance kline CSV, generic CSV, JSON / JSON Lines; gzip or plain) into validated columns.
 * @throws BtError CANDLES naming the file and line of the first invalid row.
 * @example const { columns, gaps } = await readCandleFile("data/BTCUSDT-1m-2025-01.csv.gz");
 */
export function readCandleFile(path: string, options: IReadCandleFileOptions = {}): Promise<ICandleFile> {
  const format = options.format ?? "auto";
  if (format === "json" || (format === "auto" && JSON_EXTENSION.test(path)))
    return readJsonCandles(path, options);
  return readCsvCandles(path, { ...options, format: format === "binance" ? "binance" : "csv" });
}
