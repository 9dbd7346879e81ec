import { describe, expect, it } from "vitest";
import { createColumnExchange, isShared, toSharedColumns } from "../src/index.ts";
import fixtureCandles, { FIXTURE_START_MS } from "./fixtures/candles.ts";

describe("toSharedColumns and createColumnExchange", () => {
  it("copies columns into SharedArrayBuffers once and keeps shared ones as they are", () => {
    const columns = fixtureCandles("BTCUSDT");
    expect(isShared(columns)).toBe(false);
    const shared = toSharedColumns(columns);
    expect(isShared(shared)).toBe(true);
    expect(Array.from(shared.close.subarray(0, 5))).toEqual(Array.from(columns.close.subarray(0, 5)));
    expect(toSharedColumns(shared)).toBe(shared);
    expect(() => toSharedColumns({ ...columns, open: new Float64Array(3) })).toThrow(/equal length/);
  });

  it("serves 1m batches by open time and aggregates higher intervals", async () => {
    const columns = toSharedColumns(fixtureCandles("BTCUSDT"));
    const exchange = createColumnExchange("columns", { BTCUSDT: columns });
    const minute = await exchange.getCandles("BTCUSDT", "1m", new Date(FIXTURE_START_MS + 90_000), 3);
    expect(minute.map((candle) => candle.timestamp)).toEqual(
      [2, 3, 4].map((index) => FIXTURE_START_MS + index * 60_000),
    );
    expect(minute[0]?.close).toBe(columns.close[2]);
    const fifteen = await exchange.getCandles("BTCUSDT", "15m", new Date(FIXTURE_START_MS), 2);
    expect(fifteen[1]?.timestamp).toBe(FIXTURE_START_MS + 15 * 60_000);
    expect(fifteen[0]?.high).toBe(Math.max(...columns.high.subarray(0, 15)));
    expect(fifteen[0]?.volume).toBeCloseTo(
      columns.volume.subarray(0, 15).reduce((sum, value) => sum + value, 0),
      9,
    );
    expect(await exchange.getCandles("ETHUSDT", "1m", new Date(FIXTURE_START_MS), 3)).toEqual([]);
  });
});
