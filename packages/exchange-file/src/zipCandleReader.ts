// Zip candle reader: Binance's public dumps (data.binance.vision), one CSV per archive (spot: no header,
// futures: a header `open_time,open,...`), monthly or daily. fflate is imported on first use only. Each
// CSV entry is parsed from memory with the CSV reader; messages name `archive.zip!entry.csv:line`.

import { readFile } from "node:fs/promises";
import { BtError, intervalToMs } from "@bt/core";
import type { ICandleFile, IReadCandleFileOptions } from "./candleFileTypes";
import { parseCsvChunks } from "./csvCandleReader";
import { mergeCandleFiles } from "./mergeCandleFiles";

function fail(path: string, problem: string, cause?: unknown): never {
  throw new BtError("CANDLES", `exchange-file: ${path}: ${problem}`, {
    field: "file",
    value: path,
    adapter: "file",
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Reads the CSV file(s) of a zip archive into validated columns (several entries are joined in time order).
 * Columns default to Binance's kline layout (open_time, open, high, low, close, volume, …), header or not.
 * @throws BtError CANDLES naming the archive, entry and line of the first invalid row (onBadLine "error").
 * @example const { columns } = await readZipCandles("BTCUSDT-1m-2025-06.zip");
 */
export async function readZipCandles(
  path: string,
  options: IReadCandleFileOptions = {},
): Promise<ICandleFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    fail(path, `cannot read: ${(error as Error).message}`, error);
  }
  const { unzipSync } = await import("fflate");
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (entry) => /\.csv$/i.test(entry.name) && !entry.name.endsWith("/"),
    });
  } catch (error) {
    fail(path, `not a readable zip archive (${(error as Error).message})`, error);
  }
  const names = Object.keys(entries).sort();
  if (names.length === 0) fail(path, "the archive holds no .csv file");
  const format = options.format === "csv" ? "csv" : options.columns === undefined ? "binance" : "csv";
  const files: ICandleFile[] = [];
  for (const name of names) {
    const content = entries[name]!;
    files.push(await parseCsvChunks(`${path}!${name}`, [content], content.length, { ...options, format }));
    delete entries[name]; // let the entry's bytes go once parsed
  }
  if (files.length === 1) return { ...files[0]!, file: path };
  const intervalMs = intervalToMs(options.interval ?? "1m");
  const merged = mergeCandleFiles(files, intervalMs, options.onGap ?? "report");
  return {
    file: path,
    interval: options.interval ?? "1m",
    columns: merged.columns,
    gaps: merged.gaps,
    priceDecimals: Math.max(...files.map((file) => file.priceDecimals)),
    volumeDecimals: Math.max(...files.map((file) => file.volumeDecimals)),
    badLines: files.flatMap((file) => file.badLines),
    badLineCount: files.reduce((sum, file) => sum + file.badLineCount, 0),
  };
}
