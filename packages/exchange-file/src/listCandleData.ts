// listCandleData: what candles a folder holds, per exchange, symbol and interval: either a folder of candle
// files (as createFileExchange reads it) or a candle cache (`<dir>/<cacheKey>/<SYMBOL>/<interval>/<day>.json`),
// with first and last open time, candle count and gaps. Backs `bt data list`.

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { type CandleInterval, intervalToMs, isCandleInterval } from "@bt/core";
import { readCandleDay } from "./candleDayFile";
import { describeCandleFileName } from "./candleFileName";
import type { ICandleFile } from "./candleFileTypes";
import { mergeCandleFiles } from "./mergeCandleFiles";
import { readCandleFile } from "./readCandleFile";

/** A hole in a series: candles missing from `fromMs` (first missing open time) to `toMs` (next present one). */
export interface ICandleDataGap {
  fromMs: number;
  toMs: number;
  missingCandles: number;
  missingMinutes: number;
}

/** One series found by listCandleData. */
export interface ICandleDataEntry {
  /** "files" for a folder of candle files, "cache" for a candle cache. */
  source: "files" | "cache";
  /** Cache key (exchange name) for a cache; "file" for a folder of files. */
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  /** Open time of the first / last candle (epoch ms); null when the series has no candle. */
  firstAt: number | null;
  lastAt: number | null;
  candles: number;
  gaps: ICandleDataGap[];
  /** Files (or cache day files) the series was read from. */
  files: number;
  /** Invalid rows skipped while reading (files are read with onBadLine "skip"). */
  badLines: number;
  /** Files that could not be read, corrupt cache days, overlapping files: the series may be incomplete. */
  problems: string[];
}

/** Gaps between ascending open times (epoch ms) of one interval of `intervalMs`. */
export function gapsOf(timestamp: Float64Array, intervalMs: number): ICandleDataGap[] {
  const gaps: ICandleDataGap[] = [];
  for (let index = 1; index < timestamp.length; index++) {
    const step = timestamp[index]! - timestamp[index - 1]!;
    if (step > intervalMs) {
      gaps.push({
        fromMs: timestamp[index - 1]! + intervalMs,
        toMs: timestamp[index]!,
        missingCandles: Math.round(step / intervalMs) - 1,
        missingMinutes: (step - intervalMs) / 60_000,
      });
    }
  }
  return gaps;
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function listFiles(dir: string, names: string[]): Promise<ICandleDataEntry[]> {
  const groups = new Map<string, { symbol: string; interval: CandleInterval; paths: string[] }>();
  for (const name of names) {
    const described = describeCandleFileName(name);
    if (!described.ok) continue;
    const interval = described.name.interval ?? "1m";
    const key = `${described.name.symbol} ${interval}`;
    const group = groups.get(key) ?? { symbol: described.name.symbol, interval, paths: [] };
    group.paths.push(join(dir, name));
    groups.set(key, group);
  }
  const entries: ICandleDataEntry[] = [];
  for (const { symbol, interval, paths } of groups.values()) {
    const problems: string[] = [];
    const files: ICandleFile[] = [];
    for (const path of paths) {
      try {
        files.push(await readCandleFile(path, { interval, onBadLine: "skip" }));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const intervalMs = intervalToMs(interval);
    let timestamp: Float64Array = new Float64Array(0);
    try {
      timestamp = mergeCandleFiles(files, intervalMs, "report").columns.timestamp;
    } catch (error) {
      problems.push((error as Error).message);
    }
    entries.push(entry("files", "file", symbol, interval, timestamp, paths.length, files, problems));
  }
  return entries;
}

function entry(
  source: "files" | "cache",
  exchange: string,
  symbol: string,
  interval: CandleInterval,
  timestamp: Float64Array,
  fileCount: number,
  files: ICandleFile[],
  problems: string[],
): ICandleDataEntry {
  const length = timestamp.length;
  return {
    source,
    exchange,
    symbol,
    interval,
    firstAt: length === 0 ? null : timestamp[0]!,
    lastAt: length === 0 ? null : timestamp[length - 1]!,
    candles: length,
    gaps: gapsOf(timestamp, intervalToMs(interval)),
    files: fileCount,
    badLines: files.reduce((sum, file) => sum + file.badLineCount, 0),
    problems,
  };
}

async function listCache(dir: string, cacheKey: string): Promise<ICandleDataEntry[]> {
  const entries: ICandleDataEntry[] = [];
  for (const symbol of await subdirectories(join(dir, cacheKey))) {
    for (const interval of await subdirectories(join(dir, cacheKey, symbol))) {
      if (!isCandleInterval(interval)) continue;
      const intervalMs = intervalToMs(interval);
      const folder = join(dir, cacheKey, symbol, interval);
      const dayNames = (await readdir(folder))
        .filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name))
        .sort();
      const times: number[] = [];
      const problems: string[] = [];
      for (const name of dayNames) {
        const dayStartMs = Date.parse(`${name.slice(0, 10)}T00:00:00Z`);
        const read = await readCandleDay(join(folder, name), { symbol, interval, intervalMs, dayStartMs });
        if (read.status === "ok") for (const candle of read.day.candles) times.push(candle.timestamp);
        else if (read.status === "corrupt") problems.push(`${join(folder, name)}: corrupt (${read.reason})`);
      }
      entries.push(
        entry("cache", cacheKey, symbol, interval, Float64Array.from(times), dayNames.length, [], problems),
      );
    }
  }
  return entries;
}

/**
 * Lists the candle series in `dir`: candle files directly in it (exchange "file"), and candle-cache
 * namespaces in its subfolders (`<dir>/<cacheKey>/<SYMBOL>/<interval>/<YYYY-MM-DD>.json`, exchange = cacheKey).
 * Files are read in full (bad rows counted, not thrown); cache days are verified as the cache does.
 * @example for (const e of await listCandleData(".bt-data/candles")) console.log(e.exchange, e.symbol, e.interval, e.candles);
 */
export async function listCandleData(dir: string): Promise<ICandleDataEntry[]> {
  const names = (await readdir(dir)).sort();
  const entries = await listFiles(dir, names);
  for (const name of names) {
    if (!(await stat(join(dir, name))).isDirectory()) continue;
    entries.push(...(await listCache(dir, name)));
  }
  return entries.sort(
    (left, right) =>
      left.exchange.localeCompare(right.exchange) ||
      left.symbol.localeCompare(right.symbol) ||
      intervalToMs(left.interval) - intervalToMs(right.interval),
  );
}
