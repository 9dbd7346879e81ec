// Conversion of one ccxt OHLCV row ([timestamp, open, high, low, close, volume]) into a bt candle,
// rejecting malformed rows (missing or non-numeric fields, non-positive prices, high < low, misalignment).

import { BtError, candleProblem, describeValue, type ICandleData } from "@bt/core";

/** Where a row came from, for the error message. */
export interface CandleRowOrigin {
  adapter: string;
  symbol: string;
  interval: string;
  intervalMs: number;
}

/** Renders an epoch-ms timestamp as ISO text when it is a valid time. */
function describeTimestamp(timestamp: unknown): string {
  if (typeof timestamp === "number" && Number.isFinite(timestamp) && Math.abs(timestamp) < 8.64e15) {
    return `${new Date(timestamp).toISOString()} (${timestamp})`;
  }
  return describeValue(timestamp);
}

/** A field of a row as a number; anything that is not a finite-looking number becomes NaN. */
function numberField(row: readonly unknown[], index: number): number {
  const value = row[index];
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/**
 * The candle of a ccxt OHLCV row.
 * @throws BtError EXCHANGE naming the symbol and timestamp when the row is malformed.
 */
export function candleFromRow(row: unknown, origin: CandleRowOrigin): ICandleData {
  const fail = (timestamp: unknown, problem: string): never => {
    throw new BtError(
      "EXCHANGE",
      `${origin.adapter}: malformed ${origin.interval} candle for ${origin.symbol} at ${describeTimestamp(timestamp)}: ${problem}`,
      { adapter: origin.adapter, field: "candle", value: row },
    );
  };
  if (!Array.isArray(row) || row.length < 6)
    return fail(undefined, `expected an OHLCV array, got ${describeValue(row)}`);
  const candle: ICandleData = {
    timestamp: numberField(row, 0),
    open: numberField(row, 1),
    high: numberField(row, 2),
    low: numberField(row, 3),
    close: numberField(row, 4),
    volume: numberField(row, 5),
  };
  const problem = candleProblem(candle);
  if (problem !== null) return fail(row[0], problem);
  if (candle.timestamp % origin.intervalMs !== 0) {
    return fail(row[0], `timestamp is not aligned to the ${origin.interval} interval`);
  }
  return candle;
}
