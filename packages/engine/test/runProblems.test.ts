// Run problems are counted and surface: every getSignal call and failure, callback errors by source,
// validation rejections by reason, risk rejections by risk name, cancelled scheduled signals; they reach
// Backtest.getData (with the run's conditions and status) and the Problems section of getReport, while
// errors still reach listenError. Before, a run whose getSignal always threw looked like a quiet run.

import { describe, expect, it } from "vitest";
import type { IRiskEvent, IValidationEvent } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

type GetSignal = Parameters<ReturnType<typeof createTestEngine>["addStrategy"]>[0]["getSignal"];

function setup(expectErrors: boolean) {
  const engine = createTestEngine({ expectErrors });
  engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 180, () => 100) }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 180 * MINUTE),
  });
  const run = (strategyName: string) =>
    collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName, exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
  return { engine, run };
}

describe("run problems", () => {
  it("getSignal errors, validation rejections and cancelled signals are counted in getData", async () => {
    const { engine, run } = setup(true);
    let calls = 0;
    const getSignal: GetSignal = async () => {
      calls++;
      if (calls === 1 || calls === 4) throw new Error(`boom\nstack line ${calls}`);
      if (calls === 2)
        return { position: "long", priceTakeProfit: 99, priceStopLoss: 95, minuteEstimatedTime: 60 };
      if (calls === 3)
        return {
          position: "long",
          priceOpen: 90,
          priceTakeProfit: 95,
          priceStopLoss: 85,
          minuteEstimatedTime: 60,
        };
      return null;
    };
    engine.addStrategy({ strategyName: "mixed", interval: "5m", getSignal });
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    const validations: IValidationEvent[] = [];
    engine.listenValidation((event) => {
      validations.push(event);
    });
    const results = await run("mixed");
    await engine.waitForListeners();
    const data = engine.Backtest.getData("BTCUSDT", "mixed");
    expect(results.map((result) => result.action)).toEqual(["scheduled", "cancelled"]);
    expect(data).toMatchObject({
      symbol: "BTCUSDT",
      strategyName: "mixed",
      exchangeName: "mem",
      frameName: "f",
      periodStartMs: T0,
      periodEndMs: T0 + 180 * MINUTE,
      status: "ok",
      config: engine.getConfig(),
    });
    expect(data.closed).toEqual([]);
    expect(data.cancelled).toEqual([results[1]]);
    // Calls: T0, +5, +10 (scheduled until its timeout at +130), +131 (the first tick after the cancel,
    // its window unused), then every 5 minutes from +135 to +175.
    expect(data.problems.getSignalCalls).toBe(3 + 1 + 9);
    expect(data.problems.getSignalFailures).toBe(2);
    const [failure, ...rejections] = data.problems.problems;
    expect(failure).toEqual({ kind: "error", source: "getSignal", message: "boom", count: 2, firstAt: T0 });
    expect(
      rejections.map((problem) => [problem.kind, problem.source, problem.count, problem.firstAt]),
    ).toEqual(validations[0]!.problems.map(() => ["validation", "validation", 1, T0 + 5 * MINUTE]));
    expect(rejections.map((problem) => problem.message)).toEqual(
      validations[0]!.problems.map((problem) => problem.reason),
    );
    expect(data.problems.cancelled).toEqual([
      {
        signalId: `BTCUSDT:mixed:${data.exchangeName}:${T0 + 10 * MINUTE}`,
        reason: "timeout",
        scheduledAt: T0 + 10 * MINUTE,
        cancelledAt: T0 + 130 * MINUTE,
      },
    ]);
    // Errors still reach listenError.
    expect(errors).toEqual(["boom\nstack line 1", "boom\nstack line 4"]);
    const report = engine.Backtest.getReport("BTCUSDT", "mixed");
    expect(report).toContain("fee 0.1% per side, slippage 0.1% per side");
    expect(report).toContain("## Problems");
    expect(report).toContain("getSignal: 13 calls, 2 failed");
    expect(report).toMatch(/\| getSignal \| boom \| 2 \|/);
  });

  it("risk rejections count by risk name and reason; callback errors by their source", async () => {
    const { engine, run } = setup(true);
    engine.addRisk({ riskName: "closed-market", validations: [() => "market closed"] });
    engine.addStrategy({
      strategyName: "guarded",
      interval: "15m",
      riskName: "closed-market",
      getSignal: async () => ({
        position: "long",
        priceTakeProfit: 102,
        priceStopLoss: 95,
        minuteEstimatedTime: 30,
      }),
      callbacks: {
        onOpen: () => {
          throw new Error("never opened");
        },
      },
    });
    engine.addStrategy({
      strategyName: "noisy",
      interval: "1h",
      getSignal: async () => ({
        position: "long",
        priceTakeProfit: 102,
        priceStopLoss: 95,
        minuteEstimatedTime: 30,
      }),
      callbacks: {
        onOpen: () => {
          throw new Error("onOpen broke");
        },
        onClose: async () => {
          throw new Error("onClose broke");
        },
      },
    });
    const risks: IRiskEvent[] = [];
    engine.listenRisk((event) => {
      risks.push(event);
    });
    await run("guarded");
    await run("noisy");
    await engine.waitForListeners();
    const guarded = engine.Backtest.getData("BTCUSDT", "guarded");
    expect(guarded.problems.problems).toEqual([
      { kind: "risk", source: "closed-market", message: "market closed", count: 12, firstAt: T0 },
    ]);
    expect(risks).toHaveLength(12);
    expect(guarded.status).toBe("ok");
    const noisy = engine.Backtest.getData("BTCUSDT", "noisy");
    expect(noisy.closed).toHaveLength(3);
    expect(noisy.problems.problems).toEqual([
      { kind: "error", source: "onOpen", message: "onOpen broke", count: 3, firstAt: T0 },
      { kind: "error", source: "onClose", message: "onClose broke", count: 3, firstAt: T0 + 30 * MINUTE },
    ]);
    expect(engine.Backtest.getReport("BTCUSDT", "guarded")).toMatch(
      /\| closed-market \| market closed \| 12 \|/,
    );
  });

  it("a run whose every getSignal call throws has status failed", async () => {
    const { engine, run } = setup(true);
    engine.addStrategy({
      strategyName: "always-throws",
      interval: "5m",
      getSignal: async () => {
        throw new Error("no data");
      },
    });
    engine.addStrategy({ strategyName: "quiet", interval: "5m", getSignal: async () => null });
    await run("always-throws");
    await run("quiet");
    const failed = engine.Backtest.getData("BTCUSDT", "always-throws");
    expect(failed.status).toBe("failed");
    expect(failed.problems.getSignalCalls).toBe(36);
    expect(failed.problems.getSignalFailures).toBe(36);
    expect(failed.stats.tradeCount).toBe(0);
    const quiet = engine.Backtest.getData("BTCUSDT", "quiet");
    expect(quiet.status).toBe("ok");
    expect(quiet.problems).toEqual({ problems: [], cancelled: [], getSignalCalls: 36, getSignalFailures: 0 });
  });
});
