// getSignal is called exactly once per strategy interval boundary while idle and never while a
// signal is scheduled or open; per-minute callbacks run only when registered.

import { describe, expect, it } from "vitest";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

describe("getSignal throttling", () => {
  it("is called once per 15m boundary while idle (1m frame, 2 hours)", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 120, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 120 * MINUTE),
    });
    const calls: number[] = [];
    engine.addStrategy({
      strategyName: "s",
      interval: "15m",
      getSignal: async (_symbol, when) => {
        calls.push((when.getTime() - T0) / MINUTE);
        return null;
      },
    });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "s", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(calls).toEqual([0, 15, 30, 45, 60, 75, 90, 105]);
  });

  it("starts mid-window at the first frame minute, then at each boundary", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 60, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0 + 7 * MINUTE),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    const calls: number[] = [];
    engine.addStrategy({
      strategyName: "s",
      interval: "15m",
      getSignal: async (_symbol, when) => {
        calls.push((when.getTime() - T0) / MINUTE);
        return null;
      },
    });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "s", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(calls).toEqual([7, 15, 30, 45]);
  });

  it("is never called while a signal is open; resumes after the close in a fresh window", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 120, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 120 * MINUTE),
    });
    const calls: number[] = [];
    const openMinutes: Array<[number, number]> = [];
    engine.addStrategy({
      strategyName: "s",
      interval: "15m",
      getSignal: async (_symbol, when) => {
        const minute = (when.getTime() - T0) / MINUTE;
        calls.push(minute);
        return minute === 0 || minute === 45
          ? { position: "long", priceTakeProfit: 110, priceStopLoss: 95, minuteEstimatedTime: 20 }
          : null;
      },
    });
    const results = await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "s", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    for (let index = 0; index < results.length; index += 2) {
      openMinutes.push([
        (results[index]!.timestamp - T0) / MINUTE,
        (results[index + 1]!.timestamp - T0) / MINUTE,
      ]);
    }
    // Open 0 → 20 (time expired); window 15 is unused → asked at 21; open 45 → 65; window 60 → asked at 66.
    expect(openMinutes).toEqual([
      [0, 20],
      [45, 65],
    ]);
    expect(calls).toEqual([0, 21, 30, 45, 66, 75, 90, 105]);
    for (const minute of calls) {
      for (const [open, close] of openMinutes)
        expect(minute < open || minute > close || minute === open).toBe(true);
    }
  });

  it("calls onIdle/onActive/onTick every minute only when registered", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 30, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 30 * MINUTE),
    });
    const idle: number[] = [];
    const active: number[] = [];
    const ticks: string[] = [];
    let asked = 0;
    engine.addStrategy({
      strategyName: "s",
      interval: "5m",
      getSignal: async () =>
        asked++ === 1
          ? { position: "long", priceTakeProfit: 110, priceStopLoss: 95, minuteEstimatedTime: 10 }
          : null,
      callbacks: {
        onIdle: (_symbol, price) => {
          expect(price).toBe(100);
          idle.push(0);
        },
        onActive: () => {
          active.push(0);
        },
        onTick: (_symbol, result) => {
          ticks.push(`${result.action}@${(result.timestamp - T0) / MINUTE}`);
        },
      },
    });
    const results = await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "s", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(results.map((result) => `${result.action}@${(result.timestamp - T0) / MINUTE}`)).toEqual([
      "opened@5",
      "closed@15",
    ]);
    // idle at 0..4 and 16..29, active at 6..14.
    expect(idle).toHaveLength(5 + 14);
    expect(active).toHaveLength(9);
    expect(ticks.slice(0, 7)).toEqual([
      "idle@0",
      "idle@1",
      "idle@2",
      "idle@3",
      "idle@4",
      "opened@5",
      "active@6",
    ]);
    expect(ticks).toContain("closed@15");
    expect(ticks).toHaveLength(30);
  });
});
