import { fileNameToKey, keyToFileName } from "@bt/persist-fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const anyKey = fc.string({ unit: "binary", minLength: 1, maxLength: 320 });
const SAFE_NAME = /^[A-Za-z0-9_%][A-Za-z0-9_.%-]*(~[0-9a-f]{16})?\.json$/;

describe("keyToFileName", () => {
  it("maps every key to one safe file name below 255 bytes, decodable or hashed", () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        const name = keyToFileName(key);
        expect(name).toMatch(SAFE_NAME);
        expect(Buffer.byteLength(name)).toBeLessThan(255);
        const decoded = fileNameToKey(name);
        if (decoded !== undefined) expect(decoded).toBe(key);
        else expect(name).toContain("~");
      }),
      { numRuns: 500 },
    );
  });

  it("is injective, even when compared case-insensitively", () => {
    fc.assert(
      fc.property(anyKey, anyKey, (first, second) => {
        fc.pre(first !== second);
        expect(keyToFileName(first).toLowerCase()).not.toBe(keyToFileName(second).toLowerCase());
      }),
      { numRuns: 500 },
    );
    const pairs = [
      ["Key", "key"],
      ["BTCUSDT", "btcusdt"],
      ["\uD800", "\uD801"],
      ["a".repeat(300), `${"a".repeat(300)}b`],
    ];
    for (const [first = "", second = ""] of pairs) {
      expect(keyToFileName(first).toLowerCase()).not.toBe(keyToFileName(second).toLowerCase());
    }
  });

  it("keeps short lower-case keys readable and reversible", () => {
    expect(keyToFileName("btcusdt:sma-cross:binance")).toBe("btcusdt%3Asma-cross%3Abinance.json");
    expect(keyToFileName("../x")).toBe("%2E.%2Fx.json");
    expect(keyToFileName("..")).toBe("%2E..json");
    expect(fileNameToKey("%2E..json")).toBe("..");
    expect(fileNameToKey("btcusdt%3Asma-cross%3Abinance.json")).toBe("btcusdt:sma-cross:binance");
    expect(fileNameToKey(".tmp-123")).toBeUndefined();
  });
});
