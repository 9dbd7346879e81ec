import { BtError, computeEquityStatistics, DAY_MS, EQUITY_METRICS, type EquityStatisticKey } from "@bt/core";
import { describe, expect, it } from "vitest";
import { MINUTE, T0 } from "./closedFactory";

const HOUR = 60 * MINUTE;

describe("computeEquityStatistics: hand-computed", () => {
  // Balance 1000 over 3 UTC days [T0, T0 + 3 d):
  // day 0: 1000 (1 h), 1050 (6 h, peak), 945 (12 h: (1050 − 945) / 1050 = 10 % down, 105 quote), 1020 (23 h)
  // day 1: 1100 (29 h, new peak), 1078 (44 h: 22 / 1100 = 2 % down)
  // day 2: 1089 exactly at midnight T0 + 2 d (a midnight mark belongs to the day it starts)
  // Day closes: E_0 = 1020, E_1 = 1078, E_2 = 1089.
  const points = [
    { timeMs: T0 + HOUR, equity: 1000 },
    { timeMs: T0 + 6 * HOUR, equity: 1050 },
    { timeMs: T0 + 12 * HOUR, equity: 945 },
    { timeMs: T0 + 23 * HOUR, equity: 1020 },
    { timeMs: T0 + 29 * HOUR, equity: 1100 },
    { timeMs: T0 + 44 * HOUR, equity: 1078 },
    { timeMs: T0 + 2 * DAY_MS, equity: 1089 },
  ];
  const options = { periodStartMs: T0, periodEndMs: T0 + 3 * DAY_MS, initialBalance: 1000, tradeCount: 3 };

  it("money, return and the drawdown inside a day", () => {
    const stats = computeEquityStatistics(points, options);
    expect(stats.startBalance).toBe(1000);
    expect(stats.endEquity).toBe(1089);
    expect(stats.netProfit).toBe(89); // 1089 − 1000
    expect(stats.returnPercent).toBeCloseTo(8.9, 12); // 89 / 1000 · 100
    expect(stats.maxDrawdownPercent).toBeCloseTo(10, 12); // (1050 − 945) / 1050 · 100
    expect(stats.maxDrawdownQuote).toBeCloseTo(105, 12); // 1050 − 945 (the later fall is 22)
  });

  it("the annualised figures are N/A below the minimums, with the reason", () => {
    const stats = computeEquityStatistics(points, options);
    const reason = "needs ≥ 10 trades, has 3; needs ≥ 14 days, has 3.0";
    for (const key of [
      "annualizedSharpeRatio",
      "annualizedSortinoRatio",
      "expectedYearlyReturns",
      "calmarRatio",
    ] as const) {
      expect(stats[key]).toBeNull();
      expect(stats.unavailable[key]).toBe(reason);
    }
    expect(Object.keys(stats.unavailable).sort()).toEqual(
      ["annualizedSharpeRatio", "annualizedSortinoRatio", "calmarRatio", "expectedYearlyReturns"].sort(),
    );
  });

  it("daily ratios over 14 aligned days of +2 %, −1 %, …", () => {
    // d = [2, −1] × 7; mean = 0.5; deviations ±1.5 → Σ² = 14 · 2.25 = 31.5; sample std = √(31.5 / 13) = 1.5566235650
    // Sharpe = 0.5 / 1.5566235650 · √365 = 6.1366709345
    // downside = √(7 · 1 / 14) = 0.7071067812; Sortino = 0.5 / 0.7071067812 · √365 = 13.5092560861
    // end equity = 1000 · (1.02 · 0.99)^7 = 1070.6501064533; yearly = (1.0706501064533^(365/14) − 1) · 100 = 492.8630181642 %
    // drawdown: each −1 % day falls 1 % from the peak just made → 1 %; Calmar = 492.8630181642 / 1 = 492.8630181642
    const daily: Array<{ timeMs: number; equity: number }> = [];
    let equity = 1000;
    for (let day = 0; day < 14; day++) {
      equity *= day % 2 === 0 ? 1.02 : 0.99;
      daily.push({ timeMs: T0 + day * DAY_MS + 12 * HOUR, equity });
    }
    const stats = computeEquityStatistics(daily, {
      periodStartMs: T0,
      periodEndMs: T0 + 14 * DAY_MS,
      initialBalance: 1000,
      tradeCount: 14,
    });
    expect(stats.annualizedSharpeRatio).toBeCloseTo(6.1366709345, 8);
    expect(stats.annualizedSortinoRatio).toBeCloseTo(13.5092560861, 8);
    expect(stats.endEquity).toBeCloseTo(1070.6501064533, 8);
    expect(stats.expectedYearlyReturns).toBeCloseTo(492.8630181642, 6);
    expect(stats.maxDrawdownPercent).toBeCloseTo(1, 10);
    expect(stats.calmarRatio).toBeCloseTo(492.8630181642, 6);
    expect(stats.unavailable).toEqual({});
  });

  it("no points: the balance stands still, no drawdown", () => {
    const stats = computeEquityStatistics([], { ...options, tradeCount: 0 });
    expect(stats).toMatchObject({
      endEquity: 1000,
      netProfit: 0,
      returnPercent: 0,
      maxDrawdownPercent: 0,
      maxDrawdownQuote: 0,
    });
  });

  it("rejects NaN, negative equity, unordered or out-of-period times and bad options, naming the field and value", () => {
    const cases: Array<[() => unknown, string, unknown]> = [
      [
        () => computeEquityStatistics([{ timeMs: T0, equity: Number.NaN }], options),
        "points[0].equity",
        Number.NaN,
      ],
      [() => computeEquityStatistics([{ timeMs: T0, equity: -1 }], options), "points[0].equity", -1],
      [
        () =>
          computeEquityStatistics(
            [
              { timeMs: T0 + HOUR, equity: 1 },
              { timeMs: T0, equity: 1 },
            ],
            options,
          ),
        "points[1].timeMs",
        T0,
      ],
      [
        () => computeEquityStatistics([{ timeMs: Number.NaN, equity: 1 }], options),
        "points[0].timeMs",
        Number.NaN,
      ],
      [() => computeEquityStatistics([{ timeMs: T0 - 1, equity: 1 }], options), "points[0].timeMs", T0 - 1],
      [() => computeEquityStatistics([], { ...options, initialBalance: 0 }), "initialBalance", 0],
      [() => computeEquityStatistics([], { ...options, periodEndMs: T0 }), "periodEndMs", T0],
      [() => computeEquityStatistics([], { ...options, tradeCount: 1.5 }), "tradeCount", 1.5],
    ];
    for (const [call, field, value] of cases) {
      try {
        call();
        expect.unreachable();
      } catch (error) {
        expect(BtError.isInstance(error)).toBe(true);
        expect((error as BtError).code).toBe("VALIDATION");
        expect((error as BtError).field).toBe(field);
        expect((error as BtError).value).toBe(value);
      }
    }
  });
});

describe("EQUITY_METRICS", () => {
  it("lists every IEquityStatistics figure once", () => {
    const stats = computeEquityStatistics([], {
      periodStartMs: T0,
      periodEndMs: T0 + DAY_MS,
      initialBalance: 1,
      tradeCount: 0,
    });
    const keys = Object.keys(stats).filter((key) => key !== "unavailable") as EquityStatisticKey[];
    expect(EQUITY_METRICS.map((metric) => metric.key).sort()).toEqual([...keys].sort());
    expect(new Set(EQUITY_METRICS.map((metric) => metric.label)).size).toBe(EQUITY_METRICS.length);
    for (const metric of EQUITY_METRICS) expect(metric.convention.length).toBeGreaterThan(10);
  });
});
