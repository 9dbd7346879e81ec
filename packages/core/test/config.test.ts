import * as core from "@bt/core";
import {
  BtError,
  configProblems,
  DEFAULT_CONFIG,
  describeExecutionModel,
  type IGlobalConfig,
  mergeConfig,
} from "@bt/core";
import { describe, expect, it } from "vitest";

const setConfig = (patch: Partial<IGlobalConfig>) => mergeConfig(DEFAULT_CONFIG, patch);

/** Runs `action` and returns the BtError it throws (fails the test when it does not throw one). */
function thrownBy(action: () => void): BtError {
  try {
    action();
  } catch (error) {
    if (BtError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a BtError");
}

describe("DEFAULT_CONFIG", () => {
  it("equal the defaults of DESIGN.md", () => {
    const expected: IGlobalConfig = {
      CC_SCHEDULE_AWAIT_MINUTES: 120,
      CC_AVG_PRICE_CANDLES_COUNT: 5,
      CC_PERCENT_FEE: 0.1,
      CC_PERCENT_SLIPPAGE: 0.1,
      CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: 0.5,
      CC_MIN_STOPLOSS_DISTANCE_PERCENT: 0.5,
      CC_MAX_STOPLOSS_DISTANCE_PERCENT: 20,
      CC_MAX_SIGNAL_LIFETIME_MINUTES: 1440,
      CC_GET_SIGNAL_TIMEOUT_MS: 60_000,
      CC_EXCHANGE_TIMEOUT_MS: 30_000,
      CC_BROKER_TIMEOUT_MS: 30_000,
      CC_PERSIST_TIMEOUT_MS: 15_000,
    };
    expect(DEFAULT_CONFIG).toEqual(expected);
    expect(configProblems(DEFAULT_CONFIG)).toEqual([]);
  });

  it("DEFAULT_CONFIG is frozen", () => {
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
  });
});

describe("mergeConfig", () => {
  it("merges a partial patch onto a base and keeps the other keys; neither argument changes", () => {
    const base = mergeConfig(DEFAULT_CONFIG, { CC_PERCENT_FEE: 0.075 });
    const merged = mergeConfig(base, { CC_SCHEDULE_AWAIT_MINUTES: 60 });
    expect(merged).toEqual({ ...DEFAULT_CONFIG, CC_PERCENT_FEE: 0.075, CC_SCHEDULE_AWAIT_MINUTES: 60 });
    expect(base.CC_SCHEDULE_AWAIT_MINUTES).toBe(120);
    expect(DEFAULT_CONFIG.CC_PERCENT_FEE).toBe(0.1);
    expect(Object.isFrozen(merged)).toBe(true);
  });

  it("accepts zero costs", () => {
    expect(setConfig({ CC_PERCENT_FEE: 0, CC_PERCENT_SLIPPAGE: 0 }).CC_PERCENT_FEE).toBe(0);
  });

  it("core exports no mutable configuration (config is a value per engine)", () => {
    expect(Object.keys(core)).not.toContain("GLOBAL_CONFIG");
    expect(Object.keys(core)).not.toContain("setConfig");
  });

  it("describes the execution model a report states", () => {
    expect(describeExecutionModel(setConfig({ CC_PERCENT_FEE: 1 }))).toBe(
      "fee 1% per side, slippage 0.1% per side, price = VWAP of the last 5 closed 1m candles",
    );
  });

  it("rejects a negative fee with BtError CONFIG naming the field and the value", () => {
    const error = thrownBy(() => setConfig({ CC_PERCENT_FEE: -0.1 }));
    expect(error.code).toBe("CONFIG");
    expect(error.field).toBe("CC_PERCENT_FEE");
    expect(error.value).toBe(-0.1);
    expect(error.message).toBe("Invalid config: CC_PERCENT_FEE must be a percentage in [0, 100), got -0.1");
  });

  it.each([
    ["a string", "0.1", 'Invalid config: CC_PERCENT_SLIPPAGE must be a finite number, got "0.1"'],
    ["NaN", Number.NaN, "Invalid config: CC_PERCENT_SLIPPAGE must be a finite number, got NaN"],
    [
      "Infinity",
      Number.POSITIVE_INFINITY,
      "Invalid config: CC_PERCENT_SLIPPAGE must be a finite number, got Infinity",
    ],
    ["undefined", undefined, "Invalid config: CC_PERCENT_SLIPPAGE must be a finite number, got undefined"],
    ["100 %", 100, "Invalid config: CC_PERCENT_SLIPPAGE must be a percentage in [0, 100), got 100"],
  ])("rejects %s as slippage", (_name, value, message) => {
    const error = thrownBy(() => setConfig({ CC_PERCENT_SLIPPAGE: value as number }));
    expect(error.code).toBe("CONFIG");
    expect(error.field).toBe("CC_PERCENT_SLIPPAGE");
    expect(error.message).toBe(message);
  });

  it.each([
    [0, "Invalid config: CC_SCHEDULE_AWAIT_MINUTES must be a positive integer, got 0"],
    [1.5, "Invalid config: CC_SCHEDULE_AWAIT_MINUTES must be a positive integer, got 1.5"],
  ])("rejects a non-positive-integer duration %s", (value, message) => {
    expect(thrownBy(() => setConfig({ CC_SCHEDULE_AWAIT_MINUTES: value })).message).toBe(message);
  });

  it("rejects an unknown key", () => {
    const error = thrownBy(() => setConfig({ CC_FEE: 0.1 } as unknown as Partial<IGlobalConfig>));
    expect(error.code).toBe("CONFIG");
    expect(error.field).toBe("CC_FEE");
    expect(error.message).toBe('Unknown config key "CC_FEE"');
  });

  it("rejects a non-object patch", () => {
    const error = thrownBy(() => setConfig(null as unknown as Partial<IGlobalConfig>));
    expect(error.code).toBe("CONFIG");
    expect(error.message).toBe("config patch must be an object, got null");
  });

  it("rejects a minimum stop-loss distance above the maximum", () => {
    const error = thrownBy(() => setConfig({ CC_MIN_STOPLOSS_DISTANCE_PERCENT: 30 }));
    expect(error.field).toBe("CC_MIN_STOPLOSS_DISTANCE_PERCENT");
    expect(error.value).toBe(30);
    expect(error.message).toBe(
      "Invalid config: CC_MIN_STOPLOSS_DISTANCE_PERCENT (30) must not exceed CC_MAX_STOPLOSS_DISTANCE_PERCENT (20)",
    );
  });

  it("lists every problem of a patch in one message", () => {
    const error = thrownBy(() => setConfig({ CC_PERCENT_FEE: -1, CC_MAX_SIGNAL_LIFETIME_MINUTES: 0 }));
    expect(error.message).toBe(
      "Invalid config: CC_PERCENT_FEE must be a percentage in [0, 100), got -1; CC_MAX_SIGNAL_LIFETIME_MINUTES must be a positive integer, got 0",
    );
  });
});

describe("configProblems", () => {
  it("returns every problem of a complete config", () => {
    expect(
      configProblems({
        ...DEFAULT_CONFIG,
        CC_AVG_PRICE_CANDLES_COUNT: 0,
        CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: -1,
      }),
    ).toEqual([
      "CC_AVG_PRICE_CANDLES_COUNT must be a positive integer, got 0",
      "CC_MIN_TAKEPROFIT_DISTANCE_PERCENT must be a finite number >= 0, got -1",
    ]);
  });
});
