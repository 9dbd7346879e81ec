import { clientOrderId } from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const CHARSET = /^[A-Za-z0-9_-]+$/;

describe("clientOrderId", () => {
  it("prefixes a short safe id, distinct for the open and close legs", () => {
    expect(clientOrderId("sig-1", "open")).toBe("bto-sig-1");
    expect(clientOrderId("sig-1", "close")).toBe("btc-sig-1");
  });

  it("keeps a 32-character id raw (4 + 32 = 36) and hashes a 33-character one", () => {
    const id32 = "a".repeat(32);
    expect(clientOrderId(id32, "open")).toBe(`bto-${id32}`);
    const hashed = clientOrderId("a".repeat(33), "open");
    expect(hashed).toMatch(/^bto-[0-9a-f]{16}$/);
  });

  it("hashes long ids and ids with unsafe characters deterministically", () => {
    const long = `BTCUSDT:my-strategy:binance:${"x".repeat(80)}`;
    const first = clientOrderId(long, "close");
    expect(first).toMatch(/^btc-[0-9a-f]{16}$/);
    expect(clientOrderId(long, "close")).toBe(first);
    expect(clientOrderId("a:b", "open")).toMatch(/^bto-[0-9a-f]{16}$/);
    // "a:b" and "a_b" would collide if unsafe characters were only replaced.
    expect(clientOrderId("a:b", "open")).not.toBe(clientOrderId("a_b", "open"));
  });

  it("is deterministic, ≤ 36 characters of [A-Za-z0-9_-] and open ≠ close for any id (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 120 }), (signalId) => {
        const open = clientOrderId(signalId, "open");
        const close = clientOrderId(signalId, "close");
        for (const id of [open, close]) {
          expect(id.length).toBeLessThanOrEqual(36);
          expect(id).toMatch(CHARSET);
        }
        expect(open).not.toBe(close);
        expect(clientOrderId(signalId, "open")).toBe(open);
      }),
      { numRuns: 250 },
    );
  });

  it("distinct ids give distinct order ids (property over long ids)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 40, maxLength: 60 }), { minLength: 2, maxLength: 30 }),
        (ids) => {
          const orderIds = ids.map((id) => clientOrderId(id, "open"));
          expect(new Set(orderIds).size).toBe(ids.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
