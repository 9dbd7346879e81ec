// Statistics of a list of closed signals: counts, per-trade returns and ratios, the compounded
// closed-trade equity curve, and annualised figures from the daily equity curve. A metric that cannot
// be computed honestly is `null` and `unavailable` says why; it is never a fake number.

import { annualizationProblem, YEAR_MS } from "./annualization";
import { BtError } from "./btError";
import { dailyReturnsPercent } from "./dailyEquity";
import { compoundedCurve, mean, sampleStdDev, ZERO_TOLERANCE_PERCENT } from "./moments";
import type { IStrategyTickResultClosed } from "./tickResult";

/**
 * Statistics of closed signals; r_i is `pnl.pnlPercentage` of trade i (percent, fees included), N the
 * trade count, trades ordered by close time, the period [periodStart, periodEnd) in ms. Every metric is
 * `null` when it cannot be computed honestly, and then `unavailable[metric]` holds the reason.
 * Annualised figures need ≥ MIN_ANNUALIZATION_TRADES trades and ≥ MIN_ANNUALIZATION_DAYS days.
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
  /** Mean of r_i, percent per trade (equals the classic "expectancy"); null when N = 0. */
  avgPnl: number | null;
  /** Σ r_i, percent (simple sum, not compounded); 0 when N = 0. */
  totalPnl: number;
  /** Sample standard deviation √(Σ(r_i − mean)² / (N − 1)), percent per trade; null when N < 2. */
  stdDev: number | null;
  /** avgPnl / stdDev per trade, rf = 0, unitless; null when N < 2 or stdDev = 0. */
  sharpeRatio: number | null;
  /** avgPnl / √(Σ min(r_i, 0)² / N) per trade, rf = 0, unitless; null when N < 2 or there is no loss. */
  sortinoRatio: number | null;
  /**
   * mean(d) / sampleStd(d) · √365 over the daily returns d of the closed-trade equity (see
   * dailyReturnsPercent), rf = 0, unitless; null below the annualisation minimums or when sampleStd(d) = 0.
   */
  annualizedSharpeRatio: number | null;
  /**
   * mean(d) / √(Σ min(d, 0)² / n) · √365 over the n daily returns d, rf = 0, unitless; null below the
   * annualisation minimums or when no day lost.
   */
  annualizedSortinoRatio: number | null;
  /** mean(winning r_i) / |mean(losing r_i)|, unitless; null when there is no win or no loss. */
  certaintyRatio: number | null;
  /** Σ winning r_i / |Σ losing r_i|, unitless; null when there is no loss (0 when there are losses and no win). */
  profitFactor: number | null;
  /**
   * Deepest fall of the compounded closed-trade equity E_k = Π(1 + r_i/100) (E_0 = 1) from its running
   * peak, percent in [0, 100]; open positions are not marked to market; null when N = 0.
   */
  maxDrawdown: number | null;
  /**
   * Deepest fall of the compounded equity marked to market each minute (an open position valued at what
   * closing it then would return, costs included), percent in [0, 100]; given by the backtest that has
   * the minute prices (IStatisticsOptions.markedMaxDrawdownPercent), null with a reason otherwise.
   */
  maxDrawdownMarked: number | null;
  /** expectedYearlyReturns / maxDrawdown, unitless; null when either is null or maxDrawdown = 0. */
  calmarRatio: number | null;
  /**
   * (E_N^(365 days / period) − 1) · 100, the compounded growth annualised, percent; null below the
   * annualisation minimums.
   */
  expectedYearlyReturns: number | null;
  /** Mean of (close timestamp − signal.pendingAt), minutes (= mean pnl.minutesInPosition); null when N = 0. */
  avgHoldingMinutes: number | null;
  /**
   * Σ pnl.pnlCost, the net result in quote currency (fees and slippage included); 0 when N = 0; null when
   * any trade is unsized (it has no cost to measure money in).
   */
  totalPnlCost: number | null;
  /** Mean of pnl.mfePercent, the peak favourable excursion (≥ 0), percent from the entry; null when N = 0. */
  avgMfePercent: number | null;
  /** Mean of pnl.maePercent, the worst adverse excursion (≤ 0), percent from the entry; null when N = 0. */
  avgMaePercent: number | null;
  /** Length of the union of holding intervals within the period / period length · 100, percent; null when the period is empty. */
  exposurePercent: number | null;
  /** For every metric above that is null, why (e.g. "needs ≥ 10 trades, has 1"); no entry for a computed one. */
  unavailable: Partial<Record<StatisticKey, string>>;
}

/** Name of one numeric statistic of IStatistics (every field but `unavailable`). */
export type StatisticKey = Exclude<keyof IStatistics, "unavailable">;

/** Optional period of the statistics (epoch ms); defaults are the first open and the last close. */
export interface IStatisticsOptions {
  /** Start of the period, epoch ms; default the earliest signal.pendingAt. */
  periodStartMs?: number;
  /** End of the period (exclusive), epoch ms; default the latest close timestamp. */
  periodEndMs?: number;
  /**
   * The marked-to-market max drawdown of exactly these trades (percent ≥ 0, markedMaxDrawdownPercent over
   * the run's minute prices); without it maxDrawdownMarked is null with a reason.
   */
  markedMaxDrawdownPercent?: number;
}

const NO_TRADES = "no trades";

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

/** √(Σ min(value, 0)² / n), percent; 0 when nothing is negative. */
function downsideDeviation(values: ReadonlyArray<number>): number {
  let squares = 0;
  for (const value of values) if (value < 0) squares += value * value;
  const raw = Math.sqrt(squares / values.length);
  return raw <= ZERO_TOLERANCE_PERCENT ? 0 : raw;
}

/**
 * The annualised Sharpe mean(d) / sampleStd(d) · √365 and Sortino mean(d) / √(Σ min(d, 0)² / n) · √365
 * of daily simple returns d (percent), rf = 0, unitless: the one definition computeStatistics and
 * computeEquityStatistics share. Each is null with its problem when its deviation is 0 (or n < 2).
 */
export function annualizedDailyRatios(daily: ReadonlyArray<number>): {
  sharpe: number | null;
  sharpeProblem: string;
  sortino: number | null;
  sortinoProblem: string;
} {
  const sharpeProblem = "zero standard deviation of daily returns";
  const sortinoProblem = "no losing day";
  if (daily.length < 2) {
    return {
      sharpe: null,
      sharpeProblem: "fewer than 2 days",
      sortino: null,
      sortinoProblem: "fewer than 2 days",
    };
  }
  const dailyMean = mean(daily);
  const dailyStd = sampleStdDev(daily);
  const dailyDownside = downsideDeviation(daily);
  return {
    sharpe: dailyStd === null || dailyStd === 0 ? null : (dailyMean / dailyStd) * Math.sqrt(365),
    sharpeProblem,
    sortino: dailyDownside === 0 ? null : (dailyMean / dailyDownside) * Math.sqrt(365),
    sortinoProblem,
  };
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

function checkInput(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  optionStart: number | undefined,
  optionEnd: number | undefined,
): void {
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
    // pnlCost, mfePercent and maePercent may be absent (a trade recorded before they existed: the metric
    // is then N/A with a reason), but a present one must be a finite number.
    for (const field of ["pnlCost", "mfePercent", "maePercent"] as const) {
      const value: unknown = result.pnl[field];
      if (value !== null && value !== undefined && !(typeof value === "number" && Number.isFinite(value))) {
        throw new BtError("VALIDATION", `computeStatistics: trade ${index} has a non-finite ${field}`, {
          field: `closed[${index}].pnl.${field}`,
          value,
        });
      }
    }
    if (!Number.isFinite(result.timestamp) || !Number.isFinite(result.signal.pendingAt)) {
      throw new BtError("VALIDATION", `computeStatistics: trade ${index} has a non-finite timestamp`, {
        field: `closed[${index}].timestamp`,
        value: Number.isFinite(result.timestamp) ? result.signal.pendingAt : result.timestamp,
      });
    }
  });
}

/** The marked drawdown given by the caller, or null with the reason it is missing. */
function markedDrawdown(
  percent: number | undefined,
  missing: (key: StatisticKey, reason: string) => null,
): number | null {
  if (percent === undefined) {
    return missing(
      "maxDrawdownMarked",
      "needs the run's minute prices (backtests only; not for merged or live runs)",
    );
  }
  if (!Number.isFinite(percent) || percent < 0) {
    throw new BtError(
      "VALIDATION",
      `computeStatistics: markedMaxDrawdownPercent must be a finite number ≥ 0, got ${percent}`,
      { field: "markedMaxDrawdownPercent", value: percent },
    );
  }
  return percent <= ZERO_TOLERANCE_PERCENT ? 0 : percent;
}

/** Why a ratio over the losses is N/A when they are so small that dividing by them overflows. */
const LOSS_ROUNDS_TO_ZERO = "the losses are too small to divide by (they round to 0)";

/**
 * Computes IStatistics of closed signals (percent returns, minutes, unitless ratios); trades are ordered
 * by close time for the equity curves, the period defaults to first open → last close. Null metrics carry
 * their reason in `unavailable`.
 * @throws BtError VALIDATION when a pnlPercentage or a timestamp is not finite, or periodEndMs ≤ periodStartMs.
 * @example
 * const stats = computeStatistics(closedResults, { periodStartMs: frameStart, periodEndMs: frameEnd });
 * stats.annualizedSharpeRatio ?? stats.unavailable.annualizedSharpeRatio; // a number, or e.g. "needs ≥ 10 trades, has 3"
 */
export function computeStatistics(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  options: IStatisticsOptions = {},
): IStatistics {
  const optionStart = checkedTime("periodStartMs", options.periodStartMs);
  const optionEnd = checkedTime("periodEndMs", options.periodEndMs);
  checkInput(closed, optionStart, optionEnd);

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

  const unavailable: Partial<Record<StatisticKey, string>> = {};
  /** Records why `key` is null and returns null, so each null is written with its reason. */
  const missing = (key: StatisticKey, reason: string): null => {
    unavailable[key] = reason;
    return null;
  };
  /** `value`, or null with `reason` when it is not finite (a division by a loss that rounds to 0). */
  const finiteOr = (key: StatisticKey, value: number, reason: string): number | null =>
    Number.isFinite(value) ? value : missing(key, reason);

  const exposurePercent =
    periodMs > 0 && periodStart !== undefined && periodEnd !== undefined
      ? (unionLengthMs(
          ordered.map((result) => [result.signal.pendingAt, result.timestamp] as const),
          periodStart,
          periodEnd,
        ) /
          periodMs) *
        100
      : missing("exposurePercent", "empty period");

  const annualization = annualizationProblem(tradeCount, periodMs);

  if (tradeCount === 0) {
    const reasonAnnualized = annualization ?? NO_TRADES;
    return {
      tradeCount: 0,
      winCount: 0,
      lossCount: 0,
      winRate: missing("winRate", NO_TRADES),
      avgPnl: missing("avgPnl", NO_TRADES),
      totalPnl: 0,
      stdDev: missing("stdDev", "fewer than 2 trades"),
      sharpeRatio: missing("sharpeRatio", "fewer than 2 trades"),
      sortinoRatio: missing("sortinoRatio", "fewer than 2 trades"),
      annualizedSharpeRatio: missing("annualizedSharpeRatio", reasonAnnualized),
      annualizedSortinoRatio: missing("annualizedSortinoRatio", reasonAnnualized),
      certaintyRatio: missing("certaintyRatio", NO_TRADES),
      profitFactor: missing("profitFactor", NO_TRADES),
      maxDrawdown: missing("maxDrawdown", NO_TRADES),
      maxDrawdownMarked: missing("maxDrawdownMarked", NO_TRADES),
      calmarRatio: missing("calmarRatio", reasonAnnualized),
      expectedYearlyReturns: missing("expectedYearlyReturns", reasonAnnualized),
      avgHoldingMinutes: missing("avgHoldingMinutes", NO_TRADES),
      totalPnlCost: 0,
      avgMfePercent: missing("avgMfePercent", NO_TRADES),
      avgMaePercent: missing("avgMaePercent", NO_TRADES),
      exposurePercent,
      unavailable,
    };
  }

  const avgPnl = totalPnl / tradeCount;
  const stdDev = sampleStdDev(returns) ?? missing("stdDev", "fewer than 2 trades");
  const sharpeRatio =
    stdDev === null
      ? missing("sharpeRatio", "fewer than 2 trades")
      : stdDev === 0
        ? missing("sharpeRatio", "zero standard deviation (identical returns)")
        : avgPnl / stdDev;
  const tradeDownside = downsideDeviation(returns);
  const sortinoRatio =
    tradeCount < 2
      ? missing("sortinoRatio", "fewer than 2 trades")
      : tradeDownside === 0
        ? missing("sortinoRatio", "no losing trade")
        : avgPnl / tradeDownside;

  const grossWin = wins.reduce((sum, value) => sum + value, 0);
  const grossLoss = losses.reduce((sum, value) => sum + value, 0);
  const avgWin = wins.length > 0 ? grossWin / wins.length : 0;
  const avgLoss = losses.length > 0 ? grossLoss / losses.length : 0;
  const certaintyRatio =
    wins.length === 0
      ? missing("certaintyRatio", "no winning trade")
      : losses.length === 0
        ? missing("certaintyRatio", "no losing trade")
        : finiteOr("certaintyRatio", avgWin / Math.abs(avgLoss), LOSS_ROUNDS_TO_ZERO);
  const profitFactor =
    losses.length === 0
      ? missing("profitFactor", "no losing trade")
      : finiteOr("profitFactor", grossWin / Math.abs(grossLoss), LOSS_ROUNDS_TO_ZERO);

  const curve = compoundedCurve(returns);
  let annualizedSharpeRatio: number | null;
  let annualizedSortinoRatio: number | null;
  let expectedYearlyReturns: number | null;
  if (annualization !== null || periodStart === undefined || periodEnd === undefined) {
    const reason = annualization ?? "empty period";
    annualizedSharpeRatio = missing("annualizedSharpeRatio", reason);
    annualizedSortinoRatio = missing("annualizedSortinoRatio", reason);
    expectedYearlyReturns = missing("expectedYearlyReturns", reason);
  } else {
    const daily = dailyReturnsPercent(
      ordered.map((result) => ({ closedAt: result.timestamp, returnPercent: result.pnl.pnlPercentage })),
      periodStart,
      periodEnd,
    );
    const ratios = annualizedDailyRatios(daily);
    annualizedSharpeRatio = ratios.sharpe ?? missing("annualizedSharpeRatio", ratios.sharpeProblem);
    annualizedSortinoRatio = ratios.sortino ?? missing("annualizedSortinoRatio", ratios.sortinoProblem);
    const yearly = (curve.finalEquity ** (YEAR_MS / periodMs) - 1) * 100;
    expectedYearlyReturns = Number.isFinite(yearly)
      ? yearly
      : missing("expectedYearlyReturns", "annualised growth overflows");
  }
  const calmarRatio =
    expectedYearlyReturns === null
      ? missing("calmarRatio", unavailable.expectedYearlyReturns ?? "expected yearly returns unavailable")
      : curve.maxDrawdown === 0
        ? missing("calmarRatio", "no drawdown")
        : expectedYearlyReturns / curve.maxDrawdown;

  const avgHoldingMinutes =
    mean(ordered.map((result) => result.timestamp - result.signal.pendingAt)) / 60_000;

  return {
    tradeCount,
    winCount: wins.length,
    lossCount: losses.length,
    winRate: (wins.length / tradeCount) * 100,
    avgPnl,
    totalPnl,
    stdDev,
    sharpeRatio,
    sortinoRatio,
    annualizedSharpeRatio,
    annualizedSortinoRatio,
    certaintyRatio,
    profitFactor,
    maxDrawdown: curve.maxDrawdown,
    maxDrawdownMarked: markedDrawdown(options.markedMaxDrawdownPercent, missing),
    calmarRatio,
    expectedYearlyReturns,
    avgHoldingMinutes,
    totalPnlCost: totalMoney(ordered, missing),
    avgMfePercent: meanExcursion(ordered, "mfePercent", missing),
    avgMaePercent: meanExcursion(ordered, "maePercent", missing),
    exposurePercent,
    unavailable,
  };
}

/** Σ pnlCost of ≥ 1 trades, or null with the count of unsized trades. */
function totalMoney(
  ordered: ReadonlyArray<IStrategyTickResultClosed>,
  missing: (key: StatisticKey, reason: string) => null,
): number | null {
  let total = 0;
  let unsized = 0;
  for (const result of ordered) {
    const money = result.pnl.pnlCost as number | null | undefined;
    if (money === null || money === undefined) unsized++;
    else total += money;
  }
  return unsized > 0
    ? missing(
        "totalPnlCost",
        `${unsized} of ${ordered.length} trades are unsized (no cost to measure money in)`,
      )
    : total;
}

/** Mean MFE or MAE of ≥ 1 trades, or null when some trade has none (recorded before they existed). */
function meanExcursion(
  ordered: ReadonlyArray<IStrategyTickResultClosed>,
  field: "mfePercent" | "maePercent",
  missing: (key: StatisticKey, reason: string) => null,
): number | null {
  const key = field === "mfePercent" ? "avgMfePercent" : "avgMaePercent";
  let sum = 0;
  let absent = 0;
  for (const result of ordered) {
    // null: an upgraded record from before bt tracked excursions; undefined: a hand-built result.
    const value = result.pnl[field] as number | null | undefined;
    if (value === null || value === undefined) absent++;
    else sum += value;
  }
  return absent > 0
    ? missing(
        key,
        `${absent} of ${ordered.length} trades have no excursion figures (recorded before MFE/MAE)`,
      )
    : sum / ordered.length;
}
