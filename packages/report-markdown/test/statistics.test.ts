import { BtError } from "@bt/core";
import { computeStatistics, type IStatistics } from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries, MINUTE, T0 } from "./closedFactory";

const DAY = 24 * 60 * MINUTE;
const YEAR = 365 * DAY;

/** Asserts each expected key; numbers to 9 significant decimals, null exactly. */
function expectStats(actual: IStatistics, expected: Partial<IStatistics>): void {
  for (const [key, value] of Object.entries(expected) as [keyof IStatistics, number | null][]) {
    if (value === null) expect(actual[key], key).toBeNull();
    else expect(actual[key], key).toBeCloseTo(value, 9);
  }
}

describe("computeStatistics: hand-computed golden values", () => {
  it("0 trades: counts 0, totalPnl 0, every other metric null", () => {
    expect(computeStatistics([])).toEqual({
      tradeCount: 0,
      winCount: 0,
      lossCount: 0,
      winRate: null,
      avgPnl: null,
      totalPnl: 0,
      stdDev: null,
      sharpeRatio: null,
      annualizedSharpeRatio: null,
      sortinoRatio: null,
      certaintyRatio: null,
      profitFactor: null,
      expectancy: null,
      maxDrawdown: null,
      calmarRatio: null,
      expectedYearlyReturns: null,
      avgHoldingMinutes: null,
      exposurePercent: null,
    });
  });

  it("0 trades within a given period: exposure is 0%", () => {
    expect(computeStatistics([], { periodStartMs: T0, periodEndMs: T0 + YEAR }).exposurePercent).toBe(0);
  });

  it("1 winning trade: no dispersion metric, drawdown 0", () => {
    const stats = computeStatistics(
      [closedResult({ pnlPercent: 2, openAt: T0, closeAt: T0 + 90 * MINUTE })],
      {
        periodStartMs: T0,
        periodEndMs: T0 + YEAR,
      },
    );
    expectStats(stats, {
      tradeCount: 1,
      winCount: 1,
      lossCount: 0,
      winRate: 100,
      avgPnl: 2,
      totalPnl: 2,
      stdDev: null,
      sharpeRatio: null,
      annualizedSharpeRatio: null,
      sortinoRatio: null,
      certaintyRatio: null,
      profitFactor: null,
      expectancy: 2,
      maxDrawdown: 0,
      calmarRatio: null,
      expectedYearlyReturns: 2, // one year period: 1.02^1 − 1
      avgHoldingMinutes: 90,
      exposurePercent: (90 / (365 * 24 * 60)) * 100,
    });
  });

  it("all wins [1, 2, 3]: Sharpe 2, no Sortino / certainty / profit factor (no loss)", () => {
    const stats = computeStatistics(closedSeries([1, 2, 3]));
    expectStats(stats, {
      tradeCount: 3,
      winCount: 3,
      lossCount: 0,
      winRate: 100,
      avgPnl: 2,
      totalPnl: 6,
      stdDev: 1, // √(((1−2)² + 0 + (3−2)²) / 2)
      sharpeRatio: 2,
      sortinoRatio: null,
      certaintyRatio: null,
      profitFactor: null,
      expectancy: 2,
      maxDrawdown: 0,
      calmarRatio: null,
      avgHoldingMinutes: 60,
    });
    // Period: first open T0 → last close T0 + 300 min; held 180 of 300 minutes.
    expectStats(stats, { exposurePercent: 60 });
    // 300 minutes is too short to annualise honestly; one day is enough: 3 trades a day → 1095 a year.
    expectStats(stats, { annualizedSharpeRatio: null, expectedYearlyReturns: null, calmarRatio: null });
    const daily = computeStatistics(closedSeries([1, 2, 3]), { periodStartMs: T0, periodEndMs: T0 + DAY });
    expect(daily.annualizedSharpeRatio).toBeCloseTo(2 * Math.sqrt(3 * 365), 9);
    const expectedYearly = ((1.01 * 1.02 * 1.03) ** 365 - 1) * 100;
    expect(daily.expectedYearlyReturns! / expectedYearly).toBeCloseTo(1, 9);
    expect(daily.exposurePercent).toBeCloseTo(((3 * 60) / (24 * 60)) * 100, 9);
  });

  it("all losses [-1, -2, -3]: profit factor 0, drawdown compounded", () => {
    const stats = computeStatistics(closedSeries([-1, -2, -3]), {
      periodStartMs: T0,
      periodEndMs: T0 + YEAR,
    });
    expectStats(stats, {
      tradeCount: 3,
      winCount: 0,
      lossCount: 3,
      winRate: 0,
      avgPnl: -2,
      totalPnl: -6,
      stdDev: 1,
      sharpeRatio: -2,
      annualizedSharpeRatio: -2 * Math.sqrt(3),
      sortinoRatio: -2 / Math.sqrt(14 / 3), // √((1 + 4 + 9) / 3)
      certaintyRatio: null,
      profitFactor: 0,
      expectancy: -2,
      maxDrawdown: 5.8906, // 1 − 0.99 · 0.98 · 0.97 = 0.058906
      expectedYearlyReturns: -5.8906,
      calmarRatio: -1,
    });
  });

  it("identical returns [0.1 × 7] and [0.5 × 4]: stdDev 0, Sharpe null (never 1e16)", () => {
    const stats = computeStatistics(closedSeries([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]));
    expect(stats.stdDev).toBe(0);
    expect(stats.sharpeRatio).toBeNull();
    expect(stats.annualizedSharpeRatio).toBeNull();
    expect(stats.sortinoRatio).toBeNull();
    const same = computeStatistics(closedSeries([0.5, 0.5, 0.5, 0.5]));
    expectStats(same, { stdDev: 0, sharpeRatio: null, avgPnl: 0.5, totalPnl: 2, maxDrawdown: 0 });
  });

  it("identical losses [-0.3 × 3]: stdDev 0, Sharpe null, Sortino defined", () => {
    const stats = computeStatistics(closedSeries([-0.3, -0.3, -0.3]));
    expectStats(stats, { stdDev: 0, sharpeRatio: null, sortinoRatio: -1 }); // −0.3 / √(0.27/3)
  });

  it("mixed [2, -1]: every ratio by hand", () => {
    const stats = computeStatistics(closedSeries([2, -1]), { periodStartMs: T0, periodEndMs: T0 + YEAR });
    expectStats(stats, {
      winRate: 50,
      avgPnl: 0.5,
      totalPnl: 1,
      stdDev: Math.sqrt(4.5), // (1.5² + 1.5²) / 1
      sharpeRatio: 0.5 / Math.sqrt(4.5),
      annualizedSharpeRatio: (0.5 / Math.sqrt(4.5)) * Math.sqrt(2),
      sortinoRatio: 0.5 / Math.sqrt(0.5), // √(1 / 2)
      certaintyRatio: 2,
      profitFactor: 2,
      expectancy: 0.5, // 0.5 · 2 − 0.5 · 1
      maxDrawdown: 1, // 1.02 → 1.0098: (1.02 − 1.0098) / 1.02
      expectedYearlyReturns: 0.98, // 1.02 · 0.99 − 1
      calmarRatio: 0.98,
    });
  });

  it("mixed [-1, 2]: the initial equity 1 counts as a peak", () => {
    expectStats(computeStatistics(closedSeries([-1, 2])), { maxDrawdown: 1 });
  });

  it("break-even trades are neither wins nor losses [0, 4, -2, 0]", () => {
    const stats = computeStatistics(closedSeries([0, 4, -2, 0]));
    expectStats(stats, {
      winCount: 1,
      lossCount: 1,
      winRate: 25,
      avgPnl: 0.5,
      certaintyRatio: 2,
      profitFactor: 2,
      expectancy: 0.25 * 4 - 0.25 * 2,
      sortinoRatio: 0.5 / Math.sqrt(4 / 4),
    });
  });

  it("ruin [-100, 50]: drawdown 100%, yearly return −100%", () => {
    const stats = computeStatistics(closedSeries([-100, 50]), { periodStartMs: T0, periodEndMs: T0 + YEAR });
    expectStats(stats, { maxDrawdown: 100, expectedYearlyReturns: -100, calmarRatio: -1 });
  });

  it("orders trades by close time for the equity curve, whatever the input order", () => {
    const first = closedResult({ pnlPercent: -10, openAt: T0, closeAt: T0 + 10 * MINUTE });
    const second = closedResult({ pnlPercent: 50, openAt: T0 + 20 * MINUTE, closeAt: T0 + 30 * MINUTE });
    const third = closedResult({ pnlPercent: -10, openAt: T0 + 40 * MINUTE, closeAt: T0 + 50 * MINUTE });
    // Time order 0.9 → 1.35 → 1.215: deepest fall 10%. The input order (−10, −10, +50) would give 19%.
    expectStats(computeStatistics([first, third, second]), { maxDrawdown: 10 });
  });

  it("overlapping positions count once in exposure; holding time from pendingAt", () => {
    const first = closedResult({ pnlPercent: 1, openAt: T0, closeAt: T0 + 60 * MINUTE });
    const second = closedResult({ pnlPercent: 1, openAt: T0 + 30 * MINUTE, closeAt: T0 + 90 * MINUTE });
    const stats = computeStatistics([first, second], { periodStartMs: T0, periodEndMs: T0 + 180 * MINUTE });
    expectStats(stats, { exposurePercent: 50, avgHoldingMinutes: 60 });
  });

  it("a period shorter than the trades clips exposure to 100%", () => {
    const trade = closedResult({ pnlPercent: 1, openAt: T0, closeAt: T0 + 60 * MINUTE });
    const stats = computeStatistics([trade], {
      periodStartMs: T0 + 10 * MINUTE,
      periodEndMs: T0 + 20 * MINUTE,
    });
    expect(stats.exposurePercent).toBe(100);
  });

  it("a period just under one day: annualised metrics null, the rest computed", () => {
    const stats = computeStatistics(closedSeries([1, -0.5, 0.8]), {
      periodStartMs: T0,
      periodEndMs: T0 + DAY - 1,
    });
    expectStats(stats, { annualizedSharpeRatio: null, expectedYearlyReturns: null, calmarRatio: null });
    expect(stats.sharpeRatio).not.toBeNull();
  });

  it("open and close at the same instant: empty period, annualised metrics null", () => {
    const stats = computeStatistics([
      closedResult({ pnlPercent: 1, openAt: T0, closeAt: T0 }),
      closedResult({ pnlPercent: -1, openAt: T0, closeAt: T0 }),
    ]);
    expectStats(stats, {
      annualizedSharpeRatio: null,
      expectedYearlyReturns: null,
      calmarRatio: null,
      exposurePercent: null,
      avgHoldingMinutes: 0,
    });
    expect(stats.sharpeRatio).toBe(0);
  });

  it("rejects non-finite input and an inverted period with BtError VALIDATION", () => {
    const bad = closedResult({ pnlPercent: Number.NaN });
    expect(() => computeStatistics([bad])).toThrowError(/non-finite pnlPercentage/);
    try {
      computeStatistics([], { periodStartMs: T0, periodEndMs: T0 });
      expect.unreachable();
    } catch (error) {
      expect(BtError.isInstance(error)).toBe(true);
      expect((error as BtError).code).toBe("VALIDATION");
      expect((error as BtError).field).toBe("periodEndMs");
    }
    expect(() => computeStatistics([], { periodStartMs: Number.POSITIVE_INFINITY })).toThrowError(
      /periodStartMs/,
    );
  });
});

/** Independent, straightforward reference for the same definitions (written without the package). */
function reference(returns: number[], years: number) {
  const n = returns.length;
  const sum = returns.reduce((a, b) => a + b, 0);
  const avg = sum / n;
  const variance = returns.reduce((a, r) => a + (r - avg) * (r - avg), 0) / (n - 1);
  const sd = Math.sqrt(variance);
  const winsList = returns.filter((r) => r > 0);
  const lossesList = returns.filter((r) => r < 0);
  const downside = Math.sqrt(lossesList.reduce((a, r) => a + r * r, 0) / n);
  const equity: number[] = [1];
  for (const r of returns) equity.push(equity[equity.length - 1]! * (1 + r / 100));
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const peakSoFar = Math.max(...equity.slice(0, i + 1));
    worst = Math.max(worst, ((peakSoFar - equity[i]!) / peakSoFar) * 100);
  }
  const finalEquity = equity[equity.length - 1]!;
  const yearly = (finalEquity ** (1 / years) - 1) * 100;
  const avgWinValue = winsList.reduce((a, b) => a + b, 0) / winsList.length;
  const avgLossValue = lossesList.reduce((a, b) => a + b, 0) / lossesList.length;
  return {
    winRate: (winsList.length / n) * 100,
    avgPnl: avg,
    totalPnl: sum,
    stdDev: sd,
    sharpeRatio: avg / sd,
    annualizedSharpeRatio: (avg / sd) * Math.sqrt(n / years),
    sortinoRatio: avg / downside,
    certaintyRatio: avgWinValue / Math.abs(avgLossValue),
    profitFactor: winsList.reduce((a, b) => a + b, 0) / Math.abs(lossesList.reduce((a, b) => a + b, 0)),
    expectancy: (winsList.length / n) * avgWinValue - (lossesList.length / n) * Math.abs(avgLossValue),
    maxDrawdown: worst,
    expectedYearlyReturns: yearly,
    calmarRatio: yearly / worst,
  };
}

describe("computeStatistics: against an independent reference formula", () => {
  const lists: number[][] = [
    [1.2, -0.8, 0.4, 2.1, -1.5, 0.3],
    [-0.5, -0.5, 3, -0.2, 1.1, -2.4, 0.9, 0.05],
    [5, -4, 3, -2, 1, -1, 0.5, -0.25, 2.5, -3.5],
    [0.15, 0.22, -0.31, 0.08, -0.12, 0.4, -0.05],
  ];
  for (const returns of lists) {
    it(`matches the reference on [${returns.join(", ")}]`, () => {
      const periodYears = 0.25;
      const stats = computeStatistics(closedSeries(returns), {
        periodStartMs: T0,
        periodEndMs: T0 + periodYears * YEAR,
      });
      const expected = reference(returns, periodYears);
      for (const [key, value] of Object.entries(expected)) {
        expect(stats[key as keyof IStatistics], key).toBeCloseTo(value, 8);
      }
      expect(stats.tradeCount).toBe(returns.length);
    });
  }
});
