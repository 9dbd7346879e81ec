// importCandles: turns a directory of candle files (Binance dumps, CSV, JSON) into candle-cache day files,
// so a cached exchange (withCandleCache with the same cacheKey) serves those days without any request.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { type CandleInterval, DAY_MS, type ICandleData, intervalToMs } from "@bt/core";
import { candleDayPath, dayLabel, writeCandleDay } from "./candleDayFile";
import { parseCandleFileName } from "./candleFileName";
import type { ICandleFile, IReadCandleFileOptions } from "./candleFileTypes";
import { mergeCandleFiles } from "./mergeCandleFiles";
import { readCandleFile } from "./readCandleFile";

/** Options of importCandles. */
export interface IImportCandlesOptions extends Omit<IReadCandleFileOptions, "interval" | "gzip" | "onGap"> {
  /** Directory of candle files named `<SYMBOL>[-<interval>][-<anything>].<csv|json|jsonl|ndjson>[.gz]`. */
  from: string;
  /** Cache root directory (the `dir` of withCandleCache). */
  cacheDir: string;
  /** Cache namespace to fill: the cacheKey / exchangeName of the cached exchange; default "binance". */
  exchangeName?: string;
  /** Interval of files whose name carries none; default "1m". */
  interval?: CandleInterval;
}

/** What importCandles did. */
export interface IImportCandlesSummary {
  /** Files read successfully. */
  files: number;
  /** Candles written to the cache. */
  candles: number;
  /** Day files written. */
  days: number;
  /** Normalised symbols imported. */
  symbols: string[];
  /** Human-readable problems: unreadable files, overlaps, skipped partial edge days, gaps. */
  problems: string[];
}

/**
 * Imports every supported file of `from` into the candle cache at `cacheDir`. Partial first/last days of a
 * series (data starting or ending mid-day) are skipped and reported, since a cached day is final.
 * @example const summary = await importCandles({ from: "./dumps", cacheDir: ".bt/candles" });
 */
export async function importCandles(options: IImportCandlesOptions): Promise<IImportCandlesSummary> {
  const cacheKey = options.exchangeName ?? "binance";
  const problems: string[] = [];
  const groups = new Map<string, { symbol: string; interval: CandleInterval; files: ICandleFile[] }>();
  let fileCount = 0;
  for (const name of (await readdir(options.from)).sort()) {
    const parsed = parseCandleFileName(name);
    if (parsed === null) continue;
    const interval = parsed.interval ?? options.interval ?? "1m";
    try {
      const file = await readCandleFile(join(options.from, name), { ...options, interval, onGap: "report" });
      fileCount++;
      const key = `${parsed.symbol} ${interval}`;
      const group = groups.get(key) ?? { symbol: parsed.symbol, interval, files: [] };
      group.files.push(file);
      groups.set(key, group);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  let candles = 0;
  let days = 0;
  const symbols = new Set<string>();
  for (const { symbol, interval, files } of groups.values()) {
    const intervalMs = intervalToMs(interval);
    let merged: ReturnType<typeof mergeCandleFiles>;
    try {
      merged = mergeCandleFiles(files, intervalMs, "report");
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    for (const gap of merged.gaps) {
      problems.push(
        `gap in ${gap.file} line ${gap.line}: ${gap.missingCandles} ${interval} candle(s) missing after ${new Date(gap.afterMs).toISOString()}`,
      );
    }
    const { timestamp } = merged.columns;
    const perDay = DAY_MS / intervalMs;
    let start = 0;
    while (start < timestamp.length) {
      const dayStartMs = Math.floor(timestamp[start]! / DAY_MS) * DAY_MS;
      let end = start;
      while (end < timestamp.length && timestamp[end]! < dayStartMs + DAY_MS) end++;
      const isEdge = start === 0 || end === timestamp.length;
      if (isEdge && end - start < perDay) {
        problems.push(
          `${symbol} ${interval} ${dayLabel(dayStartMs)}: partial day (${end - start} of ${perDay} candles) not imported`,
        );
        start = end;
        continue;
      }
      const dayCandles: ICandleData[] = [];
      for (let index = start; index < end; index++) {
        dayCandles.push({
          timestamp: timestamp[index]!,
          open: merged.columns.open[index]!,
          high: merged.columns.high[index]!,
          low: merged.columns.low[index]!,
          close: merged.columns.close[index]!,
          volume: merged.columns.volume[index]!,
        });
      }
      const path = candleDayPath(options.cacheDir, cacheKey, symbol, interval, dayStartMs);
      await writeCandleDay(
        path,
        { cacheKey, symbol, interval, dayStartMs },
        {
          candles: dayCandles,
          nextTimestamp: end < timestamp.length ? timestamp[end]! : undefined,
        },
      );
      candles += dayCandles.length;
      days++;
      symbols.add(symbol);
      start = end;
    }
  }
  return { files: fileCount, candles, days, symbols: [...symbols].sort(), problems };
}
