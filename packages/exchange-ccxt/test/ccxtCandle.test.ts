import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { candleFromRow } from "../src/ccxtCandle";

const origin = { adapter: "ccxt:binance", symbol: "BTCUSDT", interval: "1m", intervalMs: 60_000 };
const at = Date.UTC(2024, 4, 1, 12, 30);

function problemOf(row: unknown): string {
  try {
    candleFromRow(row, origin);
  } catch (error) {
    if (BtError.isInstance(error) && error.code === "EXCHANGE") return error.message;
    throw error;
  }
  throw new Error("row was accepted");
}

describe("candleFromRow", () => {
  it("converts a ccxt row (numbers or numeric strings) into a candle", () => {
    expect(candleFromRow([at, 10, 12, 9, 11, 5], origin)).toEqual({
      timestamp: at,
      open: 10,
      high: 12,
      low: 9,
      close: 11,
      volume: 5,
    });
    expect(candleFromRow([at, "10.5", "12", "9", "11", "0"], origin).open).toBe(10.5);
  });

  it.each([
    ["NaN volume", [at, 10, 12, 9, 11, Number.NaN], /volume must be a finite non-negative/],
    ["missing close", [at, 10, 12, 9, undefined, 5], /close must be a finite positive price, got NaN/],
    ["empty string high", [at, 10, "", 9, 11, 5], /high must be a finite positive/],
    ["low above open", [at, 10, 12, 10.5, 11, 5], /low 10.5 is above min\(open, close\)/],
    ["negative volume", [at, 10, 12, 9, 11, -1], /volume must be a finite non-negative/],
    ["short row", [at, 10, 12], /expected an OHLCV array/],
  ])("rejects %s with symbol, interval and ISO time", (_label, row, problem) => {
    const message = problemOf(row);
    expect(message).toMatch(problem);
    expect(message).toContain("ccxt:binance: malformed 1m candle for BTCUSDT");
    if (Array.isArray(row) && row.length >= 6) expect(message).toContain("2024-05-01T12:30:00.000Z");
  });
});
