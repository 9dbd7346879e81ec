// The column path of the loader (IExchangeSchema.getCandleColumns) gives exactly the results of the object
// path (getCandles batches): same trades, same validation errors, same gap filling; it falls back to
// getCandles when the exchange returns null.

import {
  COLUMN_KERNEL_CHUNK_ROWS,
  type ICandleColumns,
  type ICandleData,
  type IExchangeSchema,
  SILENT_LOGGER,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { loadCandleStore } from "../src/candles/candleLoader";
import { getAveragePrice } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0, wigglyCandles } from "./helpers";

/** Columns of `candles` (copied, so tests may build any sequence, even an invalid one). */
function toColumns(candles: ReadonlyArray<ICandleData>): ICandleColumns {
  const pick = (field: keyof ICandleData) => Float64Array.from(candles, (candle) => candle[field]);
  return {
    timestamp: pick("timestamp"),
    open: pick("open"),
    high: pick("high"),
    low: pick("low"),
    close: pick("close"),
    volume: pick("volume"),
  };
}

/** memoryExchange plus getCandleColumns over the same sequence: rows from the first open time ≥ fromMs to the first ≥ toMs. */
function columnExchange(
  exchangeName: string,
  candlesBySymbol: Record<string, ICandleData[]>,
  unavailable = false,
) {
  const base = memoryExchange(exchangeName, candlesBySymbol);
  const columnsBySymbol = new Map(
    Object.entries(candlesBySymbol).map(([symbol, candles]) => [symbol, toColumns(candles)]),
  );
  const columnCalls: Array<{ symbol: string; fromMs: number; toMs: number }> = [];
  const exchange: IExchangeSchema & { calls: typeof base.calls; columnCalls: typeof columnCalls } = {
    ...base,
    columnCalls,
    async getCandleColumns(symbol, fromMs, toMs) {
      columnCalls.push({ symbol, fromMs, toMs });
      const columns = columnsBySymbol.get(symbol);
      if (unavailable || columns === undefined) return null;
      const { timestamp } = columns;
      let from = timestamp.findIndex((ms) => ms >= fromMs);
      if (from === -1) from = timestamp.length;
      let to = from;
      while (to < timestamp.length && !(timestamp[to]! >= toMs)) to++;
      const view = (column: Float64Array) => column.subarray(from, to);
      return {
        timestamp: view(columns.timestamp),
        open: view(columns.open),
        high: view(columns.high),
        low: view(columns.low),
        close: view(columns.close),
        volume: view(columns.volume),
      };
    },
  };
  return exchange;
}

type Mode = "objects" | "columns" | "columns-null";

/** Runs a trading strategy over `candles` with frame [T0, T0 + minutes) through the exchange of `mode`. */
async function run(
  mode: Mode,
  candles: ICandleData[],
  minutes: number,
  options: Record<string, unknown> = {},
) {
  const engine = createTestEngine();
  const exchange =
    mode === "objects"
      ? memoryExchange("mem", { BTCUSDT: candles })
      : columnExchange("mem", { BTCUSDT: candles }, mode === "columns-null");
  engine.addExchange(exchange);
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + minutes * MINUTE),
  });
  let calls = 0;
  engine.addStrategy({
    strategyName: "s",
    interval: "1m",
    getSignal: async (symbol) => {
      if (calls++ % 7 !== 0) return null;
      const price = await getAveragePrice(symbol);
      const long = calls % 2 === 1;
      return {
        position: long ? "long" : "short",
        priceTakeProfit: long ? price * 1.01 : price * 0.99,
        priceStopLoss: long ? price * 0.99 : price * 1.01,
        minuteEstimatedTime: 45,
      };
    },
  });
  const results = await collect(
    engine.Backtest.run(
      "BTCUSDT",
      { strategyName: "s", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5, ...options },
    ),
  );
  const data = engine.Backtest.getData("BTCUSDT", "s");
  return { results, data, exchange };
}

const at = (minute: number) => new Date(T0 + minute * MINUTE).toISOString();

/** The error (code and message) of a run, or null when it succeeds. */
async function errorOf(mode: Mode, candles: ICandleData[], options: Record<string, unknown> = {}) {
  try {
    await run(mode, candles, 60, options);
    return null;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

describe("candle columns (getCandleColumns)", () => {
  it("a golden-style scenario gives identical results through columns and objects, without getCandles", async () => {
    const candles = series(-5, 120, (m) => (m < 10 ? 100 : m < 40 ? 103 : m < 70 ? 97 : 101));
    const objects = await run("objects", candles, 120);
    const columns = await run("columns", candles, 120);
    expect(objects.results.length).toBeGreaterThan(0);
    expect(columns.results).toEqual(objects.results);
    expect(columns.data).toEqual(objects.data);
    expect(
      columns.exchange.calls.filter((call) => call.interval === "1m" && call.since === T0 - 5 * MINUTE),
    ).toEqual([]);
    expect((columns.exchange as ReturnType<typeof columnExchange>).columnCalls).toEqual([
      { symbol: "BTCUSDT", fromMs: T0 - 5 * MINUTE, toMs: T0 + 120 * MINUTE },
    ]);
  });

  it("a generated series with many trades gives identical results (and so does a null fallback)", async () => {
    const candles = wigglyCandles(T0 - 5 * MINUTE, 3_000 + 5 + 10);
    const objects = await run("objects", candles, 3_000);
    const columns = await run("columns", candles, 3_000);
    const fallback = await run("columns-null", candles, 3_000);
    expect(objects.data.closed.length).toBeGreaterThan(20);
    expect(columns.results).toEqual(objects.results);
    expect(columns.data).toEqual(objects.data);
    expect(fallback.results).toEqual(objects.results);
    expect(fallback.exchange.calls.length).toBeGreaterThan(0);
  });

  it("every validation error is reported identically by both paths", async () => {
    const base = () => series(-5, 60, () => 100);
    const cases: Record<string, ICandleData[]> = {};
    cases.nan = base();
    cases.nan[20] = { ...cases.nan[20]!, close: Number.NaN };
    cases.negative = base();
    cases.negative[3] = { ...cases.negative[3]!, low: -1 };
    cases.infinite = base();
    cases.infinite[8] = { ...cases.infinite[8]!, high: Number.POSITIVE_INFINITY };
    cases.volume = base();
    cases.volume[9] = { ...cases.volume[9]!, volume: -2 };
    cases.inverted = base();
    cases.inverted[10] = { ...cases.inverted[10]!, high: 90, low: 95, open: 92, close: 92 };
    cases.bodyAbove = base();
    cases.bodyAbove[11] = { ...cases.bodyAbove[11]!, high: 101, low: 99, open: 100, close: 102 };
    cases.bodyBelow = base();
    cases.bodyBelow[12] = { ...cases.bodyBelow[12]!, high: 101, low: 99, open: 98, close: 100 };
    cases.timestampNaN = base();
    cases.timestampNaN[30] = { ...cases.timestampNaN[30]!, timestamp: Number.NaN };
    cases.backwards = base();
    cases.backwards[31] = { ...cases.backwards[20]! };
    cases.duplicate = base();
    cases.duplicate.splice(12, 0, cases.duplicate[12]!);
    cases.gap = base();
    cases.gap.splice(40, 3);
    cases.misaligned = base();
    cases.misaligned[25] = { ...cases.misaligned[25]!, timestamp: cases.misaligned[25]!.timestamp + 1_000 };
    cases.late = series(1, 60, () => 100);
    cases.early = series(-5, 50, () => 100);
    cases.empty = [];
    cases.after = series(100, 200, () => 100);
    for (const [name, candles] of Object.entries(cases)) {
      const objects = await errorOf("objects", candles);
      const columns = await errorOf("columns", candles);
      expect({ name, error: columns }).toEqual({ name, error: objects });
      expect({ name, code: objects?.code }).toEqual({ name, code: "CANDLES" });
    }
    expect((await errorOf("columns", cases.gap!))?.message).toContain(
      `at ${at(35)}: gap of 3 missing 1m candle(s), ${at(35)} to ${at(37)}`,
    );
    expect((await errorOf("columns", cases.misaligned!))?.message).toContain(
      "open time is not aligned to a minute",
    );
    expect((await errorOf("columns", cases.duplicate!))?.message).toContain(`at ${at(7)}: duplicate candle`);
    // The last minute before toMs twice, so the row where the run would end at toMs is before it: the
    // columns hold that row and report it (the batches, asked for the range's count, never fetch it).
    const duplicateLast = base();
    duplicateLast.push({ ...duplicateLast[duplicateLast.length - 1]! });
    expect(await errorOf("columns", duplicateLast)).toEqual({
      code: "CANDLES",
      message: expect.stringContaining(`at ${at(59)}: duplicate candle`),
    });
  });

  it("defects on either side of a kernel chunk boundary are reported identically by both paths", async () => {
    // Rows of the loaded range: 5 warm-up minutes, then the frame; the chunks split it at multiples of
    // COLUMN_KERNEL_CHUNK_ROWS.
    const minutes = 2 * COLUMN_KERNEL_CHUNK_ROWS + 50;
    const outcome = async (mode: Mode, candles: ICandleData[]) => {
      try {
        const { results } = await run(mode, candles, minutes);
        return { trades: results.filter((result) => result.action === "closed").length };
      } catch (error) {
        const { code, message } = error as { code: string; message: string };
        return { code, message };
      }
    };
    const clean = outcome("objects", wigglyCandles(T0 - 5 * MINUTE, minutes + 5));
    expect(await outcome("columns", wigglyCandles(T0 - 5 * MINUTE, minutes + 5))).toEqual(await clean);
    for (const row of [
      COLUMN_KERNEL_CHUNK_ROWS - 1,
      COLUMN_KERNEL_CHUNK_ROWS,
      2 * COLUMN_KERNEL_CHUNK_ROWS + 1,
    ]) {
      const bad = wigglyCandles(T0 - 5 * MINUTE, minutes + 5);
      bad[row] = { ...bad[row]!, close: Number.NaN };
      const gap = wigglyCandles(T0 - 5 * MINUTE, minutes + 5);
      gap.splice(row, 2);
      for (const candles of [bad, gap]) {
        const objects = await outcome("objects", candles);
        expect({ row, error: await outcome("columns", candles) }).toEqual({ row, error: objects });
        expect(objects).toHaveProperty("code", "CANDLES");
      }
    }
    // Clean columns reaching past toMs take the contiguous path (the store shares them) and end at toMs,
    // inside the third chunk.
    const rows = 3 * COLUMN_KERNEL_CHUNK_ROWS;
    const whole = toColumns(wigglyCandles(T0, rows));
    const toMs = T0 + (2 * COLUMN_KERNEL_CHUNK_ROWS + 10) * MINUTE;
    const store = await loadCandleStore({
      exchange: { ...memoryExchange("mem", {}), getCandleColumns: async () => whole },
      symbol: "BTCUSDT",
      fromMs: T0,
      toMs,
      frameStartMs: T0 + 5 * MINUTE,
      batchSize: 1_000,
      gapPolicy: "error",
      priceCandleCount: 5,
      logger: SILENT_LOGGER,
    });
    expect(store.minutes.count).toBe(2 * COLUMN_KERNEL_CHUNK_ROWS + 10);
    expect(store.minutes.close.buffer).toBe(whole.close.buffer);
  });

  it("gapPolicy fill gives identical stores and results through both paths", async () => {
    const candles = wigglyCandles(T0 - 5 * MINUTE, 600);
    candles.splice(200, 4);
    candles.splice(50, 1);
    const objects = await run("objects", candles, 590, { gapPolicy: "fill" });
    const columns = await run("columns", candles, 590, { gapPolicy: "fill" });
    expect(objects.results.length).toBeGreaterThan(0);
    expect(columns.results).toEqual(objects.results);
    expect(columns.data).toEqual(objects.data);
  });

  it("rows before fromMs after accepted rows are skipped the same way (the copy path)", async () => {
    const candles = series(-5, 60, () => 100);
    candles.splice(30, 0, { ...candles[0]!, timestamp: T0 - 10 * MINUTE });
    expect(await errorOf("columns", candles)).toEqual(await errorOf("objects", candles));
    const objects = await run("objects", candles, 60);
    const columns = await run("columns", candles, 60);
    expect(columns.results).toEqual(objects.results);
  });

  it("contiguous columns become the store without a copy; a filled gap is copied once", async () => {
    const candles = series(-5, 60, (m) => 100 + m / 10);
    const exchange = columnExchange("mem", { BTCUSDT: candles });
    const options = {
      exchange,
      symbol: "BTCUSDT",
      fromMs: T0,
      toMs: T0 + 50 * MINUTE,
      frameStartMs: T0 + 5 * MINUTE,
      batchSize: 1_000,
      gapPolicy: "error" as const,
      priceCandleCount: 5,
      logger: SILENT_LOGGER,
    };
    const store = await loadCandleStore(options);
    const source = await exchange.getCandleColumns!("BTCUSDT", T0, T0 + 50 * MINUTE);
    expect(store.minutes.count).toBe(50);
    expect(store.minutes.close.buffer).toBe(source!.close.buffer);
    expect(store.minutes.close.byteOffset).toBe(source!.close.byteOffset);
    expect(exchange.calls).toEqual([]);
    const objects = await loadCandleStore({
      ...options,
      exchange: memoryExchange("mem", { BTCUSDT: candles }),
    });
    expect(store.minutes).toEqual(objects.minutes);
    expect(store.prices).toEqual(objects.prices);
    const gap = candles.filter((_, index) => index !== 20);
    const filled = await loadCandleStore({
      ...options,
      exchange: columnExchange("mem", { BTCUSDT: gap }),
      gapPolicy: "fill",
    });
    const filledObjects = await loadCandleStore({
      ...options,
      exchange: memoryExchange("mem", { BTCUSDT: gap }),
      gapPolicy: "fill",
    });
    expect(filled.minutes).toEqual(filledObjects.minutes);
    expect(filled.prices).toEqual(filledObjects.prices);
  });

  it("malformed columns and a throwing getCandleColumns are EXCHANGE errors", async () => {
    const runWith = async (getCandleColumns: IExchangeSchema["getCandleColumns"]) => {
      const engine = createTestEngine();
      engine.addExchange({ exchangeName: "bad", getCandles: async () => [], getCandleColumns });
      engine.addFrame({
        frameName: "f",
        interval: "1m",
        startDate: new Date(T0),
        endDate: new Date(T0 + 60 * MINUTE),
      });
      engine.addStrategy({ strategyName: "s", interval: "1m", getSignal: async () => null });
      return collect(
        engine.Backtest.run("BTCUSDT", { strategyName: "s", exchangeName: "bad", frameName: "f" }),
      );
    };
    const good = toColumns(series(-5, 60, () => 100));
    await expect(runWith(async () => ({ ...good, close: good.close.subarray(1) }))).rejects.toMatchObject({
      code: "EXCHANGE",
      message: expect.stringContaining("equal-length Float64Array columns, close"),
    });
    await expect(
      runWith(async () => {
        throw new Error("disk gone");
      }),
    ).rejects.toMatchObject({
      code: "EXCHANGE",
      adapter: "bad",
      message: expect.stringContaining("disk gone"),
    });
  });
});
