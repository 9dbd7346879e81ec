// Small statistics of repeated measurements: the median and a rounded summary.

/** Median of `values` (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Median, min and max of repeated timings, rounded to 0.1 ms. */
export interface ITimingSummary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Summary of `values` (ms). */
export function summarize(values: readonly number[]): ITimingSummary {
  return {
    median: round(median(values), 1),
    min: round(Math.min(...values), 1),
    max: round(Math.max(...values), 1),
    runs: values.map((value) => round(value, 1)),
  };
}

/** Median, min and max of per-round ratios, rounded to 0.01. */
export interface IRatioSpread {
  median: number;
  min: number;
  max: number;
}

/**
 * The ratios numerators[i] / denominators[i] of runs made in the same round (the spread the machine's
 * noise gives a ratio of medians); null when no round has both.
 */
export function pairedRatios(
  numerators: readonly number[],
  denominators: readonly number[],
): IRatioSpread | null {
  const count = Math.min(numerators.length, denominators.length);
  if (count === 0) return null;
  const ratios = numerators.slice(0, count).map((value, index) => value / (denominators[index] as number));
  return {
    median: round(median(ratios), 2),
    min: round(Math.min(...ratios), 2),
    max: round(Math.max(...ratios), 2),
  };
}
