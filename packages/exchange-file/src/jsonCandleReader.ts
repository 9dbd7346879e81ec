// JSON candle reader: a JSON array of objects ({ timestamp|time|openTime|t|date, open|o, ... }) or of arrays
// ([time, open, high, low, close, volume, ...]), or JSON Lines (one such item per line). Times are epoch numbers
// (unit by magnitude or option) or ISO-8601 strings. Errors name the file and the line (JSON Lines) or item.

import { BtError, type CandleInterval, intervalToMs } from "@bt/core";
import { CandleColumnsBuilder } from "./candleColumnsBuilder";
import type { ColumnRef, ICandleFile, IReadCandleFileOptions, TimeUnit } from "./candleFileTypes";
import { epochToMs } from "./epochTime";
import { readFileText } from "./fileChunks";
import { fractionDigitsOfNumber } from "./fractionDigits";
import { parseIsoTime } from "./isoTime";

const FIELDS = ["timestamp", "open", "high", "low", "close", "volume"] as const;
type Field = (typeof FIELDS)[number];

const KEY_ALIASES: Readonly<Record<Field, ReadonlyArray<string>>> = {
  timestamp: ["timestamp", "time", "openTime", "open_time", "t", "date", "ts"],
  open: ["open", "o"],
  high: ["high", "h"],
  low: ["low", "l"],
  close: ["close", "c"],
  volume: ["volume", "vol", "v"],
};

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

function fractionDigits(value: unknown): number {
  if (typeof value === "number") return fractionDigitsOfNumber(value);
  if (typeof value !== "string") return 0;
  const point = value.indexOf(".");
  return point < 0 || /e/i.test(value) ? 0 : value.trim().length - point - 1;
}

function toTimeMs(value: unknown, unit: TimeUnit): number {
  if (typeof value === "string" && (unit === "iso" || Number.isNaN(Number(value))))
    return parseIsoTime(value);
  return epochToMs(toNumber(value), unit === "iso" ? "auto" : unit);
}

/** The value of `field` in one item: by the mapping, by a known key, or by position in an array item. */
function pick(item: unknown, field: Field, reference: ColumnRef | undefined, position: number): unknown {
  if (Array.isArray(item)) return item[typeof reference === "number" ? reference : position];
  if (typeof item !== "object" || item === null) return undefined;
  const record = item as Record<string, unknown>;
  if (reference !== undefined) return record[String(reference)];
  for (const key of KEY_ALIASES[field]) if (key in record) return record[key];
  return undefined;
}

/**
 * Reads a JSON or JSON Lines candle file (plain or gzip) into validated columns.
 * @throws BtError CANDLES naming the file and the line or item of the first invalid candle.
 */
export async function readJsonCandles(
  path: string,
  options: IReadCandleFileOptions = {},
): Promise<ICandleFile> {
  const interval: CandleInterval = options.interval ?? "1m";
  let text = await readFileText(path, options.gzip);
  // A UTF-8 byte-order mark is not JSON whitespace: JSON.parse would reject the whole file.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // JSON Lines by extension, or any document that does not open with "[" (one item per line).
  const isArray = !/\.(jsonl|ndjson)(\.gz)?$/i.test(path) && text.trimStart().startsWith("[");
  const builder = new CandleColumnsBuilder(
    path,
    intervalToMs(interval),
    options.onGap ?? "report",
    isArray ? "item" : "line",
    options.onBadLine ?? "error",
  );
  const unit = options.timeUnit ?? "auto";
  const mapping = options.columns ?? {};
  let priceDecimals = 0;
  let volumeDecimals = 0;
  let current: unknown;
  builder.rawField = (field) => {
    const position = FIELDS.indexOf(field as Field);
    if (position < 0) return undefined;
    const value = pick(current, field as Field, mapping[field as Field], position);
    return value === undefined ? "(missing)" : JSON.stringify(value);
  };
  const raw: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  const add = (item: unknown, line: number): void => {
    if (typeof item !== "object" || item === null) {
      builder.bad(line, "item", JSON.stringify(item) ?? String(item), "expected an object or an array");
      return;
    }
    current = item;
    for (let position = 0; position < 6; position++) {
      raw[position] = pick(item, FIELDS[position]!, mapping[FIELDS[position]!], position);
    }
    for (let position = 1; position < 6; position++) {
      const digits = fractionDigits(raw[position]);
      if (position === 5) volumeDecimals = Math.max(volumeDecimals, digits);
      else priceDecimals = Math.max(priceDecimals, digits);
    }
    builder.push(
      toTimeMs(raw[0], unit),
      toNumber(raw[1]),
      toNumber(raw[2]),
      toNumber(raw[3]),
      toNumber(raw[4]),
      toNumber(raw[5]),
      line,
    );
  };
  if (isArray) {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (error) {
      throw new BtError("CANDLES", `exchange-file: ${path}: invalid JSON (${(error as Error).message})`, {
        field: "file",
        value: path,
        adapter: "file",
        cause: error,
      });
    }
    if (!Array.isArray(items)) builder.fail(1, "file", typeof items, "expected a JSON array of candles");
    builder.reserve((items as unknown[]).length);
    (items as unknown[]).forEach((item, index) => {
      add(item, index + 1);
    });
  } else {
    const lines = text.split("\n");
    builder.reserve(lines.length);
    lines.forEach((lineText, index) => {
      if (lineText.trim() === "") return;
      let item: unknown;
      try {
        item = JSON.parse(lineText);
      } catch (error) {
        builder.bad(index + 1, "line", lineText.slice(0, 80), `invalid JSON (${(error as Error).message})`);
        return;
      }
      add(item, index + 1);
    });
  }
  return {
    file: path,
    interval,
    columns: builder.finish(),
    gaps: builder.gaps,
    priceDecimals,
    volumeDecimals,
    badLines: builder.badLines,
    badLineCount: builder.badLineCount,
  };
}
