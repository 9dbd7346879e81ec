// How files map to symbols and intervals. Two naming styles are understood:
// Binance dumps `BTCUSDT-1m-2025-06.zip`, `BTCUSDT-1m-2025-06-02.csv(.gz)` and freqtrade's
// `BTC_USDT-1m.json`, `BTC_USDT-5m.feather`, futures `BTC_USDT_USDT-1h-futures.feather`; both give BTCUSDT.

import { type CandleInterval, isCandleInterval } from "@bt/core";

/** Content format of a candle file, from its extension. */
export type CandleFileKind = "csv" | "json" | "feather" | "zip";

/** What a candle file name says about its content. */
export interface ICandleFileName {
  /** Normalised symbol (see normalizeSymbol): "BTCUSDT" for BTCUSDT-1m-…, BTC_USDT-1m… and BTC_USDT_USDT-1h-futures…. */
  symbol: string;
  /** Interval from the name, or undefined when the name has none. */
  interval: CandleInterval | undefined;
  /** "csv", "json" (JSON Lines included), "feather" (Arrow IPC) or "zip" (a Binance dump of CSV files). */
  kind: CandleFileKind;
  /** True for `.csv.gz` / `.json.gz` (zip and feather carry their own compression). */
  gzip: boolean;
  /** "futures" for freqtrade's `-futures` files and pairs with a settle currency (BTC_USDT_USDT); else "spot". */
  market: "spot" | "futures";
}

/** Why a file name is not a candle file bt reads (see describeCandleFileName). */
export type CandleFileNameProblem =
  | { kind: "extension" }
  | { kind: "interval"; interval: string }
  | { kind: "candle-type"; candleType: string };

/** Result of describeCandleFileName: a candle file, or the reason it is not one. */
export type CandleFileNameResult =
  | { ok: true; name: ICandleFileName }
  | { ok: false; problem: CandleFileNameProblem };

const EXTENSION_PATTERN = /\.(csv|json|jsonl|ndjson|feather|zip)(\.gz)?$/i;
/** Something that looks like an interval ("1w", "1M", "3d") even when bt does not support it. */
const INTERVAL_LIKE = /^\d+[smhdwMy]$/;
/** freqtrade's non-trade candle types (mark / index / premium prices, funding rates): not OHLCV of trades. */
const OTHER_CANDLE_TYPES = new Set(["mark", "index", "premiumindex", "funding_rate", "fundingrate"]);

/** Symbol key used for files and the cache: upper case, separators removed ("BTC/USDT" → "BTCUSDT"). */
export function normalizeSymbol(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/**
 * The symbol of a name's symbol part: freqtrade writes `BASE_QUOTE` (spot) and `BASE_QUOTE_SETTLE` (futures
 * `BASE/QUOTE:SETTLE`), whose settle part is dropped so both give `BASEQUOTE`.
 */
function symbolOf(part: string): { symbol: string; settled: boolean } {
  const pieces = part.split("_").filter((piece) => piece !== "");
  const settled = pieces.length === 3 && pieces[2]!.toUpperCase() === pieces[1]!.toUpperCase();
  return { symbol: normalizeSymbol((settled ? pieces.slice(0, 2) : pieces).join("")), settled };
}

/**
 * What a base name says, or why it is not a candle file: an unknown extension, an interval bt does not
 * support (e.g. "1w"), or a freqtrade candle type that is not trades (mark, index, funding_rate).
 */
export function describeCandleFileName(baseName: string): CandleFileNameResult {
  const extension = EXTENSION_PATTERN.exec(baseName);
  if (extension === null || extension.index === 0) return { ok: false, problem: { kind: "extension" } };
  const kindText = extension[1]!.toLowerCase();
  const gzip = extension[2] !== undefined;
  // zip and feather are compressed containers already: "x.zip.gz" is not something a dump tool writes.
  if (gzip && (kindText === "zip" || kindText === "feather"))
    return { ok: false, problem: { kind: "extension" } };
  const kind: CandleFileKind =
    kindText === "csv" ? "csv" : kindText === "feather" ? "feather" : kindText === "zip" ? "zip" : "json";
  const stem = baseName.slice(0, extension.index);
  const parts = stem.split("-");
  // The interval is the first dash-separated part after the symbol that looks like one: the parts before it
  // are the symbol (so "BTC-USDT-1m.csv" also works); without one, the symbol is the first part.
  let intervalAt = -1;
  for (let index = 1; index < parts.length; index++) {
    if (INTERVAL_LIKE.test(parts[index]!)) {
      intervalAt = index;
      break;
    }
  }
  let symbolPart = intervalAt < 0 ? parts[0]! : parts.slice(0, intervalAt).join("");
  let intervalText = intervalAt < 0 ? undefined : parts[intervalAt]!;
  if (intervalText === undefined) {
    // An older spelling: BTCUSDT_1m.csv.
    const underscored = /^(.+)_(\d+[smhdwMy])$/.exec(parts[0]!);
    if (underscored !== null) {
      symbolPart = underscored[1]!;
      intervalText = underscored[2]!;
    }
  }
  if (intervalText !== undefined && !isCandleInterval(intervalText)) {
    return { ok: false, problem: { kind: "interval", interval: intervalText } };
  }
  const rest = intervalAt < 0 ? [] : parts.slice(intervalAt + 1).map((part) => part.toLowerCase());
  const candleType = rest.length === 1 ? rest[0]! : undefined;
  if (candleType !== undefined && OTHER_CANDLE_TYPES.has(candleType)) {
    return { ok: false, problem: { kind: "candle-type", candleType } };
  }
  const { symbol, settled } = symbolOf(symbolPart);
  if (symbol === "") return { ok: false, problem: { kind: "extension" } };
  return {
    ok: true,
    name: {
      symbol,
      interval: intervalText as CandleInterval | undefined,
      kind,
      gzip,
      market: settled || candleType === "futures" ? "futures" : "spot",
    },
  };
}

/**
 * Symbol, interval and kind of a candle file from its base name, or null when the name is not one.
 * @example parseCandleFileName("BTC_USDT_USDT-1h-futures.feather") // { symbol: "BTCUSDT", interval: "1h", kind: "feather", … }
 */
export function parseCandleFileName(baseName: string): ICandleFileName | null {
  const result = describeCandleFileName(baseName);
  return result.ok ? result.name : null;
}
