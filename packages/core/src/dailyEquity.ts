// The daily equity curve of closed trades: compounded equity (E_0 = 1, each trade applied at its close
// time) sampled at the UTC day boundaries of the period, as daily simple returns. The annualised
// Sharpe and Sortino ratios are computed on these returns, not on per-trade returns.

import { DAY_MS } from "./annualization";

/** One closed trade as the daily curve sees it. */
export interface IDailyEquityTrade {
  /** Close time, epoch ms. */
  closedAt: number;
  /** Return of the trade, percent (fees included); ≤ −100 ruins the account (equity 0). */
  returnPercent: number;
}

/**
 * Number of days of the period [periodStartMs, periodEndMs): the intervals between periodStartMs, every
 * UTC midnight strictly inside the period and periodEndMs (the first and last may be partial days);
 * 0 for an empty period.
 */
export function dailyBucketCount(periodStartMs: number, periodEndMs: number): number {
  if (!(periodEndMs > periodStartMs)) return 0;
  const firstMidnight = Math.floor(periodStartMs / DAY_MS) * DAY_MS + DAY_MS;
  if (firstMidnight >= periodEndMs) return 1;
  return 1 + Math.ceil((periodEndMs - firstMidnight) / DAY_MS);
}

/**
 * Index of the day bucket (see dailyBucketCount) that holds the instant `timeMs` in a period of
 * `dayCount` > 0 buckets starting at `periodStartMs`: an instant before the first UTC midnight inside
 * the period is in bucket 0, one at or after it in the day it starts (an instant exactly at a midnight
 * belongs to the day that midnight begins), and anything past the last bucket in the last one.
 */
export function dailyBucketIndex(timeMs: number, periodStartMs: number, dayCount: number): number {
  const firstMidnight = Math.floor(periodStartMs / DAY_MS) * DAY_MS + DAY_MS;
  return timeMs < firstMidnight
    ? 0
    : Math.min(dayCount - 1, 1 + Math.floor((timeMs - firstMidnight) / DAY_MS));
}

/**
 * Daily simple returns (percent) of the compounded closed-trade equity over [periodStartMs, periodEndMs):
 * return k = (E_k / E_{k−1} − 1) · 100 where E_k is the equity after every trade closed before the end
 * of day k (day boundaries at UTC midnight, see dailyBucketCount). A trade closing before the period
 * counts on its first day and one closing at or after periodEndMs on its last day, so the returns
 * compound to the final equity. After a ruin (equity 0) the remaining days return 0. Empty for an
 * empty period.
 * @example
 * dailyReturnsPercent([{ closedAt: Date.UTC(2025, 0, 1, 12), returnPercent: 2 }], Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 3));
 * // [2, 0]
 */
export function dailyReturnsPercent(
  trades: ReadonlyArray<IDailyEquityTrade>,
  periodStartMs: number,
  periodEndMs: number,
): number[] {
  const dayCount = dailyBucketCount(periodStartMs, periodEndMs);
  if (dayCount === 0) return [];
  const growth = new Array<number>(dayCount).fill(1);
  for (const trade of trades) {
    const day = dailyBucketIndex(trade.closedAt, periodStartMs, dayCount);
    growth[day] = Math.max(0, (growth[day] ?? 1) * (1 + trade.returnPercent / 100));
  }
  const returns: number[] = [];
  let equity = 1;
  for (const factor of growth) {
    if (equity === 0) {
      returns.push(0);
      continue;
    }
    returns.push((factor - 1) * 100);
    equity *= factor;
  }
  return returns;
}
