// downloadCandles: fills the candle cache (candleDayFile's format, as withCandleCache reads it) from any
// exchange, in bounded batches that never ask past `toMs`. Days already cached are not fetched again, each
// day is written as soon as it is complete, and a failing batch stops with an error naming symbol and range.

import {
  BtError,
  type CandleInterval,
  DAY_MS,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
} from "@bt/core";
import { cacheRowProblem, candleDayPath, readCandleDay, writeCandleDay } from "./candleDayFile";
import { normalizeSymbol } from "./candleFileName";
import { gapsOf, type ICandleDataGap } from "./listCandleData";

/** Progress of downloadCandles: `done` of `total` days to fetch (over all symbols), for an ETA. */
export interface IDownloadProgress {
  symbol: string;
  /** Days fetched and written so far (all symbols). */
  done: number;
  /** Days to fetch (all symbols); days already cached are not counted. */
  total: number;
  /** Requests made so far. */
  requests: number;
}

/** Options of downloadCandles. */
export interface IDownloadCandlesOptions {
  /** Symbols as the exchange spells them (e.g. "BTC/USDT"); cached under the normalised symbol. */
  symbols: ReadonlyArray<string>;
  interval: CandleInterval;
  /** Range start (epoch ms); rounded down to its UTC day, since the cache stores whole days. */
  fromMs: number;
  /** Range end (epoch ms, exclusive): only UTC days that end at or before it are fetched, and no request asks past it. */
  toMs: number;
  /** Cache root (the `dir` of withCandleCache). */
  cacheDir: string;
  /** Cache namespace; default the exchange's exchangeName (as withCandleCache). */
  cacheKey?: string;
  /** Candles asked per request (≥ 1); default 1,000. */
  batchCandles?: number;
  /** Called after every day written. */
  onProgress?: (progress: IDownloadProgress) => void;
  /** Clock (epoch ms) for "is this day finished"; default Date.now. */
  now?: () => number;
  /** A day is fetched only once it ended this long ago (late candles settle); default 300,000 (5 min). */
  settleMs?: number;
}

/** What downloadCandles did for one symbol. */
export interface IDownloadedSymbol {
  symbol: string;
  /** Days fetched and written now. */
  fetchedDays: number;
  /** Days that were already cached (not fetched). */
  cachedDays: number;
  /** Candles in the whole range, cached before or fetched now. */
  candles: number;
  firstAt: number | null;
  lastAt: number | null;
  /** Holes between consecutive candles of the range (cached and fetched days together). */
  gaps: ICandleDataGap[];
}

/** Result of downloadCandles. */
export interface IDownloadCandlesResult {
  exchange: string;
  interval: CandleInterval;
  /** UTC days covered: [fromDayMs, toDayMs). */
  fromDayMs: number;
  toDayMs: number;
  requests: number;
  symbols: IDownloadedSymbol[];
}

function downloadError(message: string, symbol: string, cause?: unknown): BtError {
  return new BtError("EXCHANGE", `exchange-file download: ${message}`, {
    field: "symbol",
    value: symbol,
    adapter: "file-download",
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Downloads `interval` candles of `symbols` for the UTC days in [fromMs, toMs) into the candle cache.
 * Resumable: a day already in the cache (valid) is not fetched again; a day is written once complete.
 * @throws BtError EXCHANGE naming the symbol and range of a failing batch (days written before it stay),
 *   or of a batch with an invalid candle; BtError VALIDATION for a bad range.
 * @example
 * await downloadCandles(createCcxtExchange({ exchangeId: "binance" }), {
 *   symbols: ["BTC/USDT"], interval: "1m", fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2025, 1, 1), cacheDir: ".bt/candles",
 * });
 */
export async function downloadCandles(
  exchange: IExchangeSchema,
  options: IDownloadCandlesOptions,
): Promise<IDownloadCandlesResult> {
  const { interval, cacheDir } = options;
  const intervalMs = intervalToMs(interval);
  const cacheKey = options.cacheKey ?? exchange.exchangeName;
  const batchCandles = Math.floor(options.batchCandles ?? 1_000);
  if (!(batchCandles >= 1)) {
    throw new BtError(
      "VALIDATION",
      `exchange-file download: batchCandles must be ≥ 1, got ${options.batchCandles}`,
      {
        field: "batchCandles",
        value: options.batchCandles,
      },
    );
  }
  if (!Number.isFinite(options.fromMs) || !Number.isFinite(options.toMs) || options.toMs <= options.fromMs) {
    throw new BtError("VALIDATION", "exchange-file download: toMs must be a time after fromMs", {
      field: "toMs",
      value: options.toMs,
    });
  }
  const now = options.now ?? Date.now;
  const settledBeforeMs = now() - (options.settleMs ?? 300_000);
  const fromDayMs = Math.floor(options.fromMs / DAY_MS) * DAY_MS;
  // Whole days only (a cached day is final), that have ended and settled, and never past toMs.
  const toDayMs = Math.max(fromDayMs, Math.floor(Math.min(options.toMs, settledBeforeMs) / DAY_MS) * DAY_MS);

  // First pass: which days are cached already (and their candles, for the gap report).
  const plans: Array<{ symbol: string; key: string; cached: Map<number, ICandleData[]>; missing: number[] }> =
    [];
  let total = 0;
  for (const symbol of options.symbols) {
    const key = normalizeSymbol(symbol);
    const cached = new Map<number, ICandleData[]>();
    const missing: number[] = [];
    for (let dayMs = fromDayMs; dayMs < toDayMs; dayMs += DAY_MS) {
      const path = candleDayPath(cacheDir, cacheKey, key, interval, dayMs);
      const read = await readCandleDay(path, { symbol: key, interval, intervalMs, dayStartMs: dayMs });
      if (read.status === "ok") cached.set(dayMs, read.day.candles);
      else missing.push(dayMs); // missing or corrupt: fetched (and a corrupt file replaced)
    }
    plans.push({ symbol, key, cached, missing });
    total += missing.length;
  }

  let done = 0;
  let requests = 0;
  const results: IDownloadedSymbol[] = [];
  for (const { symbol, key, cached, missing } of plans) {
    const fetched = new Map<number, ICandleData[]>();
    // Consecutive missing days are fetched as one run, in batches across day boundaries.
    let runAt = 0;
    while (runAt < missing.length) {
      let runEnd = runAt + 1;
      while (runEnd < missing.length && missing[runEnd]! === missing[runEnd - 1]! + DAY_MS) runEnd++;
      const runStartMs = missing[runAt]!;
      const runEndMs = missing[runEnd - 1]! + DAY_MS;
      let cursorMs = runStartMs;
      let buffer: ICandleData[] = [];
      let dayMs = runStartMs;
      let exhausted = false;
      const flushDaysBefore = async (
        limitMs: number,
        nextTimestamp: number | null | undefined,
      ): Promise<void> => {
        while (dayMs < limitMs && dayMs < runEndMs) {
          const dayEndMs = dayMs + DAY_MS;
          const candles = buffer.filter((candle) => candle.timestamp >= dayMs && candle.timestamp < dayEndMs);
          buffer = buffer.filter((candle) => candle.timestamp >= dayEndMs);
          const next = buffer[0]?.timestamp ?? (dayEndMs < limitMs ? undefined : nextTimestamp);
          const path = candleDayPath(cacheDir, cacheKey, key, interval, dayMs);
          try {
            await writeCandleDay(
              path,
              { cacheKey, symbol: key, interval, dayStartMs: dayMs },
              { candles, nextTimestamp: next },
            );
          } catch (error) {
            throw new BtError(
              "PERSIST",
              `exchange-file download: cannot write ${path}: ${(error as Error).message}`,
              {
                field: "cacheDir",
                value: cacheDir,
                adapter: "file-download",
                cause: error,
              },
            );
          }
          fetched.set(dayMs, candles);
          done++;
          options.onProgress?.({ symbol, done, total, requests });
          dayMs = dayEndMs;
        }
      };
      while (cursorMs < runEndMs && !exhausted) {
        const limit = Math.min(batchCandles, Math.ceil((runEndMs - cursorMs) / intervalMs));
        const rangeText = `${new Date(cursorMs).toISOString()} + ${limit} × ${interval}`;
        let batch: ICandleData[];
        try {
          requests++;
          batch = await exchange.getCandles(symbol, interval, new Date(cursorMs), limit);
        } catch (error) {
          throw downloadError(
            `${exchange.exchangeName} ${symbol} ${interval} candles from ${rangeText} failed (days before ${new Date(dayMs).toISOString().slice(0, 10)} are saved): ${(error as Error).message}`,
            symbol,
            error,
          );
        }
        let previousMs = buffer.length > 0 ? buffer[buffer.length - 1]!.timestamp : Number.NEGATIVE_INFINITY;
        let lastMs = Number.NaN;
        for (const candle of batch) {
          if (candle.timestamp < cursorMs) continue;
          const problem = cacheRowProblem(candle, previousMs, intervalMs);
          if (problem !== null) {
            throw downloadError(
              `${exchange.exchangeName} returned an invalid ${symbol} ${interval} candle at ${candle.timestamp} (batch ${rangeText}): ${problem}`,
              symbol,
            );
          }
          previousMs = candle.timestamp;
          lastMs = candle.timestamp;
          if (candle.timestamp < runEndMs) buffer.push(candle);
        }
        if (Number.isNaN(lastMs)) {
          // Nothing at or after the cursor: the source has no more data in this run.
          exhausted = true;
          await flushDaysBefore(runEndMs, null);
          break;
        }
        cursorMs = lastMs + intervalMs;
        // Days that ended before the cursor are complete: write them now (a later failure keeps them).
        await flushDaysBefore(
          Math.floor(cursorMs / DAY_MS) * DAY_MS,
          cursorMs < runEndMs ? undefined : lastMs,
        );
      }
      await flushDaysBefore(runEndMs, undefined);
      runAt = runEnd;
    }
    const times: number[] = [];
    for (let dayMs = fromDayMs; dayMs < toDayMs; dayMs += DAY_MS) {
      for (const candle of cached.get(dayMs) ?? fetched.get(dayMs) ?? []) times.push(candle.timestamp);
    }
    const gaps = gapsOf(Float64Array.from(times), intervalMs);
    results.push({
      symbol: key,
      fetchedDays: fetched.size,
      cachedDays: cached.size,
      candles: times.length,
      firstAt: times[0] ?? null,
      lastAt: times.length === 0 ? null : times[times.length - 1]!,
      gaps,
    });
  }
  return { exchange: cacheKey, interval, fromDayMs, toDayMs, requests, symbols: results };
}
