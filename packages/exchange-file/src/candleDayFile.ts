// The on-disk format of the candle cache: one JSON file per (cache key, symbol, interval, UTC day) with a
// SHA-256 of its candles, written atomically (temp file, fsync, rename, directory fsync) and verified on read.

import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { candleProblem, DAY_MS, type ICandleData, isWellFormedCandle } from "@bt/core";
import { normalizeSymbol } from "./candleFileName";

/** One UTC day of candles as stored in the cache. */
export interface ICandleDay {
  /** Candles whose open time lies in the day, ascending. */
  candles: ICandleData[];
  /**
   * Open time (epoch ms) of the first candle after the day when known; null when the source had no candle
   * after the day; undefined when unknown (read the next day).
   */
  nextTimestamp: number | null | undefined;
}

/** Result of reading a day file: missing, valid, or corrupt (with the reason). */
export type CandleDayRead =
  | { status: "missing" }
  | { status: "ok"; day: ICandleDay }
  | { status: "corrupt"; reason: string };

const FORMAT = "bt-candle-day";
const VERSION = 1;

/** A path segment safe on every file system (cache keys and symbols come from users). */
function safeSegment(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, "_");
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "_" : cleaned;
}

/** "2025-01-31" for the UTC day starting at `dayStartMs`. */
export function dayLabel(dayStartMs: number): string {
  return new Date(dayStartMs).toISOString().slice(0, 10);
}

/** Path of the day file: `<dir>/<cacheKey>/<SYMBOL>/<interval>/<YYYY-MM-DD>.json`. */
export function candleDayPath(
  dir: string,
  cacheKey: string,
  symbol: string,
  interval: string,
  dayStartMs: number,
): string {
  return join(
    dir,
    safeSegment(cacheKey),
    safeSegment(normalizeSymbol(symbol)),
    safeSegment(interval),
    `${dayLabel(dayStartMs)}.json`,
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Writes a day file atomically: readers see the old file or the complete new one, never a torn write. */
export async function writeCandleDay(
  path: string,
  identity: { cacheKey: string; symbol: string; interval: string; dayStartMs: number },
  day: ICandleDay,
): Promise<void> {
  const rows = JSON.stringify(
    day.candles.map((candle) => [
      candle.timestamp,
      candle.open,
      candle.high,
      candle.low,
      candle.close,
      candle.volume,
    ]),
  );
  const header = {
    format: FORMAT,
    version: VERSION,
    cacheKey: identity.cacheKey,
    symbol: normalizeSymbol(identity.symbol),
    interval: identity.interval,
    day: dayLabel(identity.dayStartMs),
    ...(day.nextTimestamp === undefined ? {} : { nextTimestamp: day.nextTimestamp }),
    sha256: sha256(rows),
  };
  const text = `${JSON.stringify(header).slice(0, -1)},"candles":${rows}}\n`;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, "w");
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // Persist the rename itself; some platforms cannot open a directory, which only weakens durability.
  try {
    const directory = await open(dirname(path), "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    // best effort
  }
}

/** Reads and verifies a day file (format, identity, checksum, every candle's invariants and its day). */
export async function readCandleDay(
  path: string,
  identity: { symbol: string; interval: string; intervalMs: number; dayStartMs: number },
): Promise<CandleDayRead> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing" };
    throw error;
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return { status: "corrupt", reason: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof parsed !== "object" || parsed === null)
    return { status: "corrupt", reason: "not a JSON object" };
  if (parsed.format !== FORMAT || parsed.version !== VERSION) {
    return {
      status: "corrupt",
      reason: `unknown format ${String(parsed.format)} v${String(parsed.version)}`,
    };
  }
  const expectedDay = dayLabel(identity.dayStartMs);
  if (
    parsed.symbol !== normalizeSymbol(identity.symbol) ||
    parsed.interval !== identity.interval ||
    parsed.day !== expectedDay
  ) {
    return {
      status: "corrupt",
      reason: `holds ${String(parsed.symbol)} ${String(parsed.interval)} ${String(parsed.day)}`,
    };
  }
  const rows = parsed.candles;
  if (!Array.isArray(rows)) return { status: "corrupt", reason: "no candles array" };
  if (sha256(JSON.stringify(rows)) !== parsed.sha256)
    return { status: "corrupt", reason: "checksum mismatch" };
  const nextTimestamp = parsed.nextTimestamp;
  if (nextTimestamp !== undefined && nextTimestamp !== null && typeof nextTimestamp !== "number") {
    return { status: "corrupt", reason: "invalid nextTimestamp" };
  }
  const dayEndMs = identity.dayStartMs + DAY_MS;
  const candles: ICandleData[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== 6 || row.some((value) => typeof value !== "number")) {
      return { status: "corrupt", reason: `malformed candle row ${JSON.stringify(row)}` };
    }
    const [timestamp, open, high, low, close, volume] = row as number[];
    const candle: ICandleData = {
      timestamp: timestamp!,
      open: open!,
      high: high!,
      low: low!,
      close: close!,
      volume: volume!,
    };
    // Core's allocation-free check; candleProblem builds the reason only for a bad row.
    if (
      !isWellFormedCandle(candle.timestamp, candle.open, candle.high, candle.low, candle.close, candle.volume)
    ) {
      return { status: "corrupt", reason: `candle ${candle.timestamp}: ${candleProblem(candle)}` };
    }
    if (
      candle.timestamp <= previous ||
      candle.timestamp < identity.dayStartMs ||
      candle.timestamp >= dayEndMs
    ) {
      return {
        status: "corrupt",
        reason: `candle ${candle.timestamp} out of order or outside ${expectedDay}`,
      };
    }
    if (candle.timestamp % identity.intervalMs !== 0) {
      return { status: "corrupt", reason: `candle ${candle.timestamp} not aligned to ${identity.interval}` };
    }
    previous = candle.timestamp;
    candles.push(candle);
  }
  return { status: "ok", day: { candles, nextTimestamp: nextTimestamp as number | null | undefined } };
}

/**
 * Why `candle` may not be stored in a day file after a row opening at `previousMs` (what readCandleDay
 * would refuse): a malformed value, not ascending, or not aligned to `intervalMs`; null when it may. Core's
 * allocation-free check runs first; candleProblem builds a message only for a bad row.
 */
export function cacheRowProblem(candle: ICandleData, previousMs: number, intervalMs: number): string | null {
  if (
    !isWellFormedCandle(candle.timestamp, candle.open, candle.high, candle.low, candle.close, candle.volume)
  ) {
    return candleProblem(candle);
  }
  if (candle.timestamp <= previousMs) return "not ascending";
  return candle.timestamp % intervalMs !== 0 ? "not aligned" : null;
}

/** Moves a bad file aside (`<file>.corrupt-<epoch ms>`) so it is never read again; returns the new path. */
export async function quarantineCandleDay(path: string, atMs: number): Promise<string> {
  const target = `${path}.corrupt-${atMs}`;
  await rename(path, target);
  return target;
}
