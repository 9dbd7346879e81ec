// The candle loader reports bad exchange data (NaN, non-positive, high < low, out of order, duplicate,
// gaps, missing head or tail) as BtError CANDLES naming the symbol and timestamp; it paginates in
// batches; gaps can be filled on request.

import type { ICandleData } from "@bt/core";
import { describe, expect, it } from "vitest";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

async function runOn(candles: ICandleData[], options: Record<string, unknown> = {}) {
  const engine = createTestEngine();
  const exchange = memoryExchange("mem", { BTCUSDT: candles });
  engine.addExchange(exchange);
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 60 * MINUTE),
  });
  engine.addStrategy({ strategyName: "s", interval: "1m", getSignal: async () => null });
  await collect(
    engine.Backtest.run(
      "BTCUSDT",
      { strategyName: "s", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5, ...options },
    ),
  );
  return exchange;
}

const at = (minute: number) => new Date(T0 + minute * MINUTE).toISOString();
const base = () => series(-5, 60, () => 100);

describe("candle loading", () => {
  it("NaN, non-positive and high < low are reported with symbol and timestamp", async () => {
    const nan = base();
    nan[20] = { ...nan[20]!, close: Number.NaN };
    await expect(runOn(nan)).rejects.toMatchObject({
      code: "CANDLES",
      message: expect.stringContaining(
        `Candles of BTCUSDT from exchange "mem" at ${at(15)}: close must be a finite positive price`,
      ),
    });
    const negative = base();
    negative[3] = { ...negative[3]!, low: -1 };
    await expect(runOn(negative)).rejects.toThrow(`at ${at(-2)}: low must be a finite positive price`);
    const inverted = base();
    inverted[10] = { ...inverted[10]!, high: 90, low: 95, open: 92, close: 92 };
    await expect(runOn(inverted)).rejects.toThrow(`at ${at(5)}: high 90 is below low 95`);
  });

  it("out-of-order, duplicate and gap are reported", async () => {
    const backwards = base();
    backwards[31] = { ...backwards[20]! };
    await expect(runOn(backwards)).rejects.toThrow(`at ${at(15)}: out of order: it comes after ${at(25)}`);
    const duplicate = base();
    duplicate.splice(12, 0, duplicate[12]!);
    await expect(runOn(duplicate)).rejects.toThrow(`at ${at(7)}: duplicate candle`);
    const gap = base();
    gap.splice(40, 3);
    await expect(runOn(gap)).rejects.toThrow(
      `at ${at(35)}: gap of 3 missing 1m candle(s), ${at(35)} to ${at(37)}`,
    );
  });

  it("gapPolicy fill fills missing minutes with flat zero-volume candles", async () => {
    const gap = base();
    gap.splice(40, 3);
    await expect(runOn(gap, { gapPolicy: "fill" })).resolves.toBeDefined();
  });

  it("data starting too late or ending too early is reported", async () => {
    await expect(runOn(series(1, 60, () => 100))).rejects.toThrow(/data starts too late/);
    await expect(runOn(series(-5, 50, () => 100))).rejects.toThrow(
      `at ${at(50)}: data ends too early: the last 1m candle is at ${at(49)}, the frame needs candles until ${at(59)}`,
    );
  });

  it("paginates by since in batches of batchSize", async () => {
    const exchange = await runOn(base(), { batchSize: 20 });
    expect(exchange.calls.map((call) => (call.since - T0) / MINUTE)).toEqual([-5, 15, 35, 55]);
    // The last batch asks for the 5 minutes left, never past the frame end.
    expect(exchange.calls.map((call) => call.limit)).toEqual([20, 20, 20, 5]);
    expect(exchange.calls.every((call) => call.interval === "1m")).toBe(true);
  });

  it("a throwing exchange becomes an EXCHANGE error with the cause", async () => {
    const engine = createTestEngine();
    engine.addExchange({
      exchangeName: "down",
      getCandles: async () => {
        throw new Error("503 Service Unavailable");
      },
    });
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    engine.addStrategy({ strategyName: "s", interval: "1m", getSignal: async () => null });
    await expect(
      collect(engine.Backtest.run("BTCUSDT", { strategyName: "s", exchangeName: "down", frameName: "f" })),
    ).rejects.toMatchObject({
      code: "EXCHANGE",
      adapter: "down",
      message: expect.stringMatching(/503 Service Unavailable/),
    });
  });
});
