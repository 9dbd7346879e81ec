// createFileExchange: an IExchangeSchema served from local candle files. Files are found in a directory by
// name (Binance `BTCUSDT-1m-2025-06.zip|csv[.gz]`, freqtrade `BTC_USDT-5m.json|feather`, …) or listed per
// symbol, loaded lazily once per symbol into columns; any interval is served natively or aggregated on
// first use from the finest file interval that divides it.

import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  aggregateBucketsKeepingGaps,
  areCandleColumnsChecked,
  BtError,
  type CandleInterval,
  describeValue,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
  MINUTE_MS,
  markCandleColumnsChecked,
  sliceCandleColumns,
} from "@bt/core";
import { columnsToCandles, type ICandleColumns, lowerBound } from "./candleColumns";
import { type CandleFileKind, normalizeSymbol, parseCandleFileName } from "./candleFileName";
import type { ICandleFile, ICandleGap, IReadCandleFileOptions } from "./candleFileTypes";
import { candleRequestSinceMs } from "./candleRequest";
import { mergeCandleFiles } from "./mergeCandleFiles";
import { readCandleFile } from "./readCandleFile";

/** Options of createFileExchange; give `dir` or `files` (or both). */
export interface IFileExchangeOptions extends Omit<IReadCandleFileOptions, "interval" | "gzip"> {
  /** Name the engine registers the exchange under; default "file". */
  exchangeName?: string;
  /**
   * Directory scanned (not recursively) for candle files: `<SYMBOL>[-<interval>][-<anything>].<ext>` with ext
   * csv, json, jsonl, ndjson (each optionally .gz), feather or zip; freqtrade's `BASE_QUOTE[_SETTLE]` symbols too.
   */
  dir?: string;
  /** Files per symbol, e.g. { BTCUSDT: ["BTCUSDT-1m-2025-01.csv.gz", "BTCUSDT-1m-2025-02.csv.gz"] }. */
  files?: Readonly<Record<string, string | ReadonlyArray<string>>>;
  /** Interval of files whose name carries none; default "1m". */
  interval?: CandleInterval;
  /** Decimals used by formatPrice (one number, or per symbol); default: the most seen in the file's prices. */
  priceDecimals?: number | Readonly<Record<string, number>>;
  /** Decimals used by formatQuantity (one number, or per symbol); default: the most seen in the file's volumes. */
  quantityDecimals?: number | Readonly<Record<string, number>>;
}

/** Everything loaded for one symbol. */
export interface IFileSymbolData {
  symbol: string;
  /** Candles per interval length in ms (native files first, aggregated intervals added on demand). */
  columnsByIntervalMs: Map<number, ICandleColumns>;
  /** Gaps found inside and between the symbol's files. */
  gaps: ICandleGap[];
  files: string[];
  priceDecimals: number;
  volumeDecimals: number;
}

/** The exchange returned by createFileExchange: the IExchangeSchema plus column and gap access. */
export interface IFileExchange extends IExchangeSchema {
  formatPrice(symbol: string, price: number): Promise<string>;
  formatQuantity(symbol: string, quantity: number): Promise<string>;
  /** Normalised symbols that have files. */
  listSymbols(): Promise<string[]>;
  /**
   * The symbol's candles of `interval` as columns (shared, do not mutate): from files of that interval, else
   * aggregated (UTC-aligned, partial edge buckets dropped) from the finest file interval that divides it.
   * @throws BtError CANDLES (field "interval") when no file interval divides `interval`.
   */
  getColumns(symbol: string, interval: CandleInterval): Promise<ICandleColumns>;
  /**
   * Intervals the symbol has files of, finest first (from the file names alone: nothing is read), e.g.
   * ["5m"] for a symbol with only `BTC_USDT-5m.json`; every multiple of one of them can be asked for too.
   * @throws BtError CANDLES (field "symbol") for a symbol without files.
   */
  intervalsOf(symbol: string): Promise<CandleInterval[]>;
  /** The finest of intervalsOf: a backtest of a symbol without 1m files runs on it (IExchangeSchema). */
  getBaseInterval(symbol: string): Promise<CandleInterval>;
  /**
   * Views of the symbol's `interval` columns (as getColumns) with open time in [fromMs, toMs) (epoch ms).
   * Marked checked (core's areCandleColumnsChecked) when served from files of that interval; aggregated
   * intervals are not marked.
   */
  getIntervalColumns(
    symbol: string,
    interval: CandleInterval,
    fromMs: number,
    toMs: number,
  ): Promise<ICandleColumns>;
  /**
   * Views of the symbol's 1m columns with open time in [fromMs, toMs) (epoch ms); null without 1m files.
   * Marked checked (core's areCandleColumnsChecked): every row passed isWellFormedCandle, times ascend.
   */
  getCandleColumns(symbol: string, fromMs: number, toMs: number): Promise<ICandleColumns | null>;
  /** Gaps reported while loading the symbol's files (with onGap "report", the default). */
  getGaps(symbol: string): Promise<ICandleGap[]>;
}

interface IFileEntry {
  path: string;
  interval: CandleInterval;
  gzip: boolean | undefined;
  /** From the name (undefined for explicit `files` whose name says nothing): picks the reader. */
  kind: CandleFileKind | undefined;
}

function decimalsFor(
  option: number | Readonly<Record<string, number>> | undefined,
  symbol: string,
): number | undefined {
  if (option === undefined || typeof option === "number") return option;
  return option[symbol] ?? option[normalizeSymbol(symbol)];
}

/**
 * Creates an exchange serving candles from local files.
 * @throws BtError CONFIG when neither `dir` nor `files` is given.
 * @example
 * const exchange = createFileExchange({ dir: "examples/data" });
 * const candles = await exchange.getCandles("BTCUSDT", "15m", new Date("2025-01-02"), 96);
 */
export function createFileExchange(options: IFileExchangeOptions): IFileExchange {
  if (options.dir === undefined && options.files === undefined) {
    throw new BtError(
      "CONFIG",
      "exchange-file: give `dir` (a directory of candle files) or `files` (per symbol)",
      {
        field: "dir",
        value: undefined,
        adapter: "file",
      },
    );
  }
  const exchangeName = options.exchangeName ?? "file";
  const defaultInterval = options.interval ?? "1m";
  let catalog: Promise<Map<string, IFileEntry[]>> | undefined;
  const loaded = new Map<string, Promise<IFileSymbolData>>();

  const buildCatalog = async (): Promise<Map<string, IFileEntry[]>> => {
    const entries = new Map<string, IFileEntry[]>();
    const add = (symbol: string, entry: IFileEntry): void => {
      const list = entries.get(symbol) ?? [];
      list.push(entry);
      entries.set(symbol, list);
    };
    if (options.dir !== undefined) {
      let names: string[];
      try {
        names = await readdir(options.dir);
      } catch (error) {
        throw new BtError(
          "CANDLES",
          `exchange-file: cannot list ${options.dir}: ${(error as Error).message}`,
          {
            field: "dir",
            value: options.dir,
            adapter: "file",
            cause: error,
          },
        );
      }
      for (const name of names.sort()) {
        const parsed = parseCandleFileName(name);
        if (parsed === null) continue;
        add(parsed.symbol, {
          path: join(options.dir, name),
          interval: parsed.interval ?? defaultInterval,
          gzip: parsed.gzip || undefined,
          kind: parsed.kind,
        });
      }
    }
    for (const [symbol, paths] of Object.entries(options.files ?? {})) {
      for (const path of typeof paths === "string" ? [paths] : paths) {
        const parsed = parseCandleFileName(basename(path));
        add(normalizeSymbol(symbol), {
          path,
          interval: parsed?.interval ?? defaultInterval,
          gzip: undefined,
          kind: parsed?.kind,
        });
      }
    }
    return entries;
  };

  const entriesOf = async (symbol: string): Promise<IFileEntry[]> => {
    catalog ??= buildCatalog();
    const entries = (await catalog).get(symbol);
    if (entries === undefined || entries.length === 0) {
      const where = options.dir === undefined ? "in `files`" : `in ${options.dir}`;
      throw new BtError(
        "CANDLES",
        `exchange-file: no candle file for symbol ${describeValue(symbol)} ${where} (expected e.g. ${symbol}-1m-2025-01.csv.gz or ${symbol}-1m-2025-01.zip)`,
        { field: "symbol", value: symbol, adapter: "file" },
      );
    }
    return entries;
  };

  const loadSymbol = async (symbol: string): Promise<IFileSymbolData> => {
    const entries = await entriesOf(symbol);
    const files: ICandleFile[] = [];
    for (const entry of entries) {
      // A format option (e.g. "binance") describes the CSV files; zip, feather and json go by their name.
      const format = entry.kind === undefined || entry.kind === "csv" ? options.format : entry.kind;
      files.push(
        await readCandleFile(entry.path, {
          ...options,
          ...(format === undefined ? {} : { format }),
          interval: entry.interval,
          ...(entry.gzip === undefined ? {} : { gzip: entry.gzip }),
        }),
      );
    }
    const byInterval = new Map<number, ICandleFile[]>();
    for (const file of files) {
      const intervalMs = intervalToMs(file.interval);
      byInterval.set(intervalMs, [...(byInterval.get(intervalMs) ?? []), file]);
    }
    const columnsByIntervalMs = new Map<number, ICandleColumns>();
    const gaps: ICandleGap[] = [];
    for (const [intervalMs, group] of byInterval) {
      const merged = mergeCandleFiles(group, intervalMs, options.onGap ?? "report");
      columnsByIntervalMs.set(intervalMs, merged.columns);
      gaps.push(...merged.gaps);
    }
    return {
      symbol,
      columnsByIntervalMs,
      gaps,
      files: files.map((file) => file.file),
      priceDecimals: Math.max(...files.map((file) => file.priceDecimals)),
      volumeDecimals: Math.max(...files.map((file) => file.volumeDecimals)),
    };
  };

  const load = (symbol: string): Promise<IFileSymbolData> => {
    const key = normalizeSymbol(symbol);
    let pending = loaded.get(key);
    if (pending === undefined) {
      pending = loadSymbol(key);
      loaded.set(key, pending);
      // A failed load is not cached: fixing the file and asking again works without a new exchange.
      pending.catch(() => loaded.delete(key));
    }
    return pending;
  };

  const getColumns = async (symbol: string, interval: CandleInterval): Promise<ICandleColumns> => {
    const targetMs = intervalToMs(interval);
    const data = await load(symbol);
    const existing = data.columnsByIntervalMs.get(targetMs);
    if (existing !== undefined) return existing;
    const sources = [...data.columnsByIntervalMs.keys()].filter(
      (sourceMs) => sourceMs < targetMs && targetMs % sourceMs === 0,
    );
    if (sources.length === 0) {
      throw new BtError(
        "CANDLES",
        `exchange-file: no ${interval} candles for ${data.symbol}: its files hold ${[...data.columnsByIntervalMs.keys()].map((ms) => `${ms / MINUTE_MS}m`).join(", ")}, none of which divides ${interval}`,
        { field: "interval", value: interval, adapter: "file" },
      );
    }
    // The finest source: the most detailed data (and, with files of several intervals, usually the longest).
    const sourceMs = Math.min(...sources);
    const aggregated = aggregateBucketsKeepingGaps(
      data.columnsByIntervalMs.get(sourceMs)!,
      sourceMs,
      targetMs,
    );
    data.columnsByIntervalMs.set(targetMs, aggregated);
    return aggregated;
  };

  const format = async (
    symbol: string,
    value: number,
    option: number | Readonly<Record<string, number>> | undefined,
    pickInferred: (data: IFileSymbolData) => number,
  ): Promise<string> => {
    const configured = decimalsFor(option, symbol);
    if (configured !== undefined) return value.toFixed(configured);
    try {
      return value.toFixed(Math.min(20, pickInferred(await load(symbol))));
    } catch (error) {
      // A symbol without files is formatted as-is; a broken file is an error worth seeing.
      if (BtError.isInstance(error) && error.field === "symbol") return String(value);
      throw error;
    }
  };

  const intervalsOf = async (symbol: string): Promise<CandleInterval[]> => {
    const entries = await entriesOf(normalizeSymbol(symbol));
    const intervals = [...new Set(entries.map((entry) => entry.interval))];
    return intervals.sort((left, right) => intervalToMs(left) - intervalToMs(right));
  };

  return {
    exchangeName,
    note: `candles from local files${options.dir === undefined ? "" : ` in ${options.dir}`}`,
    async getCandles(
      symbol: string,
      interval: CandleInterval,
      since: Date,
      limit: number,
    ): Promise<ICandleData[]> {
      const sinceMs = candleRequestSinceMs("exchange-file", "file", since, limit);
      const columns = await getColumns(symbol, interval);
      const from = lowerBound(columns.timestamp, sinceMs);
      return columnsToCandles(columns, from, Math.min(columns.timestamp.length, from + limit));
    },
    async getCandleColumns(symbol: string, fromMs: number, toMs: number): Promise<ICandleColumns | null> {
      const data = await load(symbol);
      const columns = data.columnsByIntervalMs.get(MINUTE_MS);
      if (columns === undefined) return null;
      const from = lowerBound(columns.timestamp, fromMs);
      const views = sliceCandleColumns(columns, from, Math.max(from, lowerBound(columns.timestamp, toMs)));
      // The readers checked every row (core's isWellFormedCandle, ascending aligned times): the engine's
      // loader can skip its own pass over views of such columns.
      return areCandleColumnsChecked(columns) ? markCandleColumnsChecked(views) : views;
    },
    formatPrice: (symbol, price) =>
      format(symbol, price, options.priceDecimals, (data) => data.priceDecimals),
    formatQuantity: (symbol, quantity) =>
      format(symbol, quantity, options.quantityDecimals, (data) => data.volumeDecimals),
    async listSymbols() {
      catalog ??= buildCatalog();
      return [...(await catalog).keys()].sort();
    },
    getColumns,
    intervalsOf,
    // The engine backtests a symbol without 1m files on its finest files' interval.
    getBaseInterval: async (symbol: string) => (await intervalsOf(symbol))[0] ?? "1m",
    async getIntervalColumns(
      symbol: string,
      interval: CandleInterval,
      fromMs: number,
      toMs: number,
    ): Promise<ICandleColumns> {
      const columns = await getColumns(symbol, interval);
      const from = lowerBound(columns.timestamp, fromMs);
      const views = sliceCandleColumns(columns, from, Math.max(from, lowerBound(columns.timestamp, toMs)));
      return areCandleColumnsChecked(columns) ? markCandleColumnsChecked(views) : views;
    },
    async getGaps(symbol: string) {
      return (await load(symbol)).gaps;
    },
  };
}
