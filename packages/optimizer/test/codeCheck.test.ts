// checkGeneratedCode on its own: a valid module passes, type errors are reported with their line and
// source text, both against the TypeScript source ("@bt/source") and the built declarations, and a
// repeated check reuses the parsed files (fast after the first).

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGeneratedCode } from "../src/index";

const MODULE = `import type { IStrategySchema } from "@bt/core";
import { getAveragePrice, getCandles } from "@bt/engine";
export const strategy = {
  strategyName: "a",
  interval: "15m",
  getSignal: async (symbol) => {
    const candles = await getCandles(symbol, "15m", 3);
    const price = await getAveragePrice(symbol);
    if (candles.length < 3) return null;
    return { position: "long", priceTakeProfit: price * 1.1, priceStopLoss: price * 0.9, minuteEstimatedTime: 60 };
  },
} satisfies IStrategySchema;
`;

const engineDir = dirname(createRequire(import.meta.url).resolve("@bt/engine/package.json"));
const built = existsSync(join(engineDir, "dist", "index.d.ts"));

describe("checkGeneratedCode", () => {
  it("passes a valid module and reports type errors with line and text, fast on a repeated check", async () => {
    const first = await checkGeneratedCode(MODULE, { sourceCondition: true });
    expect(first).toMatchObject({ ok: true });
    const broken = await checkGeneratedCode(MODULE.replace("getCandles(symbol", "getCandle(symbol"), {
      sourceCondition: true,
    });
    expect(broken.ok).toBe(false);
    if (!broken.ok) {
      expect(broken.reason).toMatch(
        /line 7: Cannot find name 'getCandle'.*\(in: const candles = await getCandle\(symbol, "15m", 3\);\)/,
      );
    }
    const again = await checkGeneratedCode(MODULE, { sourceCondition: true });
    expect(again.ok).toBe(true);
    console.log(
      `type check: first ${first.durationMs.toFixed(0)} ms, then ${broken.durationMs.toFixed(0)} ms and ${again.durationMs.toFixed(0)} ms`,
    );
    expect(again.durationMs).toBeLessThan(first.durationMs);
  });

  it.skipIf(!built)("checks against the built declarations when @bt/engine is built", async () => {
    const check = await checkGeneratedCode(MODULE, { sourceCondition: false });
    expect(check).toMatchObject({ ok: true });
    const broken = await checkGeneratedCode(MODULE.replace('"long"', '"sideways"'), {
      sourceCondition: false,
    });
    expect(broken.ok).toBe(false);
    console.log(
      `type check on dist: ${check.durationMs.toFixed(0)} ms, then ${broken.durationMs.toFixed(0)} ms`,
    );
  });
});
