import { BtError, describeValue } from "@bt/core";
import { describe, expect, it } from "vitest";

describe("BtError", () => {
  it("carries code, message, structured details and name", () => {
    const error = new BtError("PERSIST", "redis: write failed", {
      field: "signal",
      value: 42,
      adapter: "redis",
      retryable: true,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("BtError");
    expect(error.message).toBe("redis: write failed");
    expect(error.code).toBe("PERSIST");
    expect(error.field).toBe("signal");
    expect(error.value).toBe(42);
    expect(error.adapter).toBe("redis");
    expect(error.retryable).toBe(true);
  });

  it("defaults retryable to false and keeps no cause when none is given", () => {
    const error = new BtError("CONFIG", "bad");
    expect(error.retryable).toBe(false);
    expect(error.field).toBeUndefined();
    expect("cause" in error).toBe(false);
  });

  it("keeps the cause", () => {
    const driverError = new Error("ECONNREFUSED");
    const error = new BtError("PERSIST", "redis: connection failed", {
      cause: driverError,
      adapter: "redis",
    });
    expect(error.cause).toBe(driverError);
  });

  it("isInstance recognises an error from a structurally identical foreign copy via the Symbol.for marker", () => {
    // What a second copy of @bt/core (another version in node_modules) would define.
    const foreignMarker = Symbol.for("@bt/core/BtError");
    class ForeignBtError extends Error {
      readonly [foreignMarker] = true;
      readonly code = "EXCHANGE";
    }
    const foreign = new ForeignBtError("binance: rate limited");
    expect(foreign instanceof BtError).toBe(false);
    expect(BtError.isInstance(foreign)).toBe(true);
  });

  it("isInstance rejects look-alikes", () => {
    const plain = Object.assign(new Error("x"), { code: "CONFIG", name: "BtError" });
    expect(BtError.isInstance(plain)).toBe(false);
    expect(BtError.isInstance({ [Symbol.for("@bt/core/BtError")]: "yes" })).toBe(false);
    expect(BtError.isInstance({ [Symbol("@bt/core/BtError")]: true })).toBe(false);
    expect(BtError.isInstance(null)).toBe(false);
    expect(BtError.isInstance(undefined)).toBe(false);
    expect(BtError.isInstance("BtError")).toBe(false);
    expect(BtError.isInstance(new BtError("STATE", "x"))).toBe(true);
  });
});

describe("describeValue", () => {
  it.each([
    ["x", '"x"'],
    [Number.NaN, "NaN"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
    [1.5, "1.5"],
    [true, "true"],
    [null, "null"],
    [undefined, "undefined"],
    [new Date(Date.UTC(2025, 0, 1)), "2025-01-01T00:00:00.000Z"],
    [new Date(Number.NaN), "Invalid Date"],
    [{ a: [1, 2] }, '{"a":[1,2]}'],
  ])("renders %s as %s", (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it("does not throw on values JSON cannot render", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe("[object Object]");
    expect(describeValue(10n)).toBe("10");
  });
});
