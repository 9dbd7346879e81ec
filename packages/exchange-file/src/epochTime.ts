// Epoch numbers in any unit to epoch ms: by an explicit unit, or by magnitude (Binance spot dumps switched
// from ms to µs in 2025; Arrow and pandas write ns). A number that fits no unit from 1973 on is NaN.

import type { TimeUnit } from "./candleFileTypes";

/**
 * Epoch ms of an epoch number in `unit` ("auto": ≥ 1e17 ns, ≥ 1e14 µs, ≥ 1e11 ms, ≥ 1e8 s, each from 1973
 * on); NaN for a value no unit makes sense of (negative, tiny, ≥ 1e20) so the reader rejects the row.
 */
export function epochToMs(value: number, unit: Exclude<TimeUnit, "iso">): number {
  if (unit === "ms") return value;
  if (unit === "us") return value / 1000;
  if (unit === "s") return value * 1000;
  // ns exceed 2^53: the parsed double may be off by a few ns, so round to the ms.
  if (unit === "ns") return Math.round(value / 1e6);
  if (value >= 1e14)
    return value >= 1e17 ? (value < 1e20 ? Math.round(value / 1e6) : Number.NaN) : value / 1000;
  if (value >= 1e11) return value;
  return value >= 1e8 ? value * 1000 : Number.NaN;
}
