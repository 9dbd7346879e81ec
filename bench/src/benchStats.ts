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
