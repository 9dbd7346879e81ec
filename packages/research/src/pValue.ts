// The empirical p-value of an observed figure against samples from a null model (e.g. random entries).

import { BtError, describeValue } from "@bt/core";

/**
 * (1 + #{samples at least as extreme as observed}) / (1 + M), never 0 (Davison and Hinkley, 1997);
 * "higher": extreme means ≥ observed, "lower": ≤ observed.
 * @throws BtError VALIDATION for no samples or a non-finite value.
 * @example empiricalPValue(5, [1, 2, 6], "higher") // (1 + 1) / 4 = 0.5
 */
export function empiricalPValue(
  observed: number,
  samples: ReadonlyArray<number>,
  direction: "higher" | "lower",
): number {
  if (
    samples.length === 0 ||
    !Number.isFinite(observed) ||
    samples.some((value) => !Number.isFinite(value))
  ) {
    throw new BtError(
      "VALIDATION",
      `empiricalPValue: needs ≥ 1 finite sample and a finite observed value, got ${describeValue(observed)} and ${samples.length} sample(s)`,
      {
        field: "samples",
        value: samples.length,
      },
    );
  }
  const extreme = samples.filter((value) =>
    direction === "higher" ? value >= observed : value <= observed,
  ).length;
  return (1 + extreme) / (1 + samples.length);
}
