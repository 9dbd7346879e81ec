// How files map to symbols and intervals: `<SYMBOL>[-<interval>][-<anything>].<csv|json|jsonl|ndjson>[.gz]`,
// e.g. BTCUSDT-1m-2025-06.csv.gz (a Binance monthly dump) or ETHUSDT.csv (interval defaults to 1m).

import { CANDLE_INTERVALS, type CandleInterval } from "@bt/core";

/** What a candle file name says about its content. */
export interface ICandleFileName {
  /** Normalised symbol (see normalizeSymbol). */
  symbol: string;
  /** Interval from the name, or undefined when the name has none. */
  interval: CandleInterval | undefined;
  /** "csv" or "json" (JSON Lines included). */
  kind: "csv" | "json";
  gzip: boolean;
}

const FILE_PATTERN = new RegExp(
  `^([A-Za-z0-9]+)(?:[-_](${CANDLE_INTERVALS.join("|")}))?(?:[-_.][^/\\\\]*?)?\\.(csv|json|jsonl|ndjson)(\\.gz)?$`,
);

/** Symbol key used for files and the cache: upper case, separators removed ("BTC/USDT" → "BTCUSDT"). */
export function normalizeSymbol(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** Symbol, interval and kind of a candle file from its base name, or null when the name is not one. */
export function parseCandleFileName(baseName: string): ICandleFileName | null {
  const match = FILE_PATTERN.exec(baseName);
  if (match === null) return null;
  const [, symbol, interval, extension, gz] = match;
  return {
    symbol: normalizeSymbol(symbol!),
    interval: interval as CandleInterval | undefined,
    kind: extension === "csv" ? "csv" : "json",
    gzip: gz !== undefined,
  };
}
