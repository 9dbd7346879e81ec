// Streaming CSV candle reader: Binance kline dumps (12 columns, header or not, ms or µs open times) and
// generic OHLCV CSV (columns by name or index, any one-character delimiter, epoch or ISO times).
// Hand-written byte scanning: no string or array per line, numbers parsed from bytes, rows validated as read.
// A UTF-8 byte-order mark and CRLF line ends are accepted; the bytes may come from a file or a zip entry.

import { BtError, type CandleInterval, intervalToMs } from "@bt/core";
import { CandleColumnsBuilder } from "./candleColumnsBuilder";
import type {
  ColumnRef,
  ICandleColumnMapping,
  ICandleFile,
  IReadCandleFileOptions,
  TimeUnit,
} from "./candleFileTypes";
import { lastParse, parseDecimal } from "./decimalParser";
import { epochToMs } from "./epochTime";
import { estimateContentBytes, fileChunks } from "./fileChunks";
import { parseIsoTime } from "./isoTime";

const FIELDS = ["timestamp", "open", "high", "low", "close", "volume"] as const;
type Field = (typeof FIELDS)[number];

/** Header names recognised for each field when no mapping is given (compared lower-case, trimmed). */
const HEADER_ALIASES: Readonly<Record<Field, ReadonlyArray<string>>> = {
  timestamp: [
    "open_time",
    "open_time_ms",
    "opentime",
    "open time",
    "timestamp",
    "time",
    "date",
    "datetime",
    "ts",
    "t",
  ],
  open: ["open", "o"],
  high: ["high", "h"],
  low: ["low", "l"],
  close: ["close", "c"],
  volume: ["volume", "vol", "v", "base_volume"],
};

/** Binance kline dumps: open_time, open, high, low, close, volume, then six columns bt does not use. */
const BINANCE_COLUMNS: ICandleColumnMapping = { timestamp: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const QUOTE = 34;
/** True when bytes[start..] opens with the UTF-8 byte-order mark EF BB BF. */
function hasByteOrderMark(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
}

/** Decodes bytes[start, end) as latin1 text (only for headers and ISO dates, never on the numeric path). */
function decode(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let position = start; position < end; position++) text += String.fromCharCode(bytes[position]!);
  return text;
}

const AUTO_DELIMITER = -1;
const DELIMITER_CANDIDATES = [",", ";", "\t", "|"];

/** The candidate separator occurring most often in the first line (comma on a tie or when none occurs). */
function detectDelimiter(firstLine: string): number {
  let best = ",";
  let bestCount = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best.charCodeAt(0);
}

/** Parses lines into a CandleColumnsBuilder; one instance per file. */
class CsvCandleParser {
  private roleByColumn = new Int32Array(0);
  private lastColumn = -1;
  private resolved = false;
  private readonly values = new Float64Array(6);
  priceDecimals = 0;
  volumeDecimals = 0;
  // The line being parsed: read back only to quote a bad field's raw text in a message.
  private currentBytes: Uint8Array = new Uint8Array(0);
  private currentStart = 0;
  private currentEnd = 0;

  constructor(
    private readonly builder: CandleColumnsBuilder,
    private readonly file: string,
    private delimiter: number,
    private readonly header: boolean | "auto",
    private readonly mapping: ICandleColumnMapping | undefined,
    private readonly timeUnit: TimeUnit,
  ) {
    builder.rawField = (field) => this.rawField(field);
  }

  /** Handles one line bytes[start, end) (without the newline); `line` is its 1-based number. */
  line(bytes: Uint8Array, start: number, end: number, line: number): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (!this.resolved) {
      // A BOM would make the first time field unreadable (no header: the first candle read as a header)
      // or the first header name unknown ("\ufeffopen_time").
      if (line === 1 && hasByteOrderMark(bytes, start, end)) start += 3;
      if (end === start) return;
      if (this.resolve(bytes, start, end, line)) return; // the line was a header
    }
    if (end === start) return;
    this.currentBytes = bytes;
    this.currentStart = start;
    this.currentEnd = end;
    const roles = this.roleByColumn;
    const values = this.values;
    const delimiter = this.delimiter;
    const lastColumn = this.lastColumn;
    let fieldStart = start;
    for (let column = 0; column <= lastColumn; column++) {
      if (fieldStart > end) {
        this.tooFewColumns(line, column);
        return;
      }
      let fieldEnd = fieldStart;
      if (bytes[fieldStart] === QUOTE) {
        // A quoted field may contain the delimiter: skip to the closing quote first.
        fieldEnd++;
        while (fieldEnd < end && bytes[fieldEnd] !== QUOTE) fieldEnd++;
      }
      while (fieldEnd < end && bytes[fieldEnd] !== delimiter) fieldEnd++;
      const role = roles[column]!;
      if (role === 0) {
        values[0] = this.time(bytes, fieldStart, fieldEnd);
      } else if (role > 0) {
        values[role] = parseDecimal(bytes, fieldStart, fieldEnd);
        const digits = lastParse.fractionDigits;
        if (role === 5) {
          if (digits > this.volumeDecimals) this.volumeDecimals = digits;
        } else if (digits > this.priceDecimals) {
          this.priceDecimals = digits;
        }
      }
      fieldStart = fieldEnd + 1;
    }
    this.builder.push(values[0]!, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!, line);
  }

  /** Open time in epoch ms of one field, per the configured unit. */
  private time(bytes: Uint8Array, start: number, end: number): number {
    const unit = this.timeUnit;
    if (unit === "iso") return parseIsoTime(decode(bytes, start, end));
    const value = parseDecimal(bytes, start, end);
    if (unit === "auto" && Number.isNaN(value)) return parseIsoTime(decode(bytes, start, end));
    return epochToMs(value, unit);
  }

  /** Raw text of `field` on the current line (cold path: only for messages about a bad row). */
  private rawField(field: string): string | undefined {
    const role = FIELDS.indexOf(field as Field);
    const column = this.roleByColumn.indexOf(role);
    if (role < 0 || column < 0) return undefined;
    const cells = decode(this.currentBytes, this.currentStart, this.currentEnd).split(
      String.fromCharCode(this.delimiter),
    );
    return cells[column]?.trim();
  }

  /** Decides from the first non-empty line where each field lives; true when that line is a header. */
  private resolve(bytes: Uint8Array, start: number, end: number, line: number): boolean {
    if (this.delimiter === AUTO_DELIMITER) this.delimiter = detectDelimiter(decode(bytes, start, end));
    const cells = decode(bytes, start, end)
      .split(String.fromCharCode(this.delimiter))
      .map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
    const mapping = this.mapping ?? {};
    const byName = FIELDS.some((field) => typeof mapping[field] === "string");
    let isHeader: boolean;
    if (this.header === "auto") {
      const timeIndex = typeof mapping.timestamp === "number" ? mapping.timestamp : 0;
      const timeCell = cells[timeIndex] ?? "";
      isHeader = byName || (Number.isNaN(Number(timeCell)) && Number.isNaN(parseIsoTime(timeCell)));
    } else {
      isHeader = this.header;
    }
    if (byName && !isHeader) {
      throw new BtError(
        "CANDLES",
        `exchange-file: ${this.file}:${line}: columns are mapped by name but the file has no header`,
        { field: "columns", value: mapping, adapter: "file" },
      );
    }
    const headerNames = isHeader ? cells.map((cell) => cell.toLowerCase()) : [];
    // An unmapped header with none of the known names (e.g. "a,b,c,d,e,f") is read positionally.
    const knownHeader = FIELDS.some((field) =>
      HEADER_ALIASES[field].some((alias) => headerNames.includes(alias)),
    );
    const indexes = FIELDS.map((field, position) =>
      this.columnIndex(field, mapping[field], byName || knownHeader ? headerNames : [], position, line),
    );
    this.lastColumn = Math.max(...indexes);
    this.roleByColumn = new Int32Array(this.lastColumn + 1).fill(-1);
    indexes.forEach((columnIndex, role) => {
      this.roleByColumn[columnIndex] = role;
    });
    this.resolved = true;
    return isHeader;
  }

  private columnIndex(
    field: Field,
    reference: ColumnRef | undefined,
    headerNames: string[],
    defaultIndex: number,
    line: number,
  ): number {
    if (typeof reference === "number") {
      if (!Number.isInteger(reference) || reference < 0) {
        throw new BtError("CANDLES", `exchange-file: column index of ${field} must be an integer ≥ 0`, {
          field: `columns.${field}`,
          value: reference,
          adapter: "file",
        });
      }
      return reference;
    }
    if (headerNames.length === 0) return defaultIndex;
    const wanted = reference === undefined ? HEADER_ALIASES[field] : [reference.toLowerCase()];
    const found = headerNames.findIndex((name) => wanted.includes(name));
    if (found >= 0) return found;
    throw new BtError(
      "CANDLES",
      `exchange-file: ${this.file}:${line}: no column for ${field} in header (${headerNames.join(", ")})`,
      { field: `columns.${field}`, value: reference ?? null, adapter: "file" },
    );
  }

  private tooFewColumns(line: number, column: number): void {
    this.builder.bad(
      line,
      "columns",
      column,
      `expected at least ${this.lastColumn + 1} columns, found ${column}`,
    );
  }
}

/** Options of readCsvCandles (the CSV subset of IReadCandleFileOptions). */
export type IReadCsvCandlesOptions = Omit<IReadCandleFileOptions, "format"> & {
  /** "binance": columns 0..5 of a kline dump (mapping ignored); "csv": generic. Default "csv". */
  format?: "binance" | "csv";
};

/** The delimiter option as a byte, or AUTO_DELIMITER; throws for anything but one ASCII character. */
function delimiterByte(delimiter: string | undefined): number {
  if (delimiter === undefined) return AUTO_DELIMITER;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === "\n") {
    throw new BtError(
      "CANDLES",
      `exchange-file: delimiter must be one ASCII character, got ${JSON.stringify(delimiter)}`,
      { field: "delimiter", value: delimiter, adapter: "file" },
    );
  }
  return delimiter.charCodeAt(0);
}

/**
 * Parses CSV bytes given as chunks (a file stream, or one zip entry) into validated columns; `label` names
 * the source in messages, `contentBytes` (when known) sizes the columns once.
 * @throws BtError CANDLES naming `label` and the line of the first invalid row (onBadLine "error").
 */
export async function parseCsvChunks(
  label: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  contentBytes: number | undefined,
  options: IReadCsvCandlesOptions,
): Promise<ICandleFile> {
  const interval: CandleInterval = options.interval ?? "1m";
  const builder = new CandleColumnsBuilder(
    label,
    intervalToMs(interval),
    options.onGap ?? "report",
    "line",
    options.onBadLine ?? "error",
  );
  const parser = new CsvCandleParser(
    builder,
    label,
    delimiterByte(options.delimiter),
    options.header ?? "auto",
    options.format === "binance" ? BINANCE_COLUMNS : options.columns,
    options.timeUnit ?? "auto",
  );
  let carry: Buffer | null = null;
  let line = 0;
  let bytesRead = 0;
  let estimated = false;
  for await (const bytes of chunks) {
    const chunk = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    bytesRead += chunk.length;
    let lineStart = 0;
    if (carry !== null) {
      // Only the line split across chunks is joined (a short copy), never the whole chunk.
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, newline)]);
      line++;
      parser.line(joined, 0, joined.length, line);
      lineStart = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, lineStart);
      if (newline < 0) break;
      line++;
      parser.line(chunk, lineStart, newline, line);
      lineStart = newline + 1;
    }
    if (!estimated && line > 0 && contentBytes !== undefined) {
      // Rows of the whole file from the mean line length so far (the first chunk), plus 1/8 for lines
      // that get shorter later: reserved once, so the columns are never regrown or trimmed by a copy.
      estimated = true;
      const bytesPerLine = (bytesRead - (chunk.length - lineStart)) / line;
      builder.reserve((contentBytes / bytesPerLine) * 1.125 + 64);
    }
    carry = lineStart < chunk.length ? chunk.subarray(lineStart) : null;
  }
  if (carry !== null) parser.line(carry, 0, carry.length, line + 1);
  return {
    file: label,
    interval,
    columns: builder.finish(),
    gaps: builder.gaps,
    priceDecimals: parser.priceDecimals,
    volumeDecimals: parser.volumeDecimals,
    badLines: builder.badLines,
    badLineCount: builder.badLineCount,
  };
}

/**
 * Streams a CSV candle file (plain or gzip) into validated columns.
 * @throws BtError CANDLES naming the file and line of the first invalid row (or the first gap with onGap "error").
 * @example const { columns, gaps } = await readCsvCandles("BTCUSDT-1m-2025-01.csv.gz");
 */
export async function readCsvCandles(
  path: string,
  options: IReadCsvCandlesOptions = {},
): Promise<ICandleFile> {
  delimiterByte(options.delimiter);
  try {
    const contentBytes = await estimateContentBytes(path, options.gzip);
    return await parseCsvChunks(path, fileChunks(path, options.gzip), contentBytes, options);
  } catch (error) {
    if (BtError.isInstance(error)) throw error;
    throw new BtError("CANDLES", `exchange-file: cannot read ${path}: ${(error as Error).message}`, {
      field: "file",
      value: path,
      adapter: "file",
      cause: error,
    });
  }
}
