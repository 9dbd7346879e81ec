// Stable, readable strategy names for parameter combinations: `sma[fast=5,slow=20]`, keys in the order
// of the parameter set (the grid's key order), so the same sweep always names its strategies the same.

import { BtError, describeValue } from "@bt/core";
import type { SweepParams } from "./sweepTypes";

/**
 * The strategy name of one combination: `${baseName}[key=value,…]` (just `baseName` for an empty set).
 * @throws BtError VALIDATION when baseName is empty.
 * @example combinationName("sma", { fast: 5, slow: 20 }) // "sma[fast=5,slow=20]"
 */
export function combinationName(baseName: string, params: SweepParams): string {
  if (typeof baseName !== "string" || baseName.length === 0) {
    throw new BtError(
      "VALIDATION",
      `sweep: strategy.name must be a non-empty string, got ${describeValue(baseName)}`,
      {
        field: "strategy.name",
        value: baseName,
      },
    );
  }
  const entries = Object.entries(params);
  if (entries.length === 0) return baseName;
  return `${baseName}[${entries.map(([key, value]) => `${key}=${String(value)}`).join(",")}]`;
}
