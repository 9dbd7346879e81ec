// Registration errors name the function, the schema and the field; unknown names are reported when a
// run starts with what is registered.

import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

function schemaError(fn: () => unknown): BtError {
  try {
    fn();
  } catch (error) {
    expect(BtError.isInstance(error)).toBe(true);
    return error as BtError;
  }
  throw new Error("expected a BtError");
}

const getSignal = async () => null;

describe("schema validation", () => {
  it("rejects duplicates, bad intervals, missing functions and bad frames, naming schema and field", () => {
    const engine = createTestEngine();
    engine.addStrategy({ strategyName: "s", interval: "15m", getSignal });
    let error = schemaError(() => engine.addStrategy({ strategyName: "s", interval: "15m", getSignal }));
    expect(error.code).toBe("SCHEMA");
    expect(error.message).toMatch(/addStrategy: strategy "s" is already registered/);

    error = schemaError(() => engine.addStrategy({ strategyName: "t", interval: "7m" as "1m", getSignal }));
    expect(error.field).toBe("interval");
    expect(error.message).toMatch(/strategy "t": interval must be one of 1m, 3m/);

    error = schemaError(() => engine.addStrategy({ strategyName: "u", interval: "1m" } as never));
    expect(error.field).toBe("getSignal");
    expect(error.message).toMatch(/strategy "u": getSignal must be a function, got undefined/);

    error = schemaError(() =>
      engine.addStrategy({
        strategyName: "v",
        interval: "1m",
        getSignal,
        callbacks: { onOpn: () => {} } as never,
      }),
    );
    expect(error.field).toBe("callbacks.onOpn");

    error = schemaError(() => engine.addExchange({ exchangeName: "x" } as never));
    expect(error.message).toMatch(/addExchange: exchange "x": getCandles must be a function/);

    error = schemaError(() =>
      engine.addFrame({ frameName: "f", interval: "1m", startDate: new Date(T0), endDate: new Date(T0) }),
    );
    expect(error.field).toBe("endDate");
    expect(error.message).toMatch(
      /addFrame: frame "f": endDate \(2025-01-01T00:00:00.000Z\) must be after startDate/,
    );

    error = schemaError(() =>
      engine.addFrame({ frameName: "g", interval: "1m", startDate: new Date("nope"), endDate: new Date(T0) }),
    );
    expect(error.field).toBe("startDate");

    error = schemaError(() => engine.addRisk({ riskName: "r", validations: [42 as never] }));
    expect(error.field).toBe("validations[0]");

    error = schemaError(() =>
      engine.addSizing({ sizingName: "z", method: "fixed-percentage", riskPercentage: 0 }),
    );
    expect(error.field).toBe("riskPercentage");
    error = schemaError(() => engine.addSizing({ sizingName: "z", method: "martingale" } as never));
    expect(error.field).toBe("method");

    error = schemaError(() =>
      engine.addWalker({ walkerName: "w", strategies: ["a", "a"], exchangeName: "x", frameName: "f" }),
    );
    expect(error.field).toBe("strategies[1]");
    error = schemaError(() =>
      engine.addWalker({
        walkerName: "w",
        strategies: ["a"],
        exchangeName: "x",
        frameName: "f",
        metric: "luck" as never,
      }),
    );
    expect(error.field).toBe("metric");
    error = schemaError(() => engine.addStrategy({ interval: "1m", getSignal } as never));
    expect(error.field).toBe("strategyName");
  });

  it("unknown names fail the run with the referencing schema and the registered names", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 60, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    engine.addStrategy({ strategyName: "s", interval: "1m", getSignal, riskName: "missing" });
    await expect(
      collect(engine.Backtest.run("BTCUSDT", { strategyName: "nope", exchangeName: "mem", frameName: "f" })),
    ).rejects.toThrow(
      /Unknown strategy "nope" \(Backtest.run\(BTCUSDT\) strategyName\); registered strategy names: "s"/,
    );
    await expect(
      collect(engine.Backtest.run("BTCUSDT", { strategyName: "s", exchangeName: "mem", frameName: "f" })),
    ).rejects.toMatchObject({
      code: "SCHEMA",
      field: "riskName",
      message: expect.stringMatching(/Unknown risk "missing" \(strategy "s" riskName\)/),
    });
    engine.addStrategy({ strategyName: "plain", interval: "1m", getSignal });
    engine.addWalker({
      walkerName: "w",
      strategies: ["plain", "ghost"],
      exchangeName: "mem",
      frameName: "f",
    });
    await expect(collect(engine.Walker.run("BTCUSDT", { walkerName: "w" }))).rejects.toMatchObject({
      code: "SCHEMA",
      field: "strategies[1]",
    });
  });
});
