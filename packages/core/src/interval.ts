// Candle intervals and UTC time arithmetic: interval lengths in ms, alignment to interval boundaries
// and the generation of frame timestamps. Pure functions over epoch milliseconds.

import { BtError, describeValue } from "./btError";

/** Every candle interval bt understands, shortest first. */
export const CANDLE_INTERVALS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
] as const;

/** A candle interval such as "1m", "15m", "4h" or "1d". */
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;

const INTERVAL_MINUTES: Readonly<Record<CandleInterval, number>> = {
  "1m": 1,
  "3m": 3,
  "5m": 5,
  "15m": 15,
  "30m": 30,
  "1h": 60,
  "2h": 120,
  "4h": 240,
  "6h": 360,
  "8h": 480,
  "12h": 720,
  "1d": 1440,
};

/** True when `value` is one of CANDLE_INTERVALS. */
export function isCandleInterval(value: unknown): value is CandleInterval {
  return typeof value === "string" && Object.hasOwn(INTERVAL_MINUTES, value);
}

/**
 * Length of one interval in minutes.
 * @throws BtError VALIDATION when `interval` is not a CandleInterval.
 */
export function intervalToMinutes(interval: CandleInterval): number {
  if (!isCandleInterval(interval)) {
    throw new BtError(
      "VALIDATION",
      `interval must be one of ${CANDLE_INTERVALS.join(", ")}, got ${describeValue(interval)}`,
      { field: "interval", value: interval },
    );
  }
  return INTERVAL_MINUTES[interval];
}

/**
 * Length of one interval in milliseconds.
 * @throws BtError VALIDATION when `interval` is not a CandleInterval.
 */
export function intervalToMs(interval: CandleInterval): number {
  return intervalToMinutes(interval) * MINUTE_MS;
}

/** Start (epoch ms, UTC) of the interval that contains `timestampMs`; boundaries are multiples of the length. */
export function alignDown(timestampMs: number, interval: CandleInterval): number {
  return alignDownMs(timestampMs, intervalToMs(interval));
}

/**
 * The largest multiple of `stepMs` at or before `timestampMs` (integer epoch ms, negative ones too): the
 * interval boundary of a precomputed step, for the loops that align every call. A division and a floor,
 * not two float remainders (each a C call in optimised code); the quotient can round up to the next
 * integer only just below a boundary, which the comparison corrects, so the result is exact whenever the
 * boundary itself is (|timestampMs| < 2^53).
 */
export function alignDownMs(timestampMs: number, stepMs: number): number {
  const down = Math.floor(timestampMs / stepMs) * stepMs;
  return down > timestampMs ? down - stepMs : down;
}

/** Smallest interval boundary at or after `timestampMs`. */
export function alignUp(timestampMs: number, interval: CandleInterval): number {
  const down = alignDown(timestampMs, interval);
  return down === timestampMs ? down : down + intervalToMs(interval);
}

/**
 * Timestamps (epoch ms) of a frame: every `interval` step from `startMs` (aligned up) while `< endMs`.
 * The range is half-open, so 2025-01-01 → 2025-02-01 at 1m yields exactly the 44,640 minutes of January.
 * @throws BtError VALIDATION when the bounds are not finite or `endMs` is not after `startMs`.
 * @example frameTimestamps(Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 2), "1h").length // 24
 */
export function frameTimestamps(startMs: number, endMs: number, interval: CandleInterval): Float64Array {
  if (!Number.isFinite(startMs)) {
    throw new BtError("VALIDATION", `startDate must be a valid date, got ${describeValue(startMs)}`, {
      field: "startDate",
      value: startMs,
    });
  }
  if (!Number.isFinite(endMs) || endMs <= startMs) {
    throw new BtError(
      "VALIDATION",
      `endDate must be after startDate (${describeValue(new Date(startMs))}), got ${describeValue(endMs)}`,
      { field: "endDate", value: endMs },
    );
  }
  const stepMs = intervalToMs(interval);
  const first = alignUp(startMs, interval);
  const count = Math.max(0, Math.ceil((endMs - first) / stepMs));
  const timestamps = new Float64Array(count);
  for (let index = 0; index < count; index++) timestamps[index] = first + index * stepMs;
  return timestamps;
}
