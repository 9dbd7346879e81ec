import {
  BtError,
  computeStatistics,
  DAY_MS,
  type IStatistics,
  MIN_ANNUALIZATION_DAYS,
  MIN_ANNUALIZATION_TRADES,
  type StatisticKey,
  YEAR_MS,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries, MINUTE, T0 } from "./closedFactory";

type NumericExpectation = Partial<Record<StatisticKey, number | null>>;

/** Asserts each expected key; numbers to 9 decimals, null exactly (and then with a reason). */
function expectStats(actual: IStatistics, expected: NumericExpectation): void {
  for (const [key, value] of Object.entries(expected) as [StatisticKey, number | null][]) {
    if (value === null) {
      expect(actual[key], key).toBeNull();
      expect(actual.unavailable[key], `reason of ${key}`).toEqual(expect.any(String));
    } else {
      expect(actual[key], key).toBeCloseTo(value, 9);
      expect(actual.unavailable[key], `no reason for ${key}`).toBeUndefined();
    }
  }
}

/** One trade per day, each closing at 12:00 UTC of day i from T0 (a UTC midnight), with the given returns. */
function oneTradePerDay(returnsPercent: number[]) {
  return returnsPercent.map((pnlPercent, day) =>
    closedResult({
      pnlPercent,
      openAt: T0 + day * DAY_MS + 60 * MINUTE,
      closeAt: T0 + day * DAY_MS + 720 * MINUTE,
    }),
  );
}

describe("computeStatistics: hand-computed golden values", () => {
  it("0 trades: counts 0, totalPnl 0, every other metric null with a reason", () => {
    const stats = computeStatistics([]);
    expect(stats).toEqual({
      tradeCount: 0,
      winCount: 0,
      lossCount: 0,
      winRate: null,
      avgPnl: null,
      totalPnl: 0,
      stdDev: null,
      sharpeRatio: null,
      sortinoRatio: null,
      annualizedSharpeRatio: null,
      annualizedSortinoRatio: null,
      certaintyRatio: null,
      profitFactor: null,
      maxDrawdown: null,
      maxDrawdownMarked: null,
      calmarRatio: null,
      expectedYearlyReturns: null,
      avgHoldingMinutes: null,
      totalPnlCost: 0,
      avgMfePercent: null,
      avgMaePercent: null,
      exposurePercent: null,
      unavailable: {
        winRate: "no trades",
        avgPnl: "no trades",
        stdDev: "fewer than 2 trades",
        sharpeRatio: "fewer than 2 trades",
        sortinoRatio: "fewer than 2 trades",
        annualizedSharpeRatio: "needs ≥ 10 trades, has 0; needs ≥ 14 days, has 0.0",
        annualizedSortinoRatio: "needs ≥ 10 trades, has 0; needs ≥ 14 days, has 0.0",
        certaintyRatio: "no trades",
        profitFactor: "no trades",
        maxDrawdown: "no trades",
        maxDrawdownMarked: "no trades",
        calmarRatio: "needs ≥ 10 trades, has 0; needs ≥ 14 days, has 0.0",
        expectedYearlyReturns: "needs ≥ 10 trades, has 0; needs ≥ 14 days, has 0.0",
        avgHoldingMinutes: "no trades",
        avgMfePercent: "no trades",
        avgMaePercent: "no trades",
        exposurePercent: "empty period",
      },
    });
  });

  it("0 trades within a given period: exposure is 0%", () => {
    expect(computeStatistics([], { periodStartMs: T0, periodEndMs: T0 + YEAR_MS }).exposurePercent).toBe(0);
  });

  it("regression: one day at +1.3 % is not '+9,871 % a year' nor 'Calmar 5,459'", () => {
    // The old code annualised any period ≥ 1 day: (1.013^365 − 1) · 100 ≈ +11,000 % for this trade.
    const trade = closedResult({ pnlPercent: 1.3, openAt: T0, closeAt: T0 + DAY_MS });
    const stats = computeStatistics([trade], { periodStartMs: T0, periodEndMs: T0 + DAY_MS });
    const reason = "needs ≥ 10 trades, has 1; needs ≥ 14 days, has 1.0";
    expect(stats.expectedYearlyReturns).toBeNull();
    expect(stats.unavailable.expectedYearlyReturns).toBe(reason);
    expect(stats.calmarRatio).toBeNull();
    expect(stats.unavailable.calmarRatio).toBe(reason);
    expect(stats.annualizedSharpeRatio).toBeNull();
    expect(stats.unavailable.annualizedSharpeRatio).toBe(reason);
    expect(stats.annualizedSortinoRatio).toBeNull();
    expect(stats.unavailable.annualizedSortinoRatio).toBe(reason);
    expectStats(stats, { totalPnl: 1.3, avgPnl: 1.3, maxDrawdown: 0, winRate: 100 });
  });

  it("1 winning trade over a year: no dispersion metric, annualised figures gated by the trade count", () => {
    const stats = computeStatistics(
      [closedResult({ pnlPercent: 2, openAt: T0, closeAt: T0 + 90 * MINUTE })],
      {
        periodStartMs: T0,
        periodEndMs: T0 + YEAR_MS,
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
      maxDrawdown: 0,
      calmarRatio: null,
      expectedYearlyReturns: null,
      avgHoldingMinutes: 90,
      exposurePercent: (90 / (365 * 24 * 60)) * 100,
    });
    expect(stats.unavailable.expectedYearlyReturns).toBe("needs ≥ 10 trades, has 1");
    expect(stats.unavailable.stdDev).toBe("fewer than 2 trades");
    expect(stats.unavailable.certaintyRatio).toBe("no losing trade");
    expect(stats.unavailable.profitFactor).toBe("no losing trade");
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
      maxDrawdown: 0,
      calmarRatio: null,
      avgHoldingMinutes: 60,
      annualizedSharpeRatio: null,
      expectedYearlyReturns: null,
    });
    expect(stats.unavailable.sortinoRatio).toBe("no losing trade");
    // Period: first open T0 → last close T0 + 300 min; held 180 of 300 minutes.
    expectStats(stats, { exposurePercent: 60 });
    expect(stats.unavailable.expectedYearlyReturns).toBe(
      "needs ≥ 10 trades, has 3; needs ≥ 14 days, has 0.2",
    );
  });

  it("all losses [-1, -2, -3]: profit factor 0, drawdown compounded", () => {
    const stats = computeStatistics(closedSeries([-1, -2, -3]), {
      periodStartMs: T0,
      periodEndMs: T0 + YEAR_MS,
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
      sortinoRatio: -2 / Math.sqrt(14 / 3), // √((1 + 4 + 9) / 3)
      certaintyRatio: null,
      profitFactor: 0,
      maxDrawdown: 5.8906, // 1 − 0.99 · 0.98 · 0.97 = 0.058906
    });
    expect(stats.unavailable.certaintyRatio).toBe("no winning trade");
  });

  it("identical returns [0.1 × 7] and [0.5 × 4]: stdDev 0, Sharpe null (never 1e16)", () => {
    const stats = computeStatistics(closedSeries([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]));
    expect(stats.stdDev).toBe(0);
    expect(stats.sharpeRatio).toBeNull();
    expect(stats.unavailable.sharpeRatio).toBe("zero standard deviation (identical returns)");
    expect(stats.annualizedSharpeRatio).toBeNull();
    expect(stats.sortinoRatio).toBeNull();
    const same = computeStatistics(closedSeries([0.5, 0.5, 0.5, 0.5]));
    expectStats(same, { stdDev: 0, sharpeRatio: null, avgPnl: 0.5, totalPnl: 2, maxDrawdown: 0 });
  });

  it("identical losses [-0.3 × 3]: stdDev 0, Sharpe null, Sortino defined", () => {
    const stats = computeStatistics(closedSeries([-0.3, -0.3, -0.3]));
    expectStats(stats, { stdDev: 0, sharpeRatio: null, sortinoRatio: -1 }); // −0.3 / √(0.27/3)
  });

  it("mixed [2, -1]: every per-trade ratio by hand", () => {
    const stats = computeStatistics(closedSeries([2, -1]), { periodStartMs: T0, periodEndMs: T0 + YEAR_MS });
    expectStats(stats, {
      winRate: 50,
      avgPnl: 0.5,
      totalPnl: 1,
      stdDev: Math.sqrt(4.5), // (1.5² + 1.5²) / 1
      sharpeRatio: 0.5 / Math.sqrt(4.5),
      sortinoRatio: 0.5 / Math.sqrt(0.5), // √(1 / 2)
      certaintyRatio: 2,
      profitFactor: 2,
      maxDrawdown: 1, // 1.02 → 1.0098: (1.02 − 1.0098) / 1.02
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
      sortinoRatio: 0.5 / Math.sqrt(4 / 4),
    });
  });

  it("ruin [-100, 50]: drawdown 100%", () => {
    const stats = computeStatistics(closedSeries([-100, 50]), {
      periodStartMs: T0,
      periodEndMs: T0 + YEAR_MS,
    });
    expectStats(stats, { maxDrawdown: 100 });
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

  it("open and close at the same instant: empty period, annualised metrics and exposure null", () => {
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
    expect(stats.unavailable.exposurePercent).toBe("empty period");
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

describe("computeStatistics: annualisation gates", () => {
  it(`needs ≥ ${MIN_ANNUALIZATION_TRADES} trades and ≥ ${MIN_ANNUALIZATION_DAYS} days, both inclusive`, () => {
    const returns = [2, -1, 2, -1, 2, -1, 2, -1, 2, -1];
    const closed = oneTradePerDay(returns);
    const atMinimum = computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 14 * DAY_MS });
    expect(atMinimum.annualizedSharpeRatio).not.toBeNull();
    expect(atMinimum.expectedYearlyReturns).not.toBeNull();
    const oneMsShort = computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 14 * DAY_MS - 1 });
    expect(oneMsShort.annualizedSharpeRatio).toBeNull();
    expect(oneMsShort.unavailable.annualizedSharpeRatio).toBe("needs ≥ 14 days, has 13.9");
    const nineTrades = computeStatistics(closed.slice(0, 9), {
      periodStartMs: T0,
      periodEndMs: T0 + 14 * DAY_MS,
    });
    expect(nineTrades.expectedYearlyReturns).toBeNull();
    expect(nineTrades.unavailable.expectedYearlyReturns).toBe("needs ≥ 10 trades, has 9");
  });
});

describe("computeStatistics: daily equity golden values", () => {
  it("14 days alternating +2 % / −1 %, one trade a day", () => {
    // Days are [T0 + k·day, T0 + (k+1)·day), k = 0…13; each holds one trade, so d = [2, −1, 2, −1, …].
    // mean(d) = (7·2 − 7·1) / 14 = 0.5
    // sample variance = 14 · 1.5² / 13 = 31.5 / 13 = 2.4230769…, std = 1.5566235…
    // Sharpe = 0.5 / 1.5566235 · √365 (19.1049732) = 6.1366709…
    // downside deviation = √(7 · (−1)² / 14) = √0.5 = 0.7071068…
    // Sortino = 0.5 / 0.7071068 · 19.1049732 = 13.5092561…
    // E_N = (1.02 · 0.99)^7 = 1.0098^7 = 1.0706501…; yearly = (1.0706501^(365/14) − 1) · 100 = 492.863…
    // maxDrawdown = (1.02 − 1.0098) / 1.02 = 1 %, Calmar = 492.863… / 1
    const closed = oneTradePerDay([2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1]);
    const stats = computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 14 * DAY_MS });
    expect(stats.annualizedSharpeRatio).toBeCloseTo(6.136670934532025, 9);
    expect(stats.annualizedSortinoRatio).toBeCloseTo(13.509256086106294, 9);
    expect(stats.expectedYearlyReturns).toBeCloseTo(492.86301816424276, 6);
    expect(stats.maxDrawdown).toBeCloseTo(1, 9);
    expect(stats.calmarRatio).toBeCloseTo(492.86301816424276, 6);
    // The per-trade Sharpe is a different figure: 0.5 / 1.5566 = 0.3212, not annualised.
    expect(stats.sharpeRatio).toBeCloseTo(0.5 / Math.sqrt(31.5 / 13), 9);
  });

  it("10 trades packed in 5 days of a 14-day period: flat days count, no losing day → Sortino null", () => {
    // Days 0…4 hold two +1 % trades each: d = 1.01² − 1 = 2.01 %; days 5…13 have no trade: d = 0.
    // mean = 5 · 2.01 / 14 = 0.7178571…
    // Σ(d − mean)² = 5 · 1.2921429² + 9 · 0.7178571² = 8.3481633 + 4.6378699 = 12.9860332; / 13 = 0.9989256
    // Sharpe = 0.7178571 / √0.9989256 · √365 = 13.7220134…
    const closed = [0, 1, 2, 3, 4].flatMap((day) => [
      closedResult({ pnlPercent: 1, openAt: T0 + day * DAY_MS, closeAt: T0 + day * DAY_MS + 60 * MINUTE }),
      closedResult({ pnlPercent: 1, openAt: T0 + day * DAY_MS, closeAt: T0 + day * DAY_MS + 120 * MINUTE }),
    ]);
    const stats = computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 14 * DAY_MS });
    expect(stats.annualizedSharpeRatio).toBeCloseTo(13.72201336516077, 9);
    expect(stats.annualizedSortinoRatio).toBeNull();
    expect(stats.unavailable.annualizedSortinoRatio).toBe("no losing day");
    expect(stats.calmarRatio).toBeNull();
    expect(stats.unavailable.calmarRatio).toBe("no drawdown");
  });

  it("identical daily returns: the daily Sharpe is null, never a division by dust", () => {
    const closed = oneTradePerDay(Array.from({ length: 14 }, () => 0.5));
    const stats = computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 14 * DAY_MS });
    expect(stats.annualizedSharpeRatio).toBeNull();
    expect(stats.unavailable.annualizedSharpeRatio).toBe("zero standard deviation of daily returns");
  });

  it("27 days of trades: the old √(trades per year) inflation is gone", () => {
    // 54 trades over 27 days: the old figure was per-trade Sharpe · √(54 / (27/365)) ≈ per-trade · 27.
    const returns = Array.from({ length: 54 }, (_, index) => [1.1, -0.6, 0.4, -0.2][index % 4]!);
    const closed = returns.map((pnlPercent, index) =>
      closedResult({
        pnlPercent,
        openAt: T0 + Math.floor(index / 2) * DAY_MS + (index % 2) * 360 * MINUTE,
        closeAt: T0 + Math.floor(index / 2) * DAY_MS + (index % 2) * 360 * MINUTE + 60 * MINUTE,
      }),
    );
    const stats = computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 27 * DAY_MS });
    const perTrade = stats.sharpeRatio!;
    expect(stats.annualizedSharpeRatio).not.toBeNull();
    expect(Math.abs(stats.annualizedSharpeRatio! - perTrade * Math.sqrt(54 / (27 / 365)))).toBeGreaterThan(1);
  });
});

/** Independent, straightforward reference for the same definitions (written without the package). */
function reference(returns: number[], closeTimes: number[], startMs: number, endMs: number) {
  const n = returns.length;
  const sum = returns.reduce((a, b) => a + b, 0);
  const avg = sum / n;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - avg) * (r - avg), 0) / (n - 1));
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
  const yearly = (equity[equity.length - 1]! ** (YEAR_MS / (endMs - startMs)) - 1) * 100;
  // Daily buckets by brute force: the equity of trades closed before each UTC midnight (and the end).
  const boundaries: number[] = [];
  for (let t = Math.floor(startMs / DAY_MS) * DAY_MS + DAY_MS; t < endMs; t += DAY_MS) boundaries.push(t);
  boundaries.push(Number.POSITIVE_INFINITY);
  const equityBefore = (t: number) =>
    returns.reduce((e, r, i) => (closeTimes[i]! < t ? e * (1 + r / 100) : e), 1);
  const daily: number[] = [];
  let previous = 1;
  for (const boundary of boundaries) {
    const next = equityBefore(boundary);
    daily.push((next / previous - 1) * 100);
    previous = next;
  }
  const dailyMean = daily.reduce((a, b) => a + b, 0) / daily.length;
  const dailySd = Math.sqrt(daily.reduce((a, d) => a + (d - dailyMean) ** 2, 0) / (daily.length - 1));
  const dailyDown = Math.sqrt(daily.reduce((a, d) => a + Math.min(d, 0) ** 2, 0) / daily.length);
  const avgWinValue = winsList.reduce((a, b) => a + b, 0) / winsList.length;
  const avgLossValue = lossesList.reduce((a, b) => a + b, 0) / lossesList.length;
  return {
    winRate: (winsList.length / n) * 100,
    avgPnl: avg,
    totalPnl: sum,
    stdDev: sd,
    sharpeRatio: avg / sd,
    sortinoRatio: avg / downside,
    annualizedSharpeRatio: (dailyMean / dailySd) * Math.sqrt(365),
    annualizedSortinoRatio: (dailyMean / dailyDown) * Math.sqrt(365),
    certaintyRatio: avgWinValue / Math.abs(avgLossValue),
    profitFactor: winsList.reduce((a, b) => a + b, 0) / Math.abs(lossesList.reduce((a, b) => a + b, 0)),
    maxDrawdown: worst,
    expectedYearlyReturns: yearly,
    calmarRatio: yearly / worst,
  };
}

describe("computeStatistics: against an independent reference formula", () => {
  const lists: number[][] = [
    [1.2, -0.8, 0.4, 2.1, -1.5, 0.3, 0.9, -0.4, 1.7, -2.2, 0.6],
    [-0.5, -0.5, 3, -0.2, 1.1, -2.4, 0.9, 0.05, 1.3, -0.7, 0.2, 0.4],
    [5, -4, 3, -2, 1, -1, 0.5, -0.25, 2.5, -3.5],
    [0.15, 0.22, -0.31, 0.08, -0.12, 0.4, -0.05, 0.33, -0.21, 0.11, 0.07, -0.09, 0.3],
  ];
  for (const returns of lists) {
    it(`matches the reference on [${returns.join(", ")}]`, () => {
      // Trades every 37 hours from 05:00 UTC, so days hold zero, one or two closes; the period is 0.1 year.
      const closeTimes = returns.map((_, index) => T0 + 5 * 60 * MINUTE + index * 37 * 60 * MINUTE);
      const closed = returns.map((pnlPercent, index) =>
        closedResult({
          pnlPercent,
          openAt: closeTimes[index]! - 90 * MINUTE,
          closeAt: closeTimes[index]!,
          // Sized, so the money total is available too: Σ r_i / 100 · 1000.
          cost: 1000,
        }),
      );
      const periodStartMs = T0 + 3 * 60 * MINUTE;
      const periodEndMs = periodStartMs + 0.1 * YEAR_MS;
      const stats = computeStatistics(closed, { periodStartMs, periodEndMs, markedMaxDrawdownPercent: 4.2 });
      const expected = reference(returns, closeTimes, periodStartMs, periodEndMs);
      expect(stats.maxDrawdownMarked).toBe(4.2);
      for (const [key, value] of Object.entries(expected)) {
        expect(stats[key as StatisticKey], key).toBeCloseTo(value, 8);
      }
      expect(stats.tradeCount).toBe(returns.length);
      expect(stats.totalPnlCost).toBeCloseTo(
        returns.reduce((sum, r) => sum + r * 10, 0),
        8,
      );
      expect(stats.unavailable).toEqual({});
    });
  }
});

describe("computeStatistics: ratios over losses that round to zero", () => {
  it("are N/A with a reason, never Infinity (found by the null-reason property test)", () => {
    const closed = [8.881784197001252e-16, -5e-324].map((pnlPercent) =>
      closedResult({ pnlPercent, openAt: T0, closeAt: T0 + MINUTE }),
    );
    const stats = computeStatistics(closed);
    expect(stats.lossCount).toBe(1);
    expect(stats.profitFactor).toBeNull();
    expect(stats.certaintyRatio).toBeNull();
    expect(stats.unavailable.profitFactor).toBe("the losses are too small to divide by (they round to 0)");
  });
});

describe("computeStatistics: money and excursions (issue 17)", () => {
  it("totalPnlCost sums the trades' money; avg MFE / MAE are the means of the trades' figures", () => {
    // Cost 1000 at +2 % → +20; cost 500 at −1 % → −5; cost 2000 at +0.5 % → +10: total 25 (quote currency).
    // MFE 3, 0.5, 1 → mean 1.5; MAE −0.5, −2, −1 → mean −3.5 / 3 = −1.1666….
    const trades = [
      closedResult({ pnlPercent: 2, cost: 1000, mfePercent: 3, maePercent: -0.5 }),
      closedResult({ pnlPercent: -1, cost: 500, mfePercent: 0.5, maePercent: -2, openAt: T0 + 120 * MINUTE }),
      closedResult({ pnlPercent: 0.5, cost: 2000, mfePercent: 1, maePercent: -1, openAt: T0 + 240 * MINUTE }),
    ];
    const stats = computeStatistics(trades);
    expect(stats.totalPnlCost).toBeCloseTo(25, 10);
    expect(stats.avgMfePercent).toBeCloseTo(1.5, 12);
    expect(stats.avgMaePercent).toBeCloseTo(-3.5 / 3, 12);
    expect(stats.unavailable.totalPnlCost).toBeUndefined();
  });

  it("totalPnlCost is N/A with the count when any trade is unsized", () => {
    const stats = computeStatistics([
      closedResult({ pnlPercent: 2, cost: 1000 }),
      closedResult({ pnlPercent: 1, openAt: T0 + 120 * MINUTE }),
    ]);
    expect(stats.totalPnlCost).toBeNull();
    expect(stats.unavailable.totalPnlCost).toBe("1 of 2 trades are unsized (no cost to measure money in)");
    // The percent figures do not need a cost.
    expect(stats.totalPnl).toBe(3);
  });

  it("a trade recorded without excursion figures makes the averages N/A, not wrong", () => {
    const old = closedResult({ pnlPercent: 1 });
    const { mfePercent: _mfe, maePercent: _mae, ...pnl } = old.pnl;
    const legacy = { ...old, pnl } as unknown as typeof old;
    const stats = computeStatistics([legacy, closedResult({ pnlPercent: 2, openAt: T0 + 120 * MINUTE })]);
    expect(stats.avgMfePercent).toBeNull();
    expect(stats.unavailable.avgMfePercent).toBe(
      "1 of 2 trades have no excursion figures (recorded before MFE/MAE)",
    );
    expect(stats.avgMaePercent).toBeNull();
  });

  it("an upgraded record (mfePercent / maePercent null) makes the averages N/A too, never averaged in as 0", () => {
    const old = closedResult({ pnlPercent: 1 });
    const upgraded = { ...old, pnl: { ...old.pnl, mfePercent: null, maePercent: null } };
    const stats = computeStatistics([upgraded, closedResult({ pnlPercent: 2, openAt: T0 + 120 * MINUTE })]);
    expect(stats.avgMfePercent).toBeNull();
    expect(stats.avgMaePercent).toBeNull();
    expect(stats.unavailable.avgMfePercent).toBe(
      "1 of 2 trades have no excursion figures (recorded before MFE/MAE)",
    );
  });

  it("a non-finite money or excursion figure throws VALIDATION naming the field", () => {
    const bad = closedResult({ pnlPercent: 1, cost: 100 });
    for (const field of ["pnlCost", "mfePercent", "maePercent"] as const) {
      const trade = { ...bad, pnl: { ...bad.pnl, [field]: Number.NaN } };
      expect(() => computeStatistics([trade])).toThrow(
        `computeStatistics: trade 0 has a non-finite ${field}`,
      );
    }
  });

  it("avgHoldingMinutes is the mean minutesInPosition of the closed results", () => {
    const trades = [
      closedResult({ pnlPercent: 1, openAt: T0, closeAt: T0 + 30 * MINUTE }),
      closedResult({ pnlPercent: 1, openAt: T0 + 60 * MINUTE, closeAt: T0 + 150 * MINUTE }),
    ];
    const minutes = trades.map((trade) => trade.pnl.minutesInPosition);
    expect(minutes).toEqual([30, 90]);
    expect(computeStatistics(trades).avgHoldingMinutes).toBe(60);
  });
});
