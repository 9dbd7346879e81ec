// Arrow IPC / feather candle reader (freqtrade's `.feather` files): a `date` timestamp column (any unit,
// usually ns UTC) plus open, high, low, close, volume. apache-arrow and the LZ4 codec are imported on first
// use only, so a CSV run never loads them. Rows are checked like any file's; messages name file and row.

/// <reference path="./lz4js.d.ts" />

import { readFile } from "node:fs/promises";
import { BtError, type CandleInterval, intervalToMs } from "@bt/core";
import type { Table, Vector } from "apache-arrow";
import { CandleColumnsBuilder } from "./candleColumnsBuilder";
import type { ICandleFile, IReadCandleFileOptions } from "./candleFileTypes";
import { epochToMs } from "./epochTime";
import { fractionDigitsOfNumber } from "./fractionDigits";

const TIME_NAMES = ["date", "timestamp", "time", "open_time", "datetime", "ts"];
const VALUE_FIELDS = ["open", "high", "low", "close", "volume"] as const;

type Arrow = typeof import("apache-arrow");
let arrowModule: Promise<Arrow> | undefined;

/** apache-arrow with an LZ4 frame codec registered (pandas / pyarrow write LZ4-compressed feather by default). */
function loadArrow(): Promise<Arrow> {
  arrowModule ??= (async () => {
    const [arrow, lz4] = await Promise.all([import("apache-arrow"), import("lz4js")]);
    arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, {
      encode: (data: Uint8Array) => lz4.compress(data),
      decode: (data: Uint8Array) => lz4.decompress(data),
    });
    return arrow;
  })();
  return arrowModule;
}

function fail(path: string, field: string, value: unknown, problem: string, cause?: unknown): never {
  throw new BtError("CANDLES", `exchange-file: ${path}: ${problem}`, {
    field,
    value,
    adapter: "file",
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Epoch ms per row of a time column: Arrow timestamps of any unit, dates, or plain epoch numbers. */
function timesOf(arrow: Arrow, path: string, vector: Vector, name: string): Float64Array {
  const type = vector.type;
  const times = new Float64Array(vector.length);
  if (arrow.DataType.isTimestamp(type)) {
    const divisor = [1, 1, 1_000, 1_000_000][type.unit]!;
    const multiplier = type.unit === arrow.TimeUnit.SECOND ? 1000 : 1;
    const raw = vector.toArray() as BigInt64Array | Int32Array | Float64Array;
    for (let index = 0; index < raw.length; index++) {
      const value = raw[index]!;
      if (typeof value === "bigint") {
        const big = BigInt(divisor);
        // Exact integer division; a sub-ms remainder is kept as a fraction so the row fails alignment.
        times[index] = Number(value / big) * multiplier + Number(value % big) / divisor;
      } else {
        times[index] = (value * multiplier) / divisor;
      }
    }
  } else if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type)) {
    const raw = vector.toArray() as ArrayLike<number | bigint>;
    for (let index = 0; index < raw.length; index++) times[index] = epochToMs(Number(raw[index]), "auto");
  } else if (arrow.DataType.isDate(type)) {
    for (let index = 0; index < vector.length; index++) {
      const value: unknown = vector.get(index);
      times[index] = value instanceof Date ? value.getTime() : Number(value);
    }
  } else {
    fail(
      path,
      "columns.timestamp",
      name,
      `time column ${JSON.stringify(name)} has type ${String(type)}, not a timestamp`,
    );
  }
  if (vector.nullCount > 0) {
    for (let index = 0; index < vector.length; index++) if (!vector.isValid(index)) times[index] = Number.NaN;
  }
  return times;
}

/** A numeric column as float64 values, NaN for nulls. */
function numbersOf(arrow: Arrow, path: string, vector: Vector, name: string): Float64Array {
  if (
    !arrow.DataType.isFloat(vector.type) &&
    !arrow.DataType.isInt(vector.type) &&
    !arrow.DataType.isDecimal(vector.type)
  ) {
    fail(
      path,
      `columns.${name}`,
      name,
      `column ${JSON.stringify(name)} has type ${String(vector.type)}, not a number`,
    );
  }
  const raw = vector.toArray() as ArrayLike<number | bigint>;
  const values = raw instanceof Float64Array ? raw : Float64Array.from(raw as ArrayLike<number>, Number);
  if (vector.nullCount > 0) {
    const copy = values === raw ? new Float64Array(values) : values;
    for (let index = 0; index < vector.length; index++) if (!vector.isValid(index)) copy[index] = Number.NaN;
    return copy;
  }
  return values;
}

/**
 * Reads an Arrow IPC file / feather v2 (freqtrade's format; LZ4 or uncompressed) into validated columns.
 * Columns: `date` (or timestamp/time/open_time; or `columns.timestamp`) and open, high, low, close, volume.
 * @throws BtError CANDLES naming the file (and the row of the first invalid candle with onBadLine "error").
 * @example const { columns } = await readFeatherCandles("user_data/data/binance/BTC_USDT-5m.feather", { interval: "5m" });
 */
export async function readFeatherCandles(
  path: string,
  options: IReadCandleFileOptions = {},
): Promise<ICandleFile> {
  const interval: CandleInterval = options.interval ?? "1m";
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    fail(path, "file", path, `cannot read: ${(error as Error).message}`, error);
  }
  const arrow = await loadArrow();
  let table: Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (error) {
    fail(
      path,
      "file",
      path,
      `not a readable Arrow IPC / feather v2 file (${(error as Error).message})`,
      error,
    );
  }
  const names = table.schema.fields.map((field) => field.name);
  const lowerNames = names.map((name) => name.toLowerCase());
  const mapping = options.columns ?? {};
  const column = (
    field: string,
    reference: string | number | undefined,
    aliases: string[],
  ): { vector: Vector; name: string } => {
    const index =
      typeof reference === "number"
        ? reference
        : reference !== undefined
          ? lowerNames.indexOf(reference.toLowerCase())
          : lowerNames.findIndex((name) => aliases.includes(name));
    const vector = index >= 0 && index < names.length ? table.getChildAt(index) : null;
    if (vector === null) {
      fail(path, `columns.${field}`, reference ?? null, `no ${field} column (columns: ${names.join(", ")})`);
    }
    return { vector, name: names[index]! };
  };
  const time = column("timestamp", mapping.timestamp, TIME_NAMES);
  const timestamps = timesOf(arrow, path, time.vector, time.name);
  const values = VALUE_FIELDS.map((field) => {
    const { vector, name } = column(
      field,
      mapping[field],
      field === "volume" ? ["volume", "vol", "v"] : [field, field[0]!],
    );
    return numbersOf(arrow, path, vector, name);
  });
  const [open, high, low, close, volume] = values as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const builder = new CandleColumnsBuilder(
    path,
    intervalToMs(interval),
    options.onGap ?? "report",
    "row",
    options.onBadLine ?? "error",
    Math.max(16, table.numRows),
  );
  let row = 0;
  builder.rawField = (field) => {
    if (field !== "timestamp") return undefined;
    const value: unknown = time.vector.get(row);
    return typeof value === "bigint" ? value.toString() : String(value);
  };
  let priceDecimals = 0;
  let volumeDecimals = 0;
  for (; row < table.numRows; row++) {
    builder.push(timestamps[row]!, open[row]!, high[row]!, low[row]!, close[row]!, volume[row]!, row + 1);
  }
  // Tick sizes from the float64 values: the most fraction digits seen (arithmetic only, no strings).
  for (let index = 0; index < table.numRows; index++) {
    const digits = Math.max(
      fractionDigitsOfNumber(open[index]!),
      fractionDigitsOfNumber(high[index]!),
      fractionDigitsOfNumber(low[index]!),
      fractionDigitsOfNumber(close[index]!),
    );
    if (digits > priceDecimals) priceDecimals = digits;
    const volumeDigits = fractionDigitsOfNumber(volume[index]!);
    if (volumeDigits > volumeDecimals) volumeDecimals = volumeDigits;
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
