// Statistics of an account's equity in quote currency, marked to market (a portfolio run: several
// symbols sharing one balance): money figures, the drawdown over every mark, and the annualised ratios
// on daily returns sampled at the UTC day buckets of dailyEquity.ts. A figure that cannot be computed
// honestly is null with its reason in `unavailable`.

import { annualizationProblem, YEAR_MS } from "./annualization";
import { BtError } from "./btError";
import { dailyBucketCount, dailyBucketIndex } from "./dailyEquity";
import { ZERO_TOLERANCE_PERCENT } from "./moments";
import { annualizedDailyRatios } from "./statistics";

/** One mark of an account's equity: cash plus open positions valued at that minute's price, quote. */
export interface IEquityPoint {
  /** Epoch ms of the mark. */
  timeMs: number;
  /** Equity, quote currency, finite and ≥ 0. */
  equity: number;
}

/** The period and the account the equity points belong to. */
export interface IEquityStatisticsOptions {
  /** Start of the period, epoch ms (the equity is initialBalance there). */
  periodStartMs: number;
  /** End of the period (exclusive for the day buckets; a final mark at it is allowed), epoch ms, > periodStartMs. */
  periodEndMs: number;
  /** The account's balance at periodStartMs, quote, finite and > 0. */
  initialBalance: number;
  /** Closed trades of the account over the period (the annualisation minimum MIN_ANNUALIZATION_TRADES counts them). */
  tradeCount: number;
}

/**
 * Statistics of an equity curve E(t) in quote currency: E(t) is the equity of the last point at or before
 * t (initialBalance before the first point; between points the last point's equity holds). B is
 * initialBalance, E_end the last point's equity, T = periodEndMs − periodStartMs. Every nullable figure
 * is null with its reason in `unavailable` when it cannot be computed honestly; annualised ones need
 * ≥ MIN_ANNUALIZATION_TRADES trades and ≥ MIN_ANNUALIZATION_DAYS days (annualizationProblem).
 */
export interface IEquityStatistics {
  /** B, the balance at the start, quote. */
  startBalance: number;
  /** E_end, the last mark's equity (B without points), quote. */
  endEquity: number;
  /** E_end − B, quote. */
  netProfit: number;
  /** (E_end − B) / B · 100, percent. */
  returnPercent: number;
  /** Deepest fall from the running peak P_i = max(B, E_0 … E_i) over every point: max (P_i − E_i) / P_i · 100, percent in [0, 100]. */
  maxDrawdownPercent: number;
  /** Largest fall from the running peak in money, max (P_i − E_i), quote ≥ 0 (it may be at another point than the deepest percent). */
  maxDrawdownQuote: number;
  /**
   * mean(d) / sampleStd(d) · √365 over the daily returns d_k = (E_k / E_{k−1} − 1) · 100, E_k the equity
   * at the end of day bucket k (dailyBucketCount's UTC days), E_{−1} = B; rf = 0; null below the
   * annualisation minimums or when sampleStd(d) = 0.
   */
  annualizedSharpeRatio: number | null;
  /** mean(d) / √(Σ min(d_k, 0)² / n) · √365 over the n daily returns, rf = 0; null below the minimums or when no day lost. */
  annualizedSortinoRatio: number | null;
  /** ((E_end / B)^(365 days / T) − 1) · 100, percent; null below the annualisation minimums. */
  expectedYearlyReturns: number | null;
  /** expectedYearlyReturns / maxDrawdownPercent, unitless; null when either is null or the drawdown is 0. */
  calmarRatio: number | null;
  /** For every null figure above, why. */
  unavailable: Partial<Record<EquityStatisticKey, string>>;
}

/** Name of one numeric figure of IEquityStatistics (every field but `unavailable`). */
export type EquityStatisticKey = Exclude<keyof IEquityStatistics, "unavailable">;

function invalid(field: string, value: unknown, message: string): BtError {
  return new BtError("VALIDATION", `computeEquityStatistics: ${message}`, { field, value });
}

function checkOptions(options: IEquityStatisticsOptions): void {
  const { periodStartMs, periodEndMs, initialBalance, tradeCount } = options;
  if (!Number.isFinite(periodStartMs)) {
    throw invalid(
      "periodStartMs",
      periodStartMs,
      `periodStartMs must be a finite epoch ms, got ${periodStartMs}`,
    );
  }
  if (!Number.isFinite(periodEndMs) || !(periodEndMs > periodStartMs)) {
    throw invalid(
      "periodEndMs",
      periodEndMs,
      `periodEndMs must be a finite epoch ms after periodStartMs (${periodStartMs}), got ${periodEndMs}`,
    );
  }
  if (!Number.isFinite(initialBalance) || !(initialBalance > 0)) {
    throw invalid(
      "initialBalance",
      initialBalance,
      `initialBalance must be a finite number > 0, got ${initialBalance}`,
    );
  }
  if (!Number.isInteger(tradeCount) || tradeCount < 0) {
    throw invalid("tradeCount", tradeCount, `tradeCount must be an integer ≥ 0, got ${tradeCount}`);
  }
}

function checkPoints(points: ReadonlyArray<IEquityPoint>, options: IEquityStatisticsOptions): void {
  let previous = Number.NEGATIVE_INFINITY;
  points.forEach((point, index) => {
    const { timeMs, equity } = point;
    if (!Number.isFinite(timeMs)) {
      throw invalid(
        `points[${index}].timeMs`,
        timeMs,
        `points[${index}].timeMs must be a finite epoch ms, got ${timeMs}`,
      );
    }
    if (timeMs < previous) {
      throw invalid(
        `points[${index}].timeMs`,
        timeMs,
        `points must be in time order: points[${index}].timeMs ${timeMs} is before the previous ${previous}`,
      );
    }
    if (timeMs < options.periodStartMs || timeMs > options.periodEndMs) {
      throw invalid(
        `points[${index}].timeMs`,
        timeMs,
        `points[${index}].timeMs ${timeMs} is outside the period [${options.periodStartMs}, ${options.periodEndMs}]`,
      );
    }
    if (!Number.isFinite(equity) || equity < 0) {
      throw invalid(
        `points[${index}].equity`,
        equity,
        `points[${index}].equity must be a finite number ≥ 0, got ${equity}`,
      );
    }
    previous = timeMs;
  });
}

/** Daily simple returns (percent) of the equity sampled at the end of each day bucket of the period. */
function dailyEquityReturns(
  points: ReadonlyArray<IEquityPoint>,
  options: IEquityStatisticsOptions,
): number[] {
  const dayCount = dailyBucketCount(options.periodStartMs, options.periodEndMs);
  const closing = new Array<number>(dayCount).fill(Number.NaN);
  // Points are in time order, so the last one written to a bucket is its closing equity.
  for (const point of points)
    closing[dailyBucketIndex(point.timeMs, options.periodStartMs, dayCount)] = point.equity;
  const returns: number[] = [];
  let previous = options.initialBalance;
  for (const value of closing) {
    const equity = Number.isNaN(value) ? previous : value;
    // After a ruin (equity 0) there is nothing left to return on.
    returns.push(previous > 0 ? (equity / previous - 1) * 100 : 0);
    previous = equity;
  }
  return returns;
}

/**
 * Computes IEquityStatistics of an account's marked equity `points` (time order, each inside
 * [periodStartMs, periodEndMs]; several at one time: the last counts) over the period.
 * @throws BtError VALIDATION naming the field and value for a non-finite or negative equity, a
 * non-finite or out-of-order or out-of-period time, a bad period, initialBalance or tradeCount.
 * @example
 * const stats = computeEquityStatistics(marks, { periodStartMs, periodEndMs, initialBalance: 1000, tradeCount: 42 });
 * stats.annualizedSharpeRatio ?? stats.unavailable.annualizedSharpeRatio;
 */
export function computeEquityStatistics(
  points: ReadonlyArray<IEquityPoint>,
  options: IEquityStatisticsOptions,
): IEquityStatistics {
  checkOptions(options);
  checkPoints(points, options);
  const { initialBalance } = options;
  const unavailable: Partial<Record<EquityStatisticKey, string>> = {};
  const missing = (key: EquityStatisticKey, reason: string): null => {
    unavailable[key] = reason;
    return null;
  };

  let peak = initialBalance;
  let deepest = 0;
  let deepestQuote = 0;
  for (const { equity } of points) {
    if (equity > peak) peak = equity;
    const fall = peak - equity;
    if (fall > deepestQuote) deepestQuote = fall;
    if (fall / peak > deepest) deepest = fall / peak;
  }
  const maxDrawdownPercent = deepest * 100 <= ZERO_TOLERANCE_PERCENT ? 0 : deepest * 100;
  const endEquity = points.at(-1)?.equity ?? initialBalance;

  const periodMs = options.periodEndMs - options.periodStartMs;
  const gate = annualizationProblem(options.tradeCount, periodMs);
  let annualizedSharpeRatio: number | null;
  let annualizedSortinoRatio: number | null;
  let expectedYearlyReturns: number | null;
  if (gate !== null) {
    annualizedSharpeRatio = missing("annualizedSharpeRatio", gate);
    annualizedSortinoRatio = missing("annualizedSortinoRatio", gate);
    expectedYearlyReturns = missing("expectedYearlyReturns", gate);
  } else {
    const ratios = annualizedDailyRatios(dailyEquityReturns(points, options));
    annualizedSharpeRatio = ratios.sharpe ?? missing("annualizedSharpeRatio", ratios.sharpeProblem);
    annualizedSortinoRatio = ratios.sortino ?? missing("annualizedSortinoRatio", ratios.sortinoProblem);
    const yearly = ((endEquity / initialBalance) ** (YEAR_MS / periodMs) - 1) * 100;
    expectedYearlyReturns = Number.isFinite(yearly)
      ? yearly
      : missing("expectedYearlyReturns", "annualised growth overflows");
  }
  const calmarRatio =
    expectedYearlyReturns === null
      ? missing("calmarRatio", unavailable.expectedYearlyReturns ?? "expected yearly returns unavailable")
      : maxDrawdownPercent === 0
        ? missing("calmarRatio", "no drawdown")
        : expectedYearlyReturns / maxDrawdownPercent;

  return {
    startBalance: initialBalance,
    endEquity,
    netProfit: endEquity - initialBalance,
    returnPercent: ((endEquity - initialBalance) / initialBalance) * 100,
    maxDrawdownPercent,
    maxDrawdownQuote: deepestQuote,
    annualizedSharpeRatio,
    annualizedSortinoRatio,
    expectedYearlyReturns,
    calmarRatio,
    unavailable,
  };
}

/**
 * `points` in at most `maxPoints` (≥ 4), for a chart or a record: the first point, then each bucket of
 * consecutive points kept as its lowest, highest and last point, in time order, so every bucket's peak and
 * trough still shows. Compute statistics on the full curve: a thinned curve can only show a smaller max
 * drawdown, never a larger one. Fewer points are returned as they are.
 * @example downsampleEquity(account.equity, 4000) // for a chart or a JSON record
 */
export function downsampleEquity(points: ReadonlyArray<IEquityPoint>, maxPoints: number): IEquityPoint[] {
  if (points.length <= maxPoints) return [...points];
  const bucketSize = Math.ceil(points.length / Math.max(1, Math.floor((maxPoints - 1) / 3)));
  const kept: IEquityPoint[] = [];
  for (let start = 0; start < points.length; start += bucketSize) {
    const end = Math.min(points.length, start + bucketSize);
    let lowest = start;
    let highest = start;
    for (let index = start + 1; index < end; index++) {
      const equity = (points[index] as IEquityPoint).equity;
      if (equity < (points[lowest] as IEquityPoint).equity) lowest = index;
      if (equity > (points[highest] as IEquityPoint).equity) highest = index;
    }
    const indices = start === 0 ? [0, lowest, highest, end - 1] : [lowest, highest, end - 1];
    for (const index of [...new Set(indices)].sort((left, right) => left - right)) {
      kept.push(points[index] as IEquityPoint);
    }
  }
  return kept;
}
