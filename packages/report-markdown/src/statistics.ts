// Statistics of a list of closed signals: counts, returns, risk-adjusted ratios and the compounded
// equity curve. A metric that cannot be computed honestly (too few trades, zero variance, no losses,
// an empty period) is `null`, never a fake number. Formulas and units are documented on IStatistics.

import { BtError, type IStrategyTickResultClosed } from "@bt/core";

/** Milliseconds in one year of 365 days (crypto and forex data run on calendar time). */
export const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** Shortest period (ms, one day) over which annualised metrics are computed; shorter periods give null. */
export const MIN_ANNUALIZATION_PERIOD_MS = 24 * 60 * 60 * 1000;

/** A standard deviation (or drawdown) at or below this many percentage points counts as zero. */
export const ZERO_TOLERANCE_PERCENT = 1e-9;

/**
 * Statistics of closed signals; r_i is `pnl.pnlPercentage` of trade i (percent, fees included), N the
 * trade count, trades ordered by close time. Every metric is `null` when it cannot be computed honestly.
 */
export interface IStatistics {
  /** N, the number of closed trades. */
  tradeCount: number;
  /** Trades with r_i > 0 (a trade at exactly 0 is neither a win nor a loss). */
  winCount: number;
  /** Trades with r_i < 0. */
  lossCount: number;
  /** winCount / N · 100, percent in [0, 100]; null when N = 0. */
  winRate: number | null;
  /** Mean of r_i, percent per trade; null when N = 0. */
  avgPnl: number | null;
  /** Σ r_i, percent (simple sum, not compounded); 0 when N = 0. */
  totalPnl: number;
  /** Sample standard deviation √(Σ(r_i − mean)² / (N − 1)), percent; null when N < 2. */
  stdDev: number | null;
  /** avgPnl / stdDev per trade, unitless; null when N < 2 or stdDev = 0. */
  sharpeRatio: number | null;
  /** sharpeRatio · √(N / years of the period), unitless; null when sharpeRatio is null or the period is shorter than 1 day. */
  annualizedSharpeRatio: number | null;
  /** avgPnl / √(Σ min(r_i, 0)² / N), unitless; null when N < 2 or there is no loss. */
  sortinoRatio: number | null;
  /** mean(winning r_i) / |mean(losing r_i)|, unitless; null when there is no win or no loss. */
  certaintyRatio: number | null;
  /** Σ winning r_i / |Σ losing r_i|, unitless; null when there is no loss (0 when there are losses and no win). */
  profitFactor: number | null;
  /** winRate·avgWin − lossRate·|avgLoss| (rates as fractions), percent per trade; null when N = 0. */
  expectancy: number | null;
  /** Deepest fall of the compounded equity E_k = Π(1 + r_i/100) (E_0 = 1) from its running peak, percent ≥ 0; null when N = 0. */
  maxDrawdown: number | null;
  /** expectedYearlyReturns / maxDrawdown, unitless; null when either is null or maxDrawdown = 0. */
  calmarRatio: number | null;
  /** (E_N^(1 year / period) − 1) · 100, compounded growth annualised, percent; null when N = 0 or the period is shorter than 1 day. */
  expectedYearlyReturns: number | null;
  /** Mean of (close timestamp − signal.pendingAt), minutes; null when N = 0. */
  avgHoldingMinutes: number | null;
  /** Length of the union of holding intervals within the period / period length · 100, percent; null when the period is empty. */
  exposurePercent: number | null;
}

/** Optional period of the statistics (epoch ms); defaults are the first open and the last close. */
export interface IStatisticsOptions {
  /** Start of the period, epoch ms; default the earliest signal.pendingAt. */
  periodStartMs?: number;
  /** End of the period, epoch ms; default the latest close timestamp. */
  periodEndMs?: number;
}

function checkedTime(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value)) {
    throw new BtError("VALIDATION", `computeStatistics: ${name} must be a finite epoch ms, got ${value}`, {
      field: name,
      value,
    });
  }
  return value;
}

function mean(values: ReadonlyArray<number>): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function nullIfNotFinite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Max drawdown (percent) of the compounded equity curve starting at 1; a ruined account (E ≤ 0) is a 100% drawdown. */
function compoundedCurve(returnsPercent: ReadonlyArray<number>): {
  finalEquity: number;
  maxDrawdown: number;
} {
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (const returnPercent of returnsPercent) {
    equity = Math.max(0, equity * (1 + returnPercent / 100));
    if (equity > peak) peak = equity;
    const drawdown = ((peak - equity) / peak) * 100;
    if (drawdown > maxDrawdown) maxDrawdown = drawdown;
  }
  return { finalEquity: equity, maxDrawdown: maxDrawdown <= ZERO_TOLERANCE_PERCENT ? 0 : maxDrawdown };
}

/** Total length (ms) of the union of [start, end] intervals clipped to [periodStart, periodEnd]. */
function unionLengthMs(
  intervals: ReadonlyArray<readonly [number, number]>,
  periodStart: number,
  periodEnd: number,
): number {
  const clipped = intervals
    .map(([start, end]) => [Math.max(start, periodStart), Math.min(end, periodEnd)] as const)
    .filter(([start, end]) => end > start)
    .sort((left, right) => left[0] - right[0]);
  let total = 0;
  let currentStart = Number.NEGATIVE_INFINITY;
  let currentEnd = Number.NEGATIVE_INFINITY;
  for (const [start, end] of clipped) {
    if (start > currentEnd) {
      if (currentEnd > currentStart) total += currentEnd - currentStart;
      currentStart = start;
      currentEnd = end;
    } else if (end > currentEnd) {
      currentEnd = end;
    }
  }
  if (currentEnd > currentStart) total += currentEnd - currentStart;
  return total;
}

/**
 * Computes IStatistics of closed signals (percent returns, minutes, ratios); trades are ordered by close
 * time for the equity curve, the period defaults to first open → last close.
 * @throws BtError VALIDATION when a pnlPercentage or a timestamp is not finite, or periodEndMs ≤ periodStartMs.
 * @example
 * const stats = computeStatistics(closedResults, { periodStartMs: frameStart, periodEndMs: frameEnd });
 */
export function computeStatistics(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  options: IStatisticsOptions = {},
): IStatistics {
  const optionStart = checkedTime("periodStartMs", options.periodStartMs);
  const optionEnd = checkedTime("periodEndMs", options.periodEndMs);
  if (optionStart !== undefined && optionEnd !== undefined && optionEnd <= optionStart) {
    throw new BtError(
      "VALIDATION",
      `computeStatistics: periodEndMs (${optionEnd}) must be after periodStartMs (${optionStart})`,
      { field: "periodEndMs", value: optionEnd },
    );
  }
  closed.forEach((result, index) => {
    if (!Number.isFinite(result.pnl.pnlPercentage)) {
      throw new BtError("VALIDATION", `computeStatistics: trade ${index} has a non-finite pnlPercentage`, {
        field: `closed[${index}].pnl.pnlPercentage`,
        value: result.pnl.pnlPercentage,
      });
    }
    if (!Number.isFinite(result.timestamp) || !Number.isFinite(result.signal.pendingAt)) {
      throw new BtError("VALIDATION", `computeStatistics: trade ${index} has a non-finite timestamp`, {
        field: `closed[${index}].timestamp`,
        value: Number.isFinite(result.timestamp) ? result.signal.pendingAt : result.timestamp,
      });
    }
  });

  // Array.prototype.sort is stable: trades closing at the same ms keep their input order.
  const ordered = [...closed].sort((left, right) => left.timestamp - right.timestamp);
  const returns = ordered.map((result) => result.pnl.pnlPercentage);
  const tradeCount = returns.length;
  const wins = returns.filter((value) => value > 0);
  const losses = returns.filter((value) => value < 0);
  const totalPnl = returns.reduce((sum, value) => sum + value, 0);

  let periodStart = optionStart;
  let periodEnd = optionEnd;
  if (tradeCount > 0) {
    periodStart ??= Math.min(...ordered.map((result) => result.signal.pendingAt));
    periodEnd ??= Math.max(...ordered.map((result) => result.timestamp));
  }
  const periodMs =
    periodStart !== undefined && periodEnd !== undefined && periodEnd > periodStart
      ? periodEnd - periodStart
      : 0;
  // Extrapolating a few hours to a year gives numbers like 1e23 %: not an honest estimate.
  const periodYears = periodMs >= MIN_ANNUALIZATION_PERIOD_MS ? periodMs / YEAR_MS : 0;

  const exposurePercent =
    periodMs > 0 && periodStart !== undefined && periodEnd !== undefined
      ? (unionLengthMs(
          ordered.map((result) => [result.signal.pendingAt, result.timestamp] as const),
          periodStart,
          periodEnd,
        ) /
          periodMs) *
        100
      : null;

  if (tradeCount === 0) {
    return {
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
      exposurePercent,
    };
  }

  const avgPnl = totalPnl / tradeCount;
  let stdDev: number | null = null;
  if (tradeCount >= 2) {
    let squares = 0;
    for (const value of returns) squares += (value - avgPnl) ** 2;
    const raw = Math.sqrt(squares / (tradeCount - 1));
    // Identical returns leave floating-point dust; a Sharpe of 1e16 from it would be a lie.
    stdDev = raw <= ZERO_TOLERANCE_PERCENT ? 0 : raw;
  }
  const sharpeRatio = stdDev !== null && stdDev > 0 ? avgPnl / stdDev : null;
  const annualizedSharpeRatio =
    sharpeRatio !== null && periodYears > 0
      ? nullIfNotFinite(sharpeRatio * Math.sqrt(tradeCount / periodYears))
      : null;

  let downsideSquares = 0;
  for (const value of losses) downsideSquares += value * value;
  const downsideDeviation = Math.sqrt(downsideSquares / tradeCount);
  const sortinoRatio =
    tradeCount >= 2 && downsideDeviation > ZERO_TOLERANCE_PERCENT ? avgPnl / downsideDeviation : null;

  const grossWin = wins.reduce((sum, value) => sum + value, 0);
  const grossLoss = losses.reduce((sum, value) => sum + value, 0);
  const avgWin = wins.length > 0 ? grossWin / wins.length : 0;
  const avgLoss = losses.length > 0 ? grossLoss / losses.length : 0;
  const certaintyRatio = wins.length > 0 && losses.length > 0 ? avgWin / Math.abs(avgLoss) : null;
  const profitFactor = losses.length > 0 ? grossWin / Math.abs(grossLoss) : null;
  const winFraction = wins.length / tradeCount;
  const lossFraction = losses.length / tradeCount;
  const expectancy = winFraction * avgWin - lossFraction * Math.abs(avgLoss);

  const curve = compoundedCurve(returns);
  const expectedYearlyReturns =
    periodYears > 0 ? nullIfNotFinite((curve.finalEquity ** (1 / periodYears) - 1) * 100) : null;
  const calmarRatio =
    expectedYearlyReturns !== null && curve.maxDrawdown > 0
      ? expectedYearlyReturns / curve.maxDrawdown
      : null;

  const avgHoldingMinutes =
    mean(ordered.map((result) => result.timestamp - result.signal.pendingAt)) / 60_000;

  return {
    tradeCount,
    winCount: wins.length,
    lossCount: losses.length,
    winRate: winFraction * 100,
    avgPnl,
    totalPnl,
    stdDev,
    sharpeRatio,
    annualizedSharpeRatio,
    sortinoRatio,
    certaintyRatio,
    profitFactor,
    expectancy,
    maxDrawdown: curve.maxDrawdown,
    calmarRatio,
    expectedYearlyReturns,
    avgHoldingMinutes,
    exposurePercent,
  };
}
