// Look-ahead proof: whatever interval a strategy asks for, getCandles returns only candles that closed
// at or before `when` (open time + interval ≤ alignDown(when)), the last one being the candle just
// before the still-forming one, with values aggregated exactly from the 1m data.

import { alignDown, CANDLE_INTERVALS, type CandleInterval, type ICandleData, intervalToMs } from "@bt/core";
import { describe, expect, it } from "vitest";
import { formatPrice, getAveragePrice, getCandles, getDate, getMode } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, T0, wigglyCandles } from "./helpers";

const DAY = 1440;

function expectedCandles(
  raw: ICandleData[],
  interval: CandleInterval,
  whenMs: number,
  limit: number,
): ICandleData[] {
  const stepMs = intervalToMs(interval);
  const end = alignDown(whenMs, interval);
  const result: ICandleData[] = [];
  for (let start = end - limit * stepMs; start < end; start += stepMs) {
    const inside = raw.filter((candle) => candle.timestamp >= start && candle.timestamp < start + stepMs);
    if (inside.length * MINUTE !== stepMs) continue;
    result.push({
      timestamp: start,
      open: inside[0]!.open,
      high: Math.max(...inside.map((candle) => candle.high)),
      low: Math.min(...inside.map((candle) => candle.low)),
      close: inside[inside.length - 1]!.close,
      volume: inside.reduce((sum, candle) => sum + candle.volume, 0),
    });
  }
  return result;
}

async function probe(frameInterval: "1m" | "1h", startMinute: number, minutes: number) {
  const raw = wigglyCandles(T0 - 3 * DAY * MINUTE, 3 * DAY + startMinute + minutes);
  const engine = createTestEngine();
  engine.addExchange(memoryExchange("mem", { BTCUSDT: raw }));
  engine.addFrame({
    frameName: "f",
    interval: frameInterval,
    startDate: new Date(T0 + startMinute * MINUTE),
    endDate: new Date(T0 + (startMinute + minutes) * MINUTE),
  });
  const problems: string[] = [];
  let checks = 0;
  engine.addStrategy({
    strategyName: "probe",
    interval: "1m",
    getSignal: async (symbol, when) => {
      const whenMs = when.getTime();
      expect(getDate().getTime()).toBe(whenMs);
      expect(getMode()).toBe("backtest");
      for (const interval of CANDLE_INTERVALS) {
        const limit = interval === "1d" ? 2 : 4;
        const candles = await getCandles(symbol, interval, limit);
        const stepMs = intervalToMs(interval);
        for (const candle of candles) {
          if (candle.timestamp + stepMs > whenMs)
            problems.push(`${interval} candle ${candle.timestamp} not closed at ${whenMs}`);
        }
        const expected = expectedCandles(raw, interval, whenMs, limit);
        expect(candles, `${interval} at ${new Date(whenMs).toISOString()}`).toEqual(expected);
        expect(candles.at(-1)?.timestamp).toBe(alignDown(whenMs, interval) - stepMs);
        checks++;
      }
      const lastFive = raw.filter(
        (candle) => candle.timestamp >= whenMs - 5 * MINUTE && candle.timestamp < whenMs,
      );
      let weighted = 0;
      let volume = 0;
      for (const candle of lastFive) {
        weighted += ((candle.high + candle.low + candle.close) / 3) * candle.volume;
        volume += candle.volume;
      }
      expect(await getAveragePrice(symbol)).toBeCloseTo(weighted / volume, 10);
      return null;
    },
  });
  await collect(
    engine.Backtest.run(
      "BTCUSDT",
      { strategyName: "probe", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 3 * DAY },
    ),
  );
  return { problems, checks };
}

describe("look-ahead", () => {
  it("every interval, at minute-aligned times inside intervals (never the forming candle)", async () => {
    const { problems, checks } = await probe("1m", 7, 70);
    expect(problems).toEqual([]);
    expect(checks).toBe(70 * CANDLE_INTERVALS.length);
  });

  it("every interval, at hour boundaries (the candle opening at `when` is not returned)", async () => {
    const { problems, checks } = await probe("1h", 0, 30 * 60);
    expect(problems).toEqual([]);
    expect(checks).toBe(30 * CANDLE_INTERVALS.length);
  });

  it("getCandles, getDate and getMode throw a CONTEXT error outside a run", async () => {
    await expect(getCandles("BTCUSDT", "1m", 5)).rejects.toMatchObject({ code: "CONTEXT" });
    expect(() => getDate()).toThrow(/No execution context/);
    expect(() => getMode()).toThrow(/No execution context/);
  });
});

describe("getCandles beyond the warm-up, formatting", () => {
  it("asks the exchange for candles older than the preloaded warm-up, still without look-ahead", async () => {
    const raw = wigglyCandles(T0 - 100 * MINUTE, 200);
    const engine = createTestEngine();
    const exchange = memoryExchange("mem", { BTCUSDT: raw });
    engine.addExchange({ ...exchange, formatPrice: (_symbol, price) => price.toFixed(2) });
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 20 * MINUTE),
    });
    const warnings: string[] = [];
    engine.setLogger({ debug() {}, info() {}, error() {}, warn: (message) => warnings.push(message) });
    const seen: Array<{ count: number; first: number; last: number; formatted: string }> = [];
    engine.addStrategy({
      strategyName: "deep",
      interval: "15m",
      getSignal: async (symbol) => {
        const candles = await getCandles(symbol, "1m", 30);
        seen.push({
          count: candles.length,
          first: (candles[0]!.timestamp - T0) / MINUTE,
          last: (candles.at(-1)!.timestamp - T0) / MINUTE,
          formatted: await formatPrice(symbol, 1234.5678),
        });
        return null;
      },
    });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "deep", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(seen).toEqual([
      { count: 30, first: -30, last: -1, formatted: "1234.57" },
      { count: 30, first: -15, last: 14, formatted: "1234.57" },
    ]);
    expect(warnings.some((message) => message.includes("reaches before the preloaded warm-up"))).toBe(true);
  });
});
