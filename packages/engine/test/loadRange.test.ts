// What a backtest asks the exchange for: never a candle at or past the frame end, no warm-up beyond what
// the strategy declares (warmupCandles), a warm-up the exchange cannot give does not stop the run, and
// data that starts exactly at the frame start runs from the first minute that has a price. Found by a
// user who imported June 2025 and ran --from 2025-06-01 --to 2025-07-01 offline: the loader asked
// 10,000-candle batches reaching past --to and 2 days and 5 minutes before --from.

import { type ICandleData, type IExchangeSchema, SILENT_LOGGER } from "@bt/core";
import { describe, expect, it } from "vitest";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

const DAY = 1440;

/** 3 days of candles from T0 − 1 day, a frame of day 1 (T0 … T0 + 1 day) at 1m. */
function setUp(
  exchange: IExchangeSchema,
  strategy: { warmupCandles?: number; interval?: "1m" | "15m" } = {},
) {
  const warnings: string[] = [];
  const engine = createTestEngine();
  engine.setLogger({ ...SILENT_LOGGER, warn: (message: string) => warnings.push(message) });
  engine.addExchange(exchange);
  engine.addFrame({
    frameName: "day",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + DAY * MINUTE),
  });
  engine.addStrategy({
    strategyName: "quiet",
    interval: strategy.interval ?? "15m",
    ...(strategy.warmupCandles === undefined ? {} : { warmupCandles: strategy.warmupCandles }),
    getSignal: () => null,
  });
  const run = () =>
    collect(
      engine.Backtest.run("BTCUSDT", {
        strategyName: "quiet",
        exchangeName: exchange.exchangeName,
        frameName: "day",
      }),
    );
  return { engine, warnings, run };
}

const candles = (): ICandleData[] => series(-DAY, 2 * DAY, (minute) => 100 + (minute % 7));

describe("the candles a backtest loads", () => {
  it("asks for no candle at or past the frame end", async () => {
    const exchange = memoryExchange("mem", { BTCUSDT: candles() });
    await setUp(exchange).run();
    expect(exchange.calls.length).toBeGreaterThan(0);
    for (const call of exchange.calls) {
      expect(call.since + call.limit * MINUTE).toBeLessThanOrEqual(T0 + DAY * MINUTE);
    }
  });

  it("loads no warm-up for a strategy that declares none: only the first price's 5 candles", async () => {
    const exchange = memoryExchange("mem", { BTCUSDT: candles() });
    await setUp(exchange).run();
    expect(exchange.calls[0]?.since).toBe(T0 - 5 * MINUTE);
  });

  it("loads warmupCandles × interval before the frame start", async () => {
    const exchange = memoryExchange("mem", { BTCUSDT: candles() });
    await setUp(exchange, { warmupCandles: 22, interval: "15m" }).run();
    expect(exchange.calls[0]?.since).toBe(T0 - 22 * 15 * MINUTE);
  });

  it("the run option warmupMinutes overrides the strategy's declaration", async () => {
    const exchange = memoryExchange("mem", { BTCUSDT: candles() });
    const { engine } = setUp(exchange, { warmupCandles: 22 });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "quiet", exchangeName: "mem", frameName: "day" },
        { warmupMinutes: 60 },
      ),
    );
    expect(exchange.calls[0]?.since).toBe(T0 - 60 * MINUTE);
  });

  it("rejects a warmupCandles that is not an integer ≥ 0, naming the field and value", () => {
    const engine = createTestEngine();
    expect(() =>
      engine.addStrategy({ strategyName: "bad", interval: "1m", warmupCandles: 2.5, getSignal: () => null }),
    ).toThrow(/warmupCandles.*2\.5/);
  });

  it("runs without what lies before the frame when the exchange cannot give it, with warnings naming the times", async () => {
    const inner = memoryExchange("offline", { BTCUSDT: candles() });
    // A candle cache holding the frame's days only, with no network behind it.
    const exchange: IExchangeSchema = {
      exchangeName: "offline",
      async getCandles(symbol, interval, since, limit) {
        if (since.getTime() < T0) throw new Error("loading markets failed");
        return inner.getCandles(symbol, interval, since, limit);
      },
    };
    const { engine, run, warnings } = setUp(exchange, { warmupCandles: 22, interval: "1m" });
    await expect(run()).resolves.toEqual([]);
    expect(warnings.join("\n")).toMatch(
      /Candles of BTCUSDT before the frame start 2025-01-01T00:00:00\.000Z could not be loaded \(.*loading markets failed\)/,
    );
    expect(warnings.join("\n")).toMatch(/starts at 2025-01-01T00:05:00\.000Z/);
    expect(engine.Backtest.getData("BTCUSDT", "quiet").problems.getSignalCalls).toBe(DAY - 5);
  });

  it("starts at the first minute with a price when the data starts at the frame start", async () => {
    const exchange = memoryExchange("mem", { BTCUSDT: series(0, DAY, () => 100) });
    const { engine, run, warnings } = setUp(exchange, { interval: "1m" });
    await run();
    expect(warnings.join("\n")).toMatch(/starts at 2025-01-01T00:05:00\.000Z/);
    expect(engine.Backtest.getData("BTCUSDT", "quiet").problems.getSignalCalls).toBe(DAY - 5);
  });

  it("still fails, naming both times, when the data starts after the frame start", async () => {
    const exchange = memoryExchange("mem", { BTCUSDT: series(60, DAY, () => 100) });
    await expect(setUp(exchange).run()).rejects.toThrow(
      /data starts too late: the first 1m candle is at 2025-01-01T01:00:00\.000Z.*2025-01-01T00:00:00\.000Z/,
    );
  });
});
