import { fromStoredKey, storedPrefix, storedPrefixEnd, toStoredKey } from "@bt/core";
import { describe, expect, it } from "vitest";

// Keys that break naive stores: separators, escapes, NUL, lone surrogates, astral and private-use characters.
const ODD_KEYS = [
  "a",
  "a/b",
  "a:b#c",
  "%",
  "%25",
  "%00",
  "%uD800",
  "\u0000",
  "\uD800",
  "x\uDC00",
  "😀",
  "\uE000",
  "\uFFFF",
  "\uFFFD",
  "_%.*\\[^$(",
  "ü/ß",
];
const keys = [...ODD_KEYS, "\uD83D\uD83D\uDE00", "x\uDBFF\uDFFF", "\uFFFF\uFFFF", "%u00", "%2"];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = (text: string) => Buffer.from(text, "utf8");

describe("stored keys", () => {
  it("round-trip every key, are injective and hold no NUL or lone surrogate", () => {
    const stored = keys.map(toStoredKey);
    expect(stored.map(fromStoredKey)).toEqual(keys);
    expect(new Set(stored).size).toBe(new Set(keys).size);
    for (const text of stored) {
      expect(LONE_SURROGATE.test(text)).toBe(false);
      expect(text).not.toContain("\u0000");
    }
  });

  it("every key starting with a prefix is stored inside [storedPrefix, storedPrefixEnd) in both orders", () => {
    for (const key of keys) {
      for (let length = 1; length <= key.length; length++) {
        const start = storedPrefix(key.slice(0, length));
        const end = storedPrefixEnd(start);
        const stored = toStoredKey(key);
        expect(stored.startsWith(start), JSON.stringify([key, length])).toBe(true);
        if (end === undefined) continue;
        expect(stored < end, JSON.stringify([key, length])).toBe(true);
        expect(Buffer.compare(utf8(stored), utf8(end)), JSON.stringify([key, length])).toBe(-1);
      }
    }
    expect(storedPrefixEnd("ab")).toBe("ac");
    expect(storedPrefixEnd("a\uFFFF")).toBe("b");
    expect(storedPrefixEnd("a\u{10FFFF}")).toBe("b");
    expect(storedPrefixEnd("\uD7FF")).toBe("\uE000");
    expect(storedPrefixEnd("\uFFFF")).toBeUndefined();
  });
});
