// A misspelt schema field or run option is refused with a "did you mean" suggestion (a typo such as
// riskNmae would silently run the strategy without its risk limits), and an unknown enum value of a run
// option is refused naming the allowed values.

import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { createSimulatedClock } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

const getSignal = async () => null;

function thrown(fn: () => unknown): BtError {
  try {
    fn();
  } catch (error) {
    if (BtError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a BtError");
}

async function rejected(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (BtError.isInstance(error)) return error;
  throw new Error(`expected a BtError, got ${String(error)}`);
}

describe("unknown schema fields", () => {
  it("addStrategy({ riskNmae }) is refused: did you mean riskName?", () => {
    const engine = createTestEngine();
    const error = thrown(() =>
      engine.addStrategy({ strategyName: "s", interval: "1m", getSignal, riskNmae: "tight" } as never),
    );
    expect(error.code).toBe("SCHEMA");
    expect(error.field).toBe("riskNmae");
    expect(error.message).toBe(
      'addStrategy: strategy "s": riskNmae is not a strategy schema field (did you mean riskName?)',
    );
  });

  it.each([
    [
      "addFrame",
      (engine: ReturnType<typeof createTestEngine>) =>
        engine.addFrame({
          frameName: "f",
          interval: "1m",
          startDate: new Date(T0),
          endDate: new Date(T0 + MINUTE),
          startdate: 1,
        } as never),
      "startdate",
      "did you mean startDate?",
    ],
    [
      "addRisk",
      (engine: ReturnType<typeof createTestEngine>) =>
        engine.addRisk({ riskName: "r", validations: [], validation: [] } as never),
      "validation",
      "did you mean validations?",
    ],
    [
      "addSizing",
      (engine: ReturnType<typeof createTestEngine>) =>
        engine.addSizing({
          sizingName: "z",
          method: "fixed-percentage",
          riskPercentage: 1,
          maxPositionSise: 5,
        } as never),
      "maxPositionSise",
      "did you mean maxPositionSize?",
    ],
    [
      "addWalker",
      (engine: ReturnType<typeof createTestEngine>) =>
        engine.addWalker({
          walkerName: "w",
          strategies: ["s"],
          exchangeName: "e",
          frameName: "f",
          metrc: "sharpeRatio",
        } as never),
      "metrc",
      "did you mean metric?",
    ],
    [
      "addExchange",
      (engine: ReturnType<typeof createTestEngine>) =>
        engine.addExchange({ exchangeName: "e", getCandles: async () => [], formatPrise: () => "" } as never),
      "formatPrise",
      "did you mean formatPrice?",
    ],
    [
      "addStrategy",
      (engine: ReturnType<typeof createTestEngine>) =>
        engine.addStrategy({ strategyName: "s", interval: "1m", getSignal, colour: "red" } as never),
      "colour",
      "allowed: strategyName, interval",
    ],
  ])("%s names the unknown field and suggests the closest one", (_fn, register, field, hint) => {
    const error = thrown(() => register(createTestEngine()));
    expect(error.code).toBe("SCHEMA");
    expect(error.field).toBe(field);
    expect(error.message).toContain(hint);
  });

  it("an exchange adapter may carry its own members (only near-typos of schema fields are refused)", () => {
    const engine = createTestEngine();
    engine.addExchange({ ...memoryExchange("e", {}), dispose: async () => undefined } as never);
  });

  it("getSignalTimeoutMs and timeoutMs must be positive", () => {
    const engine = createTestEngine();
    expect(
      thrown(() =>
        engine.addStrategy({ strategyName: "s", interval: "1m", getSignal, getSignalTimeoutMs: 0 }),
      ).field,
    ).toBe("getSignalTimeoutMs");
    expect(
      thrown(() => engine.addExchange({ exchangeName: "e", getCandles: async () => [], timeoutMs: -1 }))
        .field,
    ).toBe("timeoutMs");
  });
});

describe("unknown run options", () => {
  const candles = series(-60, 120, () => 100);

  it('Backtest gapPolicy "ignore" is refused naming the allowed values; a misspelt option suggests the name', async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: candles }));
    engine.addStrategy({ strategyName: "s", interval: "1m", getSignal });
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 10 * MINUTE),
    });
    const context = { strategyName: "s", exchangeName: "mem", frameName: "f" };
    let error = await rejected(
      collect(engine.Backtest.run("BTCUSDT", context, { gapPolicy: "ignore" as never })),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toBe('Backtest option gapPolicy must be one of "error", "fill", got "ignore"');
    error = await rejected(collect(engine.Backtest.run("BTCUSDT", context, { warmupMinute: 5 } as never)));
    expect(error.field).toBe("warmupMinute");
    expect(error.message).toBe("Backtest option warmupMinute is not an option (did you mean warmupMinutes?)");
  });

  it("Live refuses a misspelt option before anything runs", async () => {
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: candles }));
    engine.addStrategy({ strategyName: "s", interval: "1m", getSignal });
    const error = await rejected(
      collect(
        engine.Live.run("BTCUSDT", { strategyName: "s", exchangeName: "mem" }, {
          clock: createSimulatedClock(T0),
          reconcileEveryTick: 5,
        } as never),
      ),
    );
    expect(error.message).toBe(
      "Live option reconcileEveryTick is not an option (did you mean reconcileEveryTicks?)",
    );
  });
});

describe("Live.stop with a hung getSignal", () => {
  it("resolves within the getSignal timeout", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-60, 120, () => 100) }));
    let entered: () => void = () => undefined;
    const inCall = new Promise<void>((resolve) => {
      entered = resolve;
    });
    engine.addStrategy({
      strategyName: "s",
      interval: "1m",
      getSignalTimeoutMs: 50,
      getSignal: () => {
        entered();
        return new Promise(() => undefined);
      },
    });
    const stop = engine.Live.background(
      "BTCUSDT",
      { strategyName: "s", exchangeName: "mem" },
      {
        clock: createSimulatedClock(T0),
        handleProcessSignals: false,
      },
    );
    await inCall;
    const started = performance.now();
    await stop();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
