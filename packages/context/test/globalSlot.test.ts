// sharedGlobalSlot: one value per process for a key, shared by copies with the same major version,
// refused (BtError CONTEXT naming both versions) for another major or a foreign value.

import { BtError } from "@bt/core";
import { afterEach, describe, expect, it } from "vitest";
import { sharedGlobalSlot } from "../src/index";

const KEY = "@bt/context/test-slot";
const holder = globalThis as unknown as Record<symbol, unknown>;

afterEach(() => {
  delete holder[Symbol.for(KEY)];
});

describe("sharedGlobalSlot", () => {
  it("creates once and shares with the same major version", () => {
    const first = sharedGlobalSlot(KEY, "1.0.0", () => ({ id: 1 }));
    const second = sharedGlobalSlot(KEY, "1.3.2", () => ({ id: 2 }));
    expect(second).toBe(first);
    expect(holder[Symbol.for(KEY)]).toEqual({ version: "1.0.0", value: { id: 1 } });
  });

  it("refuses another major version, naming both", () => {
    sharedGlobalSlot(KEY, "1.0.0", () => ({}));
    let caught: unknown;
    try {
      sharedGlobalSlot(KEY, "2.0.0", () => ({}));
    } catch (error) {
      caught = error;
    }
    expect(BtError.isInstance(caught) && caught.code === "CONTEXT").toBe(true);
    expect((caught as Error).message).toMatch(/slot version 1\.0\.0, this copy has 2\.0\.0/);
  });

  it("refuses a key taken by something that is not a slot", () => {
    holder[Symbol.for(KEY)] = 42;
    expect(() => sharedGlobalSlot(KEY, "1.0.0", () => ({}))).toThrow(/not a bt slot/);
  });
});
