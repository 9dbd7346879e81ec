// The sample moments and the compounded curve of a list of percent returns: the one definition that
// core's statistics and the research package's significance and Monte Carlo figures share.

/** Values at or below this (percent) are floating-point dust and read as 0. */
export const ZERO_TOLERANCE_PERCENT = 1e-9;

/** Arithmetic mean; NaN for no values. */
export function mean(values: ReadonlyArray<number>): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation √(Σ(x − mean)² / (n − 1)); dust at or below ZERO_TOLERANCE_PERCENT is 0; null for n < 2. */
export function sampleStdDev(values: ReadonlyArray<number>): number | null {
  if (values.length < 2) return null;
  const average = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - average) ** 2;
  const raw = Math.sqrt(squares / (values.length - 1));
  // Identical returns leave floating-point dust; a Sharpe of 1e16 from it would be a lie.
  return raw <= ZERO_TOLERANCE_PERCENT ? 0 : raw;
}

/**
 * Skewness m₃ / m₂^1.5 and kurtosis m₄ / m₂² (not excess: 3 for a normal distribution) from the
 * population central moments m_k = Σ(x − mean)^k / n, the convention of the probabilistic Sharpe ratio;
 * null for n < 2 or zero variance.
 */
export function shapeMoments(values: ReadonlyArray<number>): { skewness: number; kurtosis: number } | null {
  if (values.length < 2) return null;
  const average = mean(values);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const value of values) {
    const d = value - average;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= values.length;
  m3 /= values.length;
  m4 /= values.length;
  if (Math.sqrt(m2) <= ZERO_TOLERANCE_PERCENT) return null;
  return { skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/**
 * The compounded closed-trade curve E_k = Π(1 + r_i / 100), E_0 = 1: its final equity and its deepest
 * fall from a running peak, percent in [0, 100] (a ruined account, E ≤ 0, stays at 0: a 100 % drawdown).
 */
export function compoundedCurve(returnsPercent: ReadonlyArray<number>): {
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
