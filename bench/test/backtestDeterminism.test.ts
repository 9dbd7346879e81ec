// The generator-driven backtest is deterministic: the same seed gives the same results, another seed
// gives different ones.

import { describe, expect, it } from "vitest";
import { runSmaBacktest, runSmaWalker } from "../src/scenarios";

describe("generator-driven backtest", () => {
  it("same seed → identical results; different seed → different results", async () => {
    const first = await runSmaBacktest({ seed: 7, minutes: 3 * 1440, interval: "15m" });
    const second = await runSmaBacktest({ seed: 7, minutes: 3 * 1440, interval: "15m" });
    const other = await runSmaBacktest({ seed: 8, minutes: 3 * 1440, interval: "15m" });
    expect(first.filter((result) => result.action === "closed").length).toBeGreaterThan(3);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(first));
  });

  it("a walker on the same seed ranks the same way", async () => {
    const first = await runSmaWalker({ seed: 3, minutes: 2 * 1440, strategyCount: 3 });
    const second = await runSmaWalker({ seed: 3, minutes: 2 * 1440, strategyCount: 3 });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.results).toHaveLength(3);
  });
});
