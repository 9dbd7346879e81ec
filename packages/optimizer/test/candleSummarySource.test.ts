// createCandleSummarySource on the bundled candles: one row per interval with finite indicators, paged
// like any source, rendered as a table, and bad options named.

import { createFileExchange } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { createCandleSummarySource, createOptimizer, summarizeCandles } from "../src/index";
import { DATA_DIR, RANGE_TRAIN, testSchema } from "./helpers";

describe("createCandleSummarySource", () => {
  it("summarises each interval of a training range of real candles", async () => {
    const exchange = createFileExchange({ dir: DATA_DIR });
    const source = createCandleSummarySource({ exchange, intervals: ["15m", "1h", "4h"], pageSize: 200 });
    const range = RANGE_TRAIN[0];
    if (range === undefined) throw new Error("no range");
    const rows = await source.fetch({
      symbol: "BTCUSDT",
      startDate: range.startDate,
      endDate: range.endDate,
      limit: 10,
      offset: 0,
    });
    expect(rows.map((row) => [row.interval, row.candles])).toEqual([
      ["15m", 7 * 96],
      ["1h", 7 * 24],
      ["4h", 7 * 6],
    ]);
    for (const row of rows) {
      expect(row.from).toBe("2025-01-02T00:00:00.000Z");
      for (const value of [
        row.returnPercent,
        row.volatilityPercent,
        row.smaDistancePercent,
        row.emaDistancePercent,
        row.atrPercent,
      ]) {
        expect(Number.isFinite(value)).toBe(true);
      }
      expect(row.rsi).toBeGreaterThanOrEqual(0);
      expect(row.rsi).toBeLessThanOrEqual(100);
      expect(row.priceLow).toBeLessThanOrEqual(row.priceClose);
      expect(row.priceHigh).toBeGreaterThanOrEqual(row.priceClose);
      expect(row.volumeTotal).toBeGreaterThan(0);
    }
    // The same return on every timeframe: first open to last close of the range.
    expect(new Set(rows.map((row) => row.priceOpen)).size).toBe(1);
  });

  it("pages its rows and renders them as a table in the conversation", async () => {
    const source = createCandleSummarySource({
      exchange: createFileExchange({ dir: DATA_DIR }),
      intervals: ["1h", "4h", "1d"],
    });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema({ source: [source], pageLimit: 2 }));
    const [data] = await Optimizer.getData("ETHUSDT", "jan");
    const table = data?.messages[1]?.content ?? "";
    expect(table).toMatch(
      /^candle summary of ETHUSDT for 2025-01-02T00:00:00.000Z … 2025-01-09T00:00:00.000Z \(first week\)/,
    );
    expect(table).toContain("| interval | candles | returnPercent |");
    expect(table.split("\n").filter((line) => /^\| (1h|4h|1d) \|/.test(line))).toHaveLength(3);
    expect(data?.messages[2]?.content).toMatch(/^Read candle summary of ETHUSDT/);
  });

  it("computes indicators on a known series and names bad options", () => {
    const candles = Array.from({ length: 30 }, (_, index) => ({
      timestamp: Date.UTC(2025, 0, 1) + index * 3_600_000,
      open: 100 + index,
      high: 101 + index,
      low: 99 + index,
      close: 100 + index,
      volume: 2,
    }));
    const row = summarizeCandles("1h", candles);
    expect(row.rsi).toBe(100); // only gains
    expect(row.returnPercent).toBe(29);
    expect(row.smaDistancePercent).toBeGreaterThan(0);
    expect(row.volumeTotal).toBe(60);
    const exchange = createFileExchange({ dir: DATA_DIR });
    expect(() => createCandleSummarySource({ exchange, intervals: [] })).toThrow(
      "candle summary: intervals must list at least one interval (got [])",
    );
    expect(() => createCandleSummarySource({ exchange, intervals: ["7m" as "1m"] })).toThrow(
      'candle summary: intervals has an unknown interval "7m"',
    );
    expect(() => createCandleSummarySource({ exchange, intervals: ["1h"], rsiPeriod: 0 })).toThrow(
      "candle summary: rsiPeriod must be a positive integer (got 0)",
    );
  });
});
