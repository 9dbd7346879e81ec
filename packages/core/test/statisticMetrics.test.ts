import {
  type IStatistics,
  isLowerBetter,
  isWalkerMetric,
  STATISTIC_METRICS,
  type StatisticKey,
  statisticMetric,
  WALKER_METRICS,
  type WalkerMetric,
} from "@bt/core";
import { describe, expect, expectTypeOf, it } from "vitest";

describe("STATISTIC_METRICS", () => {
  it("lists every IStatistics metric exactly once (type and runtime)", () => {
    type Listed = (typeof STATISTIC_METRICS)[number]["key"];
    expectTypeOf<Exclude<StatisticKey, Listed>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<keyof IStatistics, StatisticKey>>().toEqualTypeOf<"unavailable">();
    const keys = STATISTIC_METRICS.map((metric) => metric.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(22);
  });

  it("names a convention for every metric and the daily-equity convention in the annualised labels", () => {
    for (const metric of STATISTIC_METRICS) {
      expect(metric.label.length, metric.key).toBeGreaterThan(0);
      expect(metric.convention.length, metric.key).toBeGreaterThan(10);
    }
    expect(statisticMetric("annualizedSharpeRatio").label).toBe("Sharpe ratio (daily equity, √365, rf = 0)");
    expect(statisticMetric("sharpeRatio").label).toBe("Sharpe ratio (per trade)");
    expect(statisticMetric("maxDrawdown").label).toBe("Max drawdown (closed trades, compounded)");
    expect(statisticMetric("maxDrawdown").convention).toMatch(/closed trades/);
    expect(statisticMetric("expectedYearlyReturns").convention).toMatch(/needs ≥ 10 trades and ≥ 14 days/);
    expect(STATISTIC_METRICS.some((metric) => (metric.key as string) === "expectancy")).toBe(false);
  });
});

describe("WALKER_METRICS / WalkerMetric", () => {
  it("are the rankable keys, keeping the historic names valid", () => {
    const historic: WalkerMetric[] = [
      "sharpeRatio",
      "annualizedSharpeRatio",
      "totalPnl",
      "winRate",
      "avgPnl",
      "certaintyRatio",
      "maxDrawdown",
    ];
    for (const name of historic) expect(WALKER_METRICS).toContain(name);
    for (const name of [
      "sortinoRatio",
      "annualizedSortinoRatio",
      "profitFactor",
      "calmarRatio",
      "expectedYearlyReturns",
    ]) {
      expect(isWalkerMetric(name), name).toBe(true);
    }
    for (const name of [
      "tradeCount",
      "stdDev",
      "exposurePercent",
      "avgHoldingMinutes",
      "totalPnlCost",
      "avgMfePercent",
      "avgMaePercent",
      "expectancy",
      1,
      null,
    ]) {
      expect(isWalkerMetric(name), String(name)).toBe(false);
    }
    expect(WALKER_METRICS).toEqual(
      STATISTIC_METRICS.filter((metric) => metric.direction !== null).map((metric) => metric.key),
    );
    expectTypeOf<"tradeCount">().not.toMatchTypeOf<WalkerMetric>();
    expectTypeOf<"annualizedSortinoRatio">().toMatchTypeOf<WalkerMetric>();
  });

  it("money and excursion figures describe, they do not rank; money has the quote unit", () => {
    expect(statisticMetric("totalPnlCost").unit).toBe("quote");
    expect(statisticMetric("avgMfePercent").unit).toBe("percent");
    for (const key of ["totalPnlCost", "avgMfePercent", "avgMaePercent"] as const) {
      expect(statisticMetric(key).direction).toBeNull();
    }
  });

  it("isLowerBetter is true for the two drawdowns only", () => {
    expect(WALKER_METRICS.filter(isLowerBetter)).toEqual(["maxDrawdown", "maxDrawdownMarked"]);
  });
});
