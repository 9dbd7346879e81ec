import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BtError } from "@bt/core";
import { createFileExchange, withCandleCache } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { SAMPLE_DATA } from "./testFiles";

// Both getCandles of this package reject a bad `since` or `limit` with the same rule, each naming itself.
async function rejection(run: () => Promise<unknown>): Promise<BtError> {
  try {
    await run();
  } catch (error) {
    if (BtError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a BtError");
}

describe("getCandles argument checks", () => {
  it("file exchange and candle cache reject an invalid since and a bad limit, naming adapter, field and value", async () => {
    const files = createFileExchange({ dir: SAMPLE_DATA });
    const cached = withCandleCache(files, { dir: await mkdtemp(join(tmpdir(), "bt-request-")) });
    const cases = [
      { exchange: files, label: "exchange-file", adapter: "file" },
      { exchange: cached, label: "exchange-file cache", adapter: "file-cache" },
    ];
    for (const { exchange, label, adapter } of cases) {
      const badSince = await rejection(() => exchange.getCandles("BTCUSDT", "1m", new Date(Number.NaN), 5));
      expect(badSince.message).toBe(`${label}: since must be a valid Date, got Invalid Date`);
      expect([badSince.code, badSince.field, badSince.adapter]).toEqual(["VALIDATION", "since", adapter]);
      const badLimit = await rejection(() => exchange.getCandles("BTCUSDT", "1m", new Date(0), 2.5));
      expect(badLimit.message).toBe(`${label}: limit must be an integer ≥ 0, got 2.5`);
      expect([badLimit.field, badLimit.value, badLimit.adapter]).toEqual(["limit", 2.5, adapter]);
    }
  });
});
