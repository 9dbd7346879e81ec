// Options and results shared by the file readers: column mapping, time units, gap policy, the loaded
// file (columns + reported gaps + inferred precision).

import type { CandleInterval } from "@bt/core";
import type { ICandleColumns } from "./candleColumns";

/** How a column is found: its header name (case-insensitive) or its 0-based index. */
export type ColumnRef = string | number;

/**
 * Unit of the time column: epoch seconds, ms, microseconds, nanoseconds, ISO-8601 text, or "auto" (by
 * magnitude: ≥ 1e17 ns, ≥ 1e14 µs, ≥ 1e11 ms, ≥ 1e8 s, anything else is rejected; text → ISO-8601).
 */
export type TimeUnit = "auto" | "ms" | "s" | "us" | "ns" | "iso";

/**
 * File format: Binance kline CSV (12 columns), generic OHLCV CSV, JSON / JSON Lines, Arrow IPC / feather
 * (freqtrade), a zip of CSV files (Binance's public dumps), or "auto" by extension.
 */
export type CandleFileFormat = "auto" | "binance" | "csv" | "json" | "feather" | "zip";

/** What a reader does with an invalid row: "error" throws at the first one, "skip" leaves it out and records it. */
export type BadLinePolicy = "error" | "skip";

/** An invalid row a reader skipped (onBadLine "skip"), or the rows listed by importCandles' error. */
export interface ICandleBadLine {
  /** File the row is in (for a zip entry: `archive.zip!entry.csv`). */
  file: string;
  /** 1-based line (text files), item (JSON arrays) or row (Arrow tables). */
  line: number;
  /** What `line` counts. */
  position: "line" | "item" | "row";
  /** The offending field: timestamp, open, high, low, close, volume, columns or line. */
  field: string;
  /** The offending value, as read (raw text when the field did not parse). */
  value: number | string;
  /** What is wrong, e.g. "high 98 is below low 99". */
  reason: string;
}

/**
 * What a file reader does when consecutive candles of a file are more than one interval apart: "error"
 * throws at the first gap, "report" returns the gaps (in `gaps`) with the data. Distinct from the engine's
 * MissingCandlePolicy ("error" | "fill"), which decides how a backtest treats missing minutes.
 */
export type FileGapPolicy = "error" | "report";

/** Where the OHLCV fields are; defaults: header names (aliases such as open_time, timestamp, o, vol) or 0..5. */
export interface ICandleColumnMapping {
  timestamp?: ColumnRef;
  open?: ColumnRef;
  high?: ColumnRef;
  low?: ColumnRef;
  close?: ColumnRef;
  volume?: ColumnRef;
}

/** Options of readCandleFile. */
export interface IReadCandleFileOptions {
  /** File format; default "auto" (.json/.jsonl/.ndjson → json; .csv → csv with Binance-compatible defaults). */
  format?: CandleFileFormat;
  /** Candle interval of the file, used for alignment and gap checks; default "1m". */
  interval?: CandleInterval;
  /** CSV field separator (one ASCII character); default: detected from the first line among , ; tab | (else ","). */
  delimiter?: string;
  /** Whether the first line is a header; default "auto" (a first line whose time field is not a time). */
  header?: boolean | "auto";
  /** Column mapping for generic CSV / JSON. */
  columns?: ICandleColumnMapping;
  /** Unit of the time column; default "auto" (≥ 1e14 → µs, ≥ 1e11 → ms, else s; text → ISO-8601). */
  timeUnit?: TimeUnit;
  /** Gap policy; default "report" (gaps are returned in `gaps`; real exchange dumps have maintenance gaps). */
  onGap?: FileGapPolicy;
  /** Gzip: default by extension (.gz) or by the gzip magic bytes. */
  gzip?: boolean;
  /** Invalid rows: "error" (default) throws naming file, line, field and value; "skip" leaves them out (see `badLines`). */
  onBadLine?: BadLinePolicy;
}

/** A hole in the data: candles missing between two consecutive rows of one file (or across files). */
export interface ICandleGap {
  /** File the gap was found in. */
  file: string;
  /** 1-based line (JSON arrays: item number) of the first candle after the gap. */
  line: number;
  /** Open time (epoch ms) of the last candle before the gap. */
  afterMs: number;
  /** Open time (epoch ms) of the first candle after the gap. */
  beforeMs: number;
  /** Number of missing candles of the file's interval. */
  missingCandles: number;
}

/** A loaded candle file. */
export interface ICandleFile {
  file: string;
  interval: CandleInterval;
  columns: ICandleColumns;
  gaps: ICandleGap[];
  /** Most fraction digits seen in open/high/low/close (≈ the price tick). */
  priceDecimals: number;
  /** Most fraction digits seen in volume (≈ the quantity step). */
  volumeDecimals: number;
  /** Rows left out with onBadLine "skip" (the first 1,000); empty otherwise. */
  badLines: ICandleBadLine[];
  /** Number of rows left out with onBadLine "skip" (may exceed badLines.length). */
  badLineCount: number;
}
