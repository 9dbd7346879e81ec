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

  it("getCandleColumns serves views of the shared 1m columns with open time in [fromMs, toMs)", async () => {
    const columns = toSharedColumns(fixtureCandles("BTCUSDT"));
    const exchange = createColumnExchange("columns", { BTCUSDT: columns });
    const count = columns.timestamp.length;
    const minute = 60_000;
    const range = async (fromMs: number, toMs: number) => {
      const view = await exchange.getCandleColumns!("BTCUSDT", fromMs, toMs);
      expect(view).not.toBeNull();
      expect(isShared(view!)).toBe(true);
      expect(view!.close.buffer).toBe(columns.close.buffer);
      expect([view!.open, view!.high, view!.low, view!.close, view!.volume].map((c) => c.length)).toEqual(
        Array(5).fill(view!.timestamp.length),
      );
      return view!;
    };
    const all = await range(FIXTURE_START_MS, FIXTURE_START_MS + count * minute);
    expect(all.timestamp.length).toBe(count);
    const middle = await range(FIXTURE_START_MS + 2 * minute, FIXTURE_START_MS + 7 * minute);
    expect(Array.from(middle.timestamp)).toEqual(
      [2, 3, 4, 5, 6].map((index) => FIXTURE_START_MS + index * minute),
    );
    expect(middle.close[0]).toBe(columns.close[2]);
    expect(middle.close.byteOffset).toBe(2 * 8);
    const unaligned = await range(FIXTURE_START_MS + 90_000, FIXTURE_START_MS + 150_000);
    expect(Array.from(unaligned.timestamp)).toEqual([FIXTURE_START_MS + 2 * minute]);
    const last = await range(
      FIXTURE_START_MS + (count - 1) * minute,
      FIXTURE_START_MS + (count + 10) * minute,
    );
    expect(Array.from(last.timestamp)).toEqual([FIXTURE_START_MS + (count - 1) * minute]);
    expect((await range(FIXTURE_START_MS - 10 * minute, FIXTURE_START_MS)).timestamp.length).toBe(0);
    expect(
      (await range(FIXTURE_START_MS + count * minute, FIXTURE_START_MS + (count + 5) * minute)).timestamp
        .length,
    ).toBe(0);
    expect((await range(FIXTURE_START_MS + 5 * minute, FIXTURE_START_MS + 5 * minute)).timestamp.length).toBe(
      0,
    );
    expect((await range(FIXTURE_START_MS + 6 * minute, FIXTURE_START_MS + 5 * minute)).timestamp.length).toBe(
      0,
    );
    expect(
      await exchange.getCandleColumns!("ETHUSDT", FIXTURE_START_MS, FIXTURE_START_MS + minute),
    ).toBeNull();
  });
});
