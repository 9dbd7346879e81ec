import {
  assertPersistable,
  assertPersistSpec,
  assertPersistTarget,
  BtError,
  PERSIST_ENTITIES,
  type PersistEntity,
  persistKey,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

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

describe("assertPersistable", () => {
  it("accepts JSON values with finite numbers", () => {
    const record = {
      id: "sig-1",
      priceOpen: 100.5,
      cost: null,
      flags: [true, false],
      nested: { levels: [1, 2, { deep: -0.5 }] },
    };
    expect(() => assertPersistable(record, "fs")).not.toThrow();
    for (const scalar of [null, "x", 0, -1.5, true])
      expect(() => assertPersistable(scalar, "fs")).not.toThrow();
  });

  it.each([
    [
      "NaN",
      { signal: { pnl: [1, Number.NaN] } },
      "value.signal.pnl[1]",
      "fs: value.signal.pnl[1] is NaN; only finite numbers can be persisted",
    ],
    [
      "Infinity",
      { price: Number.POSITIVE_INFINITY },
      "value.price",
      "fs: value.price is Infinity; only finite numbers can be persisted",
    ],
    [
      "-Infinity",
      [Number.NEGATIVE_INFINITY],
      "value[0]",
      "fs: value[0] is -Infinity; only finite numbers can be persisted",
    ],
    [
      "undefined",
      { note: undefined },
      "value.note",
      "fs: value.note of type undefined cannot be persisted as JSON",
    ],
    [
      "a function",
      { callback: () => 1 },
      "value.callback",
      "fs: value.callback of type function cannot be persisted as JSON",
    ],
    [
      "a symbol",
      { tag: Symbol("x") },
      "value.tag",
      "fs: value.tag of type symbol cannot be persisted as JSON",
    ],
    ["a bigint", { size: 10n }, "value.size", "fs: value.size of type bigint cannot be persisted as JSON"],
    ["a Date", { at: new Date(0) }, "value.at", "fs: value.at of type object cannot be persisted as JSON"],
    [
      "a Map",
      { index: new Map() },
      "value.index",
      "fs: value.index of type object cannot be persisted as JSON",
    ],
    ["top-level undefined", undefined, "value", "fs: value of type undefined cannot be persisted as JSON"],
  ])("rejects %s with the path in the message", (_name, value, path, message) => {
    const error = thrownBy(() => assertPersistable(value, "fs"));
    expect(error.code).toBe("PERSIST");
    expect(error.adapter).toBe("fs");
    expect(error.field).toBe(path);
    expect(error.message).toBe(message);
  });

  it("uses the given root path", () => {
    expect(thrownBy(() => assertPersistable({ a: Number.NaN }, "redis", "signal")).message).toBe(
      "redis: signal.a is NaN; only finite numbers can be persisted",
    );
  });

  // Fixed bug: a cycle recursed until the stack overflowed (RangeError) instead of a BtError.
  it("rejects a circular reference with a BtError naming its path", () => {
    const record: Record<string, unknown> = { id: "sig-1", children: [] };
    (record.children as unknown[]).push({ parent: record });
    const error = thrownBy(() => assertPersistable(record, "fs"));
    expect(error.code).toBe("PERSIST");
    expect(error.message).toBe(
      "fs: value.children[0].parent is a circular reference and cannot be persisted",
    );
  });

  it("accepts the same object referenced twice without a cycle", () => {
    const shared = { price: 1 };
    expect(() => assertPersistable({ a: shared, b: [shared, shared] }, "fs")).not.toThrow();
  });

  // Fixed bug: an object with a null prototype (a plain dictionary, JSON-serialisable) was rejected.
  it("accepts a null-prototype object", () => {
    const dictionary = Object.assign(Object.create(null) as Record<string, unknown>, { price: 1 });
    expect(() => assertPersistable({ dictionary }, "fs")).not.toThrow();
  });
});

describe("persistKey", () => {
  it("joins the three parts with ':'", () => {
    expect(persistKey("BTCUSDT", "sma-cross", "binance")).toBe("BTCUSDT:sma-cross:binance");
  });

  it("is unambiguous when parts contain ':' or '%'", () => {
    const keys = [
      persistKey("a:b", "c", "d"),
      persistKey("a", "b:c", "d"),
      persistKey("a", "b", "c:d"),
      persistKey("a%3Ab", "c", "d"),
      persistKey("a", "b", "c"),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(persistKey("a:b", "c", "d").split(":")).toHaveLength(3);
  });

  it("round-trips unicode (decodeURIComponent of each part gives the input back)", () => {
    const parts: [string, string, string] = ["ÉTH/€", "стратегия 🚀", "取引所"];
    const key = persistKey(...parts);
    expect(key.split(":").map(decodeURIComponent)).toEqual(parts);
  });

  // Fixed bug: a lone UTF-16 surrogate made encodeURIComponent throw a URIError.
  it("encodes lone surrogates without throwing, distinctly", () => {
    const high = persistKey("a\uD800", "s", "x");
    const low = persistKey("a\uDC00", "s", "x");
    expect(high).toBe("a%uD800:s:x");
    expect(low).toBe("a%uDC00:s:x");
    expect(persistKey("\uD83D\uDE80", "s", "x")).toBe("%F0%9F%9A%80:s:x");
  });

  it("is injective on arbitrary strings (property)", () => {
    // Any code point, plus raw UTF-16 code units so lone surrogates appear too.
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const part = fc.string({
      unit: fc.oneof(
        fc.constantFrom(":", "%", "u"),
        codeUnit,
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      ),
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.tuple(part, part, part), fc.tuple(part, part, part), (left, right) => {
        const same = left.every((value, index) => value === right[index]);
        expect(persistKey(...left) === persistKey(...right)).toBe(same);
      }),
      { numRuns: 250 },
    );
  });
});

describe("assertPersistSpec and entities", () => {
  it("accepts spec versions 1 and 2", () => {
    expect(() => assertPersistSpec({ name: "fs", specVersion: 1 })).not.toThrow();
    expect(() => assertPersistSpec({ name: "fs", specVersion: 2 })).not.toThrow();
  });

  it("rejects another version naming the adapter and the version", () => {
    const error = thrownBy(() => assertPersistSpec({ name: "redis", specVersion: 3 }));
    expect(error.code).toBe("PERSIST");
    expect(error.adapter).toBe("redis");
    expect(error.field).toBe("specVersion");
    expect(error.value).toBe(3);
    expect(error.message).toBe("redis: persistence specVersion 3 is not supported (supported: 1, 2)");
  });

  it("lists every entity once", () => {
    expect([...PERSIST_ENTITIES]).toEqual(["signal", "scheduled", "risk", "partial", "candle"]);
  });
});

describe("assertPersistTarget", () => {
  it("accepts every entity with or without a key", () => {
    for (const entity of PERSIST_ENTITIES) {
      expect(() => assertPersistTarget("probe", entity)).not.toThrow();
      expect(() => assertPersistTarget("probe", entity, "k")).not.toThrow();
    }
  });

  it("rejects an unknown entity and an empty key, naming the adapter, field and value", () => {
    const unknown = captureError(() => assertPersistTarget("probe", "orders" as PersistEntity, "k"));
    expect(unknown.message).toBe('probe: unknown entity "orders"');
    expect([unknown.code, unknown.adapter, unknown.field, unknown.value]).toEqual([
      "PERSIST",
      "probe",
      "entity",
      "orders",
    ]);
    const empty = captureError(() => assertPersistTarget("probe", "signal", ""));
    expect(empty.message).toBe("probe: key must be a non-empty string");
    expect([empty.field, empty.value]).toEqual(["key", ""]);
  });
});

function captureError(run: () => void): BtError {
  try {
    run();
  } catch (error) {
    if (BtError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a BtError");
}
