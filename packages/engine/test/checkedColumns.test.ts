// Columns an exchange marked with core's markCandleColumnsChecked skip the loader's per-row value check
// (the exchange ran it), but never the sequence checks: alignment, order, duplicates and gaps.

import { type ICandleColumns, MINUTE_MS, markCandleColumnsChecked, SILENT_LOGGER } from "@bt/core";
import { describe, expect, it } from "vitest";
import { loadCandleStore } from "../src/candles/candleLoader";

const T0 = Date.UTC(2025, 0, 1);

function columns(count: number, edit?: (columns: ICandleColumns) => void): ICandleColumns {
  const result = {
    timestamp: Float64Array.from({ length: count }, (_, index) => T0 + index * MINUTE_MS),
    open: new Float64Array(count).fill(100),
    high: new Float64Array(count).fill(101),
    low: new Float64Array(count).fill(99),
    close: new Float64Array(count).fill(100),
    volume: new Float64Array(count).fill(1),
  };
  edit?.(result);
  return result;
}

function load(source: ICandleColumns) {
  return loadCandleStore({
    exchange: {
      exchangeName: "cols",
      getCandles: async () => [],
      getCandleColumns: async () => source,
    },
    symbol: "BTCUSDT",
    fromMs: T0,
    toMs: T0 + 30 * MINUTE_MS,
    frameStartMs: T0 + 5 * MINUTE_MS,
    batchSize: 1000,
    gapPolicy: "error",
    priceCandleCount: 5,
    logger: SILENT_LOGGER,
  });
}

describe("checked columns", () => {
  const inverted = (target: ICandleColumns) => {
    target.high[10] = 90;
  };

  it("unmarked columns are value-checked row by row", async () => {
    await expect(load(columns(30, inverted))).rejects.toThrow(/high 90 is below/);
  });

  it("marked columns skip the value check and keep the views (no copy)", async () => {
    const source = markCandleColumnsChecked(columns(30, inverted));
    const store = await load(source);
    expect(store.minutes.high.buffer).toBe(source.high.buffer);
    expect(store.minutes.count).toBe(30);
  });

  it("marked columns still fail on a gap, a duplicate or disorder", async () => {
    const gap = markCandleColumnsChecked(
      columns(30, (target) => {
        for (let index = 12; index < 30; index++) target.timestamp[index] = T0 + (index + 2) * MINUTE_MS;
      }),
    );
    await expect(load(gap)).rejects.toThrow(/gap of 2 missing 1m candle/);
    const duplicate = markCandleColumnsChecked(
      columns(30, (target) => {
        target.timestamp[5] = target.timestamp[4]!;
      }),
    );
    await expect(load(duplicate)).rejects.toThrow(/duplicate candle/);
    const misaligned = markCandleColumnsChecked(
      columns(30, (target) => {
        target.timestamp[7] = target.timestamp[7]! + 1;
      }),
    );
    await expect(load(misaligned)).rejects.toThrow(/not aligned to a minute/);
  });
});
