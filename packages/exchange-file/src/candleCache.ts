// withCandleCache: wraps any exchange's getCandles with an on-disk cache of whole UTC days, so a re-run of
// the same backtest (new process, same dir) makes no call to the inner exchange. Only days that ended in the
// past are stored; the current day always goes to the inner exchange. Corrupt files are quarantined, refetched.

import {
  BtError,
  type CandleInterval,
  DAY_MS,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
} from "@bt/core";
import {
  cacheRowProblem,
  candleDayPath,
  type ICandleDay,
  quarantineCandleDay,
  readCandleDay,
  writeCandleDay,
} from "./candleDayFile";
import { candleRequestSinceMs } from "./candleRequest";

/** Options of withCandleCache. */
export interface ICandleCacheOptions {
  /** Cache root directory; files go to `<dir>/<cacheKey>/<SYMBOL>/<interval>/<YYYY-MM-DD>.json`. */
  dir: string;
  /** Cache namespace; default the inner exchange's `exchangeName`. */
  cacheKey?: string;
  /** Called with a message when a corrupt cache file is quarantined; default console.warn. */
  onWarning?: (message: string) => void;
  /** Clock in epoch ms, injectable for tests; default Date.now. */
  now?: () => number;
  /** A day is final once this many ms have passed after its end (late candles settle); default 300,000 (5 min). */
  settleMs?: number;
  /** Days kept in memory per wrapper (least recently used evicted); default 64. */
  memoryDays?: number;
  /**
   * Never ask the inner exchange (default false): a day that is not cached is a BtError EXCHANGE naming
   * the symbol, interval and day, at once, instead of a network attempt.
   */
  offline?: boolean;
}

/**
 * Wraps `exchange` so candles of finished UTC days are stored on disk and reused across runs.
 * @throws BtError PERSIST from getCandles when a day file cannot be written.
 * @example
 * const exchange = withCandleCache(createCcxtExchange({ exchangeId: "binance" }), { dir: ".bt/candles" });
 */
export function withCandleCache(exchange: IExchangeSchema, options: ICandleCacheOptions): IExchangeSchema {
  const cacheKey = options.cacheKey ?? exchange.exchangeName;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const now = options.now ?? Date.now;
  const settleMs = options.settleMs ?? 300_000;
  const memoryDays = Math.max(1, options.memoryDays ?? 64);
  const memory = new Map<string, Promise<ICandleDay>>();
  const offline = options.offline === true;
  const notCached = (symbol: string, interval: CandleInterval, dayStartMs: number): BtError =>
    new BtError(
      "EXCHANGE",
      `exchange-file cache: ${cacheKey} ${symbol} ${interval} candles of ${new Date(dayStartMs).toISOString().slice(0, 10)} are not in the cache ${options.dir} (offline: the exchange is not asked)`,
      { field: "offline", value: dayStartMs, adapter: "file-cache" },
    );

  const fetchDay = async (
    symbol: string,
    interval: CandleInterval,
    intervalMs: number,
    dayStartMs: number,
  ): Promise<ICandleDay> => {
    const perDay = Math.ceil(DAY_MS / intervalMs);
    const fetched = await exchange.getCandles(symbol, interval, new Date(dayStartMs), perDay);
    const dayEndMs = dayStartMs + DAY_MS;
    const candles = fetched.filter((candle) => candle.timestamp >= dayStartMs && candle.timestamp < dayEndMs);
    // Never store what the cache would refuse to read back: the source's rows are checked first.
    let previousMs = Number.NEGATIVE_INFINITY;
    for (const candle of candles) {
      const problem = cacheRowProblem(candle, previousMs, intervalMs);
      if (problem !== null) {
        throw new BtError(
          "CANDLES",
          `exchange-file cache: ${exchange.exchangeName} returned an invalid ${symbol} ${interval} candle at ${candle.timestamp}: ${problem}`,
          { field: "candles", value: candle, adapter: "file-cache" },
        );
      }
      previousMs = candle.timestamp;
    }
    const after = fetched.find((candle) => candle.timestamp >= dayEndMs);
    // Fewer candles than asked means the source has nothing more after them (IExchangeSchema contract).
    const nextTimestamp = after !== undefined ? after.timestamp : fetched.length < perDay ? null : undefined;
    return { candles, nextTimestamp };
  };

  const loadDay = async (
    symbol: string,
    interval: CandleInterval,
    intervalMs: number,
    dayStartMs: number,
  ): Promise<ICandleDay> => {
    const path = candleDayPath(options.dir, cacheKey, symbol, interval, dayStartMs);
    const read = await readCandleDay(path, { symbol, interval, intervalMs, dayStartMs });
    if (read.status === "ok") return read.day;
    if (read.status === "corrupt") {
      const movedTo = await quarantineCandleDay(path, now());
      warn(`exchange-file cache: ${path} is corrupt (${read.reason}); moved to ${movedTo} and refetched`);
    }
    if (offline) throw notCached(symbol, interval, dayStartMs);
    const day = await fetchDay(symbol, interval, intervalMs, dayStartMs);
    try {
      await writeCandleDay(path, { cacheKey, symbol, interval, dayStartMs }, day);
    } catch (error) {
      throw new BtError("PERSIST", `exchange-file cache: cannot write ${path}: ${(error as Error).message}`, {
        field: "dir",
        value: options.dir,
        adapter: "file-cache",
        cause: error,
      });
    }
    return day;
  };

  const day = (
    symbol: string,
    interval: CandleInterval,
    intervalMs: number,
    dayStartMs: number,
  ): Promise<ICandleDay> => {
    const key = `${symbol}\u0000${interval}\u0000${dayStartMs}`;
    let pending = memory.get(key);
    if (pending !== undefined) {
      memory.delete(key); // re-insert below: Map order is the LRU order
    } else {
      pending = loadDay(symbol, interval, intervalMs, dayStartMs);
      pending.catch(() => memory.delete(key));
    }
    memory.set(key, pending);
    while (memory.size > memoryDays) memory.delete(memory.keys().next().value!);
    return pending;
  };

  return {
    exchangeName: exchange.exchangeName,
    note: exchange.note,
    ...(exchange.formatPrice === undefined ? {} : { formatPrice: exchange.formatPrice.bind(exchange) }),
    ...(exchange.formatQuantity === undefined
      ? {}
      : { formatQuantity: exchange.formatQuantity.bind(exchange) }),
    async getCandles(
      symbol: string,
      interval: CandleInterval,
      since: Date,
      limit: number,
    ): Promise<ICandleData[]> {
      const intervalMs = intervalToMs(interval);
      const sinceMs = candleRequestSinceMs("exchange-file cache", "file-cache", since, limit);
      const result: ICandleData[] = [];
      let cursorMs = sinceMs;
      const finalBeforeMs = now() - settleMs;
      while (result.length < limit) {
        const dayStartMs = Math.floor(cursorMs / DAY_MS) * DAY_MS;
        if (dayStartMs + DAY_MS > finalBeforeMs) {
          // The current (or a future) day is not final: ask the source, store nothing.
          if (offline) throw notCached(symbol, interval, dayStartMs);
          const rest = await exchange.getCandles(symbol, interval, new Date(cursorMs), limit - result.length);
          for (const candle of rest)
            if (candle.timestamp >= cursorMs && result.length < limit) result.push(candle);
          break;
        }
        const { candles, nextTimestamp } = await day(symbol, interval, intervalMs, dayStartMs);
        for (const candle of candles) {
          if (candle.timestamp >= cursorMs && result.length < limit) result.push(candle);
        }
        if (nextTimestamp === null) break;
        cursorMs = Math.max(dayStartMs + DAY_MS, nextTimestamp ?? 0);
      }
      return result;
    },
  };
}
