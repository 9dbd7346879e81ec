import { describe, expect, it } from "vitest";
import smaWalker from "../../../examples/strategies/smaWalker";
import type { IWalkerRunRecord } from "../src/runRecord";
import { referenceBacktest, runBt, SMA_WALKER } from "./builtCli";

describe("bt walker (built binary)", () => {
  it("--json ranks every strategy of the walker file with the stats of in-process backtests", async () => {
    const run = runBt(["walker", SMA_WALKER, "--symbol", "BTCUSDT", "--json"]);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout) as IWalkerRunRecord;
    expect(record.kind).toBe("walker");
    expect(record.walkerName).toBe("sma-grid");
    expect(record.metric).toBe("annualizedSharpeRatio");
    expect(record.results.map((entry) => entry.strategyName).sort()).toEqual(
      smaWalker.strategies.map((strategy) => strategy.strategyName).sort(),
    );
    expect(record.bestStrategy).toBe(record.results[0]?.strategyName);
    const metrics = record.results.map((entry) => entry.metricValue ?? Number.NEGATIVE_INFINITY);
    expect(metrics).toEqual([...metrics].sort((a, b) => b - a));
    for (const strategy of smaWalker.strategies) {
      const reference = await referenceBacktest(
        strategy,
        "BTCUSDT",
        record.periodStartMs,
        record.periodEndMs,
      );
      const entry = record.results.find((result) => result.strategyName === strategy.strategyName);
      expect(entry?.stats).toEqual(reference.stats);
    }
  });

  it("prints the ranking report and a summary table", () => {
    const run = runBt(["walker", SMA_WALKER]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("# Walker report: sma-grid");
    expect(run.stdout).toMatch(/Summary — walker sma-grid, ranked by annualizedSharpeRatio/);
  });
});
