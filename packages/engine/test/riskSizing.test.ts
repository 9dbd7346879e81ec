// Risk profiles see the active positions of every strategy sharing them (max concurrent positions is
// one validation); sizing methods put their cost and quantity on the signal row.

import type { IStrategyTickResultOpened } from "@bt/core";
import { describe, expect, it } from "vitest";
import type { IEngine, IRiskEvent, IValidationEvent } from "../src/index";
import { collect, createTestEngine, flatCandles, MINUTE, memoryExchange, series, T0 } from "./helpers";

const longSignal = {
  position: "long" as const,
  priceTakeProfit: 110,
  priceStopLoss: 95,
  minuteEstimatedTime: 60,
};

describe("risk", () => {
  it("max concurrent positions across strategies sharing a profile", async () => {
    const engine = createTestEngine();
    engine.addExchange(
      memoryExchange("mem", { BTCUSDT: series(-5, 60, () => 100), ETHUSDT: series(-5, 60, () => 100) }),
    );
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    const seenCounts: number[] = [];
    engine.addRisk({
      riskName: "max1",
      validations: [
        {
          note: "at most one open position",
          validate: ({ activePositionCount, activePositions }) => {
            seenCounts.push(activePositionCount);
            expect(activePositions).toHaveLength(activePositionCount);
            return activePositionCount >= 1
              ? `max 1 concurrent position (open: ${activePositions[0]?.strategyName})`
              : undefined;
          },
        },
      ],
    });
    engine.addStrategy({
      strategyName: "a",
      interval: "5m",
      riskName: "max1",
      getSignal: async () => longSignal,
    });
    engine.addStrategy({
      strategyName: "b",
      interval: "5m",
      riskName: "max1",
      getSignal: async () => longSignal,
    });
    const risks: IRiskEvent[] = [];
    engine.listenRisk((event) => {
      risks.push(event);
    });
    const runA = engine.Backtest.run(
      "BTCUSDT",
      { strategyName: "a", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5 },
    );
    const first = await runA.next();
    expect((first.value as IStrategyTickResultOpened).action).toBe("opened");
    // While a's position is open, every signal of b is rejected by the shared profile.
    const blocked = await collect(
      engine.Backtest.run(
        "ETHUSDT",
        { strategyName: "b", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    await engine.waitForListeners();
    expect(blocked).toEqual([]);
    expect(risks).toHaveLength(12);
    expect(risks[0]).toMatchObject({
      symbol: "ETHUSDT",
      strategyName: "b",
      riskName: "max1",
      reason: "max 1 concurrent position (open: a)",
      activePositionCount: 1,
      timestamp: T0,
      backtest: true,
    });
    const rest = await collect(runA);
    expect(rest.map((result) => result.action)).toEqual(["closed"]);
    // a's position is gone: b opens.
    const free = await collect(
      engine.Backtest.run(
        "ETHUSDT",
        { strategyName: "b", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(free.map((result) => result.action)).toEqual(["opened", "closed"]);
    expect(seenCounts.at(-1)).toBe(0);
  });

  it("a scheduled signal reserves its slot in the profile until it is cancelled", async () => {
    const engine = createTestEngine();
    engine.addExchange(
      memoryExchange("mem", { BTCUSDT: series(-5, 60, () => 100), ETHUSDT: series(-5, 60, () => 100) }),
    );
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    const seenKinds: string[][] = [];
    engine.addRisk({
      riskName: "max1",
      validations: [
        ({ activePositionCount, activePositions }) => {
          seenKinds.push(activePositions.map((position) => position.signal.kind));
          return activePositionCount >= 1 ? "max 1 position or scheduled signal" : undefined;
        },
      ],
    });
    // a waits for 99 while the price stays at 100: scheduled until the frame ends (cancelled, timeout).
    engine.addStrategy({
      strategyName: "a",
      interval: "5m",
      riskName: "max1",
      getSignal: async () => ({ ...longSignal, priceOpen: 99 }),
    });
    engine.addStrategy({
      strategyName: "b",
      interval: "5m",
      riskName: "max1",
      getSignal: async () => longSignal,
    });
    const runA = engine.Backtest.run(
      "BTCUSDT",
      { strategyName: "a", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5 },
    );
    expect((await runA.next()).value).toMatchObject({ action: "scheduled", strategyName: "a" });
    const blocked = await collect(
      engine.Backtest.run(
        "ETHUSDT",
        { strategyName: "b", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(blocked).toEqual([]);
    expect(seenKinds.at(-1)).toEqual(["scheduled"]);
    expect((await collect(runA)).map((result) => result.action)).toEqual(["cancelled"]);
    const free = await collect(
      engine.Backtest.run(
        "ETHUSDT",
        { strategyName: "b", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
    expect(free.map((result) => result.action)).toEqual(["opened", "closed"]);
    expect(seenKinds.at(-1)).toEqual([]);
  });

  it("rejects on false and on throw, with the reason", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 10, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 10 * MINUTE),
    });
    engine.addRisk({ riskName: "no", validations: [{ note: "never", validate: () => false }] });
    engine.addRisk({
      riskName: "throws",
      validations: [
        () => {
          throw new Error("too much exposure");
        },
      ],
    });
    engine.addStrategy({
      strategyName: "x",
      interval: "5m",
      riskName: "no",
      getSignal: async () => longSignal,
    });
    engine.addStrategy({
      strategyName: "y",
      interval: "5m",
      riskName: "throws",
      getSignal: async () => longSignal,
    });
    const reasons: string[] = [];
    engine.listenRisk((event) => {
      reasons.push(`${event.strategyName}: ${event.reason}`);
    });
    for (const strategyName of ["x", "y"]) {
      const results = await collect(
        engine.Backtest.run(
          "BTCUSDT",
          { strategyName, exchangeName: "mem", frameName: "f" },
          { warmupMinutes: 5 },
        ),
      );
      expect(results).toEqual([]);
    }
    await engine.waitForListeners();
    expect(reasons).toEqual([
      'x: risk "no" validation #0 (never) returned false',
      'x: risk "no" validation #0 (never) returned false',
      "y: too much exposure",
      "y: too much exposure",
    ]);
  });
});

describe("sizing", () => {
  async function sized(
    sizing: Parameters<IEngine["addSizing"]>[0],
    signal = longSignal,
    candles = series(-5, 30, () => 100),
  ) {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: candles }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 30 * MINUTE),
    });
    engine.addSizing(sizing);
    engine.addStrategy({
      strategyName: "s",
      interval: "1m",
      sizingName: sizing.sizingName,
      getSignal: async () => signal,
    });
    const validations: IValidationEvent[] = [];
    engine.listenValidation((event) => {
      validations.push(event);
    });
    const results = await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "s", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 20, accountBalance: 10_000 },
      ),
    );
    await engine.waitForListeners();
    return {
      opened: results.find((result) => result.action === "opened") as IStrategyTickResultOpened | undefined,
      validations,
    };
  }

  it("fixed-percentage: risk 1 % of 10,000 over a 5-point stop = 20 units = cost 2,000", async () => {
    const { opened } = await sized({ sizingName: "fp", method: "fixed-percentage", riskPercentage: 1 });
    expect(opened?.signal.cost).toBeCloseTo(2000, 9);
    expect(opened?.signal.quantity).toBeCloseTo(20, 9);
  });

  it("caps: maxPositionPercentage 10 → 1,000; maxPositionSize 500 → 500; minPositionSize raises", async () => {
    expect(
      (
        await sized({
          sizingName: "c",
          method: "fixed-percentage",
          riskPercentage: 1,
          maxPositionPercentage: 10,
        })
      ).opened?.signal.cost,
    ).toBeCloseTo(1000, 9);
    expect(
      (await sized({ sizingName: "c", method: "fixed-percentage", riskPercentage: 1, maxPositionSize: 500 }))
        .opened?.signal.cost,
    ).toBe(500);
    expect(
      (
        await sized({
          sizingName: "c",
          method: "fixed-percentage",
          riskPercentage: 0.01,
          minPositionSize: 300,
        })
      ).opened?.signal.cost,
    ).toBe(300);
  });

  it("kelly: W = 0.5 (no history), R = 10/5 → f = 0.25, × 0.25 → cost 625; no edge → rejected", async () => {
    const { opened } = await sized({ sizingName: "k", method: "kelly-criterion" });
    expect(opened?.signal.cost).toBeCloseTo(625, 9);
    const noEdge = await sized(
      { sizingName: "k", method: "kelly-criterion" },
      { position: "long", priceTakeProfit: 102, priceStopLoss: 95, minuteEstimatedTime: 60 },
    );
    expect(noEdge.opened).toBeUndefined();
    expect(noEdge.validations[0]?.problems[0]?.message).toMatch(/Kelly fraction -0.7500 ≤ 0/);
  });

  it("atr-based: ATR(14) = 2 on candles with a 2-point range, ×2 → stop 4, risk 100 → 25 units → 2,500", async () => {
    const candles = flatCandles(T0 - 20 * MINUTE, new Array(50).fill(100)).map((candle) => ({
      ...candle,
      high: 101,
      low: 99,
    }));
    const { opened } = await sized(
      { sizingName: "atr", method: "atr-based", riskPercentage: 1 },
      longSignal,
      candles,
    );
    expect(opened?.signal.priceOpen).toBe(100);
    expect(opened?.signal.cost).toBeCloseTo(2500, 9);
  });

  it("a signal's own cost wins over sizing", async () => {
    const { opened } = await sized({ sizingName: "fp", method: "fixed-percentage", riskPercentage: 1 }, {
      ...longSignal,
      cost: 123,
    } as typeof longSignal);
    expect(opened?.signal.cost).toBe(123);
  });
});
