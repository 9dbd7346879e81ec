// When annualising a statistic is honest: the calendar constants (a 365-day year, a UTC day) and the
// documented minimums below which every annualised figure is null with a reason instead of an
// extrapolation such as "+9,871 % a year" from one good day.

/** Milliseconds in one UTC day (86 400 000; UTC has no daylight saving). */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds in one year of 365 days (crypto and forex data run on calendar time). */
export const YEAR_MS = 365 * DAY_MS;

/** Fewest closed trades (count, inclusive) for which annualised statistics are computed. */
export const MIN_ANNUALIZATION_TRADES = 10;

/** Shortest period (days, inclusive) over which annualised statistics are computed. */
export const MIN_ANNUALIZATION_DAYS = 14;

/**
 * Why annualising is not honest for this sample, e.g. "needs ≥ 10 trades, has 1; needs ≥ 14 days,
 * has 1.0"; null when both minimums (MIN_ANNUALIZATION_TRADES, MIN_ANNUALIZATION_DAYS) are met.
 * `periodMs` is the length of the statistics period in ms (0 for an empty period).
 */
export function annualizationProblem(tradeCount: number, periodMs: number): string | null {
  const problems: string[] = [];
  if (tradeCount < MIN_ANNUALIZATION_TRADES) {
    problems.push(`needs ≥ ${MIN_ANNUALIZATION_TRADES} trades, has ${tradeCount}`);
  }
  if (periodMs < MIN_ANNUALIZATION_DAYS * DAY_MS) {
    // Floor to one decimal so "13.99 days" never prints as "has 14.0" next to "needs ≥ 14".
    const days = Math.floor((Math.max(0, periodMs) / DAY_MS) * 10) / 10;
    problems.push(`needs ≥ ${MIN_ANNUALIZATION_DAYS} days, has ${days.toFixed(1)}`);
  }
  return problems.length === 0 ? null : problems.join("; ");
}
