// importCandles: turns a directory of candle files (Binance dumps, CSV, JSON, freqtrade json/feather) into
// candle-cache day files, so a cached exchange (withCandleCache with the same cacheKey) serves those days
// without any request. A bad row fails the import (listing the first bad rows) unless skipBad is given.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { BtError, type CandleInterval, DAY_MS, type ICandleData, intervalToMs } from "@bt/core";
import { formatBadLine } from "./badLine";
import { candleDayPath, dayLabel, writeCandleDay } from "./candleDayFile";
import { describeCandleFileName } from "./candleFileName";
import type { ICandleBadLine, ICandleFile, IReadCandleFileOptions } from "./candleFileTypes";
import { mergeCandleFiles } from "./mergeCandleFiles";
import { readCandleFile } from "./readCandleFile";

/** Bad rows named in importCandles' error message (all are counted). */
const LISTED_BAD_LINES = 10;

/** Options of importCandles. */
export interface IImportCandlesOptions
  extends Omit<IReadCandleFileOptions, "interval" | "gzip" | "onGap" | "onBadLine"> {
  /** Directory of candle files (see parseCandleFileName for the names understood). */
  from: string;
  /** Cache root directory (the `dir` of withCandleCache). */
  cacheDir: string;
  /** Cache namespace to fill: the cacheKey / exchangeName of the cached exchange; default "binance". */
  exchangeName?: string;
  /** Interval of files whose name carries none; default "1m". */
  interval?: CandleInterval;
  /** Import the valid rows and list the invalid ones in `skipped`; default false: any invalid row fails the import. */
  skipBad?: boolean;
}

/** A file of the folder that was not imported, and why (never dropped silently). */
export interface IIgnoredCandleFile {
  file: string;
  /** "interval": an interval bt does not support (e.g. 1w, 1s); "candle-type": mark / index / funding-rate data. */
  reason: "interval" | "candle-type";
  detail: string;
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
  /** Human-readable problems: ignored files, skipped rows, skipped partial edge days, gaps. */
  problems: string[];
  /** Rows left out with skipBad (the first 1,000 per file); empty without skipBad (the import fails instead). */
  skipped: ICandleBadLine[];
  /** Number of rows left out with skipBad. */
  skippedCount: number;
  /** Candle-like files that were not imported (unsupported interval or candle type). */
  ignored: IIgnoredCandleFile[];
}

/**
 * Imports every supported file of `from` into the candle cache at `cacheDir`. Partial first/last days of a
 * series (data starting or ending mid-day) are skipped and reported, since a cached day is final.
 * @throws BtError CANDLES before writing anything when a row is invalid (unless `skipBad`), listing the first
 *   bad rows as `file:line: reason`; when a file cannot be read; when two files of one series overlap.
 * @example const summary = await importCandles({ from: "./dumps", cacheDir: ".bt/candles" });
 */
export async function importCandles(options: IImportCandlesOptions): Promise<IImportCandlesSummary> {
  const cacheKey = options.exchangeName ?? "binance";
  const {
    from,
    cacheDir,
    exchangeName: _name,
    skipBad = false,
    interval: defaultInterval,
    ...readOptions
  } = options;
  const problems: string[] = [];
  const ignored: IIgnoredCandleFile[] = [];
  const skipped: ICandleBadLine[] = [];
  let skippedCount = 0;
  const groups = new Map<string, { symbol: string; interval: CandleInterval; files: ICandleFile[] }>();
  let fileCount = 0;
  let names: string[];
  try {
    names = (await readdir(from)).sort();
  } catch (error) {
    throw new BtError("CANDLES", `exchange-file import: cannot list ${from}: ${(error as Error).message}`, {
      field: "from",
      value: from,
      adapter: "file",
      cause: error,
    });
  }
  for (const name of names) {
    const described = describeCandleFileName(name);
    if (!described.ok) {
      const { problem } = described;
      if (problem.kind === "interval" || problem.kind === "candle-type") {
        const detail = problem.kind === "interval" ? problem.interval : problem.candleType;
        ignored.push({ file: join(from, name), reason: problem.kind, detail });
        problems.push(
          `${join(from, name)}: not imported (${problem.kind === "interval" ? `interval ${detail} is not supported` : `${detail} candles are not trade candles`})`,
        );
      }
      continue;
    }
    const parsed = described.name;
    const interval = parsed.interval ?? defaultInterval ?? "1m";
    // Every row of every file is read first (bad rows recorded, not thrown), so the error can list them all.
    const file = await readCandleFile(join(from, name), {
      ...readOptions,
      ...(parsed.kind === "csv" ? {} : { format: parsed.kind }),
      interval,
      onGap: "report",
      onBadLine: "skip",
    });
    fileCount++;
    skipped.push(...file.badLines);
    skippedCount += file.badLineCount;
    const key = `${parsed.symbol} ${interval}`;
    const group = groups.get(key) ?? { symbol: parsed.symbol, interval, files: [] };
    group.files.push(file);
    groups.set(key, group);
  }
  if (skippedCount > 0 && !skipBad) {
    const files = new Set(skipped.map((bad) => bad.file)).size;
    const listed = skipped.slice(0, LISTED_BAD_LINES).map((bad) => `  ${formatBadLine(bad)}`);
    const more = skippedCount > listed.length ? [`  … and ${skippedCount - listed.length} more`] : [];
    throw new BtError(
      "CANDLES",
      `exchange-file import: ${skippedCount} invalid row(s) in ${files} file(s) of ${from}; nothing was imported (fix them, or skip them with skipBad / --skip-bad):\n${[...listed, ...more].join("\n")}`,
      { field: skipped[0]!.field, value: skipped[0]!.value, adapter: "file" },
    );
  }
  if (skippedCount > 0) {
    problems.push(`${skippedCount} invalid row(s) skipped, first: ${formatBadLine(skipped[0]!)}`);
  }
  const merged = [...groups.values()].map(({ symbol, interval, files }) => ({
    symbol,
    interval,
    // Overlapping files of one series throw here, naming both, before anything is written.
    series: mergeCandleFiles(files, intervalToMs(interval), "report"),
  }));
  let candles = 0;
  let days = 0;
  const symbols = new Set<string>();
  for (const { symbol, interval, series } of merged) {
    const intervalMs = intervalToMs(interval);
    for (const gap of series.gaps) {
      problems.push(
        `gap in ${gap.file} line ${gap.line}: ${gap.missingCandles} ${interval} candle(s) missing after ${new Date(gap.afterMs).toISOString()}`,
      );
    }
    const { timestamp } = series.columns;
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
          open: series.columns.open[index]!,
          high: series.columns.high[index]!,
          low: series.columns.low[index]!,
          close: series.columns.close[index]!,
          volume: series.columns.volume[index]!,
        });
      }
      const path = candleDayPath(cacheDir, cacheKey, symbol, interval, dayStartMs);
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
  return {
    files: fileCount,
    candles,
    days,
    symbols: [...symbols].sort(),
    problems,
    skipped: skipBad ? skipped : [],
    skippedCount: skipBad ? skippedCount : 0,
    ignored,
  };
}
