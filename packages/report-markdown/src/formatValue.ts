// Number, price and time formatting shared by every report, so a value prints the same everywhere:
// percentages with 2 decimals and "%", ratios with 3 decimals, minutes with 1, money in quote currency
// with 2 (more below 1), times in ISO 8601 UTC.

/** What a report prints for a metric that is null (not computable honestly). */
export const NOT_AVAILABLE = "N/A";

function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  // "-0.00" would suggest a loss that rounding erased.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A percentage (already in percent) with 2 decimals and a "%" suffix, e.g. "12.35%"; N/A for null or non-finite. */
export function formatPercent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? NOT_AVAILABLE : `${fixed(value, 2)}%`;
}

/** A unitless ratio with 3 decimals, e.g. "1.234"; N/A for null or non-finite. */
export function formatRatio(value: number | null): string {
  return value === null || !Number.isFinite(value) ? NOT_AVAILABLE : fixed(value, 3);
}

/** A count as an integer string; N/A for null. */
export function formatCount(value: number | null): string {
  return value === null || !Number.isFinite(value) ? NOT_AVAILABLE : String(Math.round(value));
}

/** A duration in minutes with 1 decimal and " min", e.g. "90.0 min"; N/A for null or non-finite. */
export function formatMinutes(value: number | null): string {
  return value === null || !Number.isFinite(value) ? NOT_AVAILABLE : `${fixed(value, 1)} min`;
}

/**
 * An amount of money in quote currency: 2 decimals from 1 (and for 0), 4 from 0.01, 8 below (a
 * BTC-quoted market's cents), e.g. "12.35", "-0.0420", "0.00001234"; N/A for null or non-finite.
 */
export function formatMoney(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NOT_AVAILABLE;
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 1 || magnitude === 0 ? 2 : magnitude >= 0.01 ? 4 : 8;
  return fixed(value, decimals);
}

/**
 * A price with decimals chosen by magnitude bucket, so one market prints uniformly: ≥ 1000 → 2,
 * ≥ 1 → 4, ≥ 0.01 → 6, smaller → 10 (e.g. "60000.12", "1.0843", "0.0000123400"); N/A for null or non-finite.
 */
export function formatPrice(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NOT_AVAILABLE;
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 1000 ? 2 : magnitude >= 1 ? 4 : magnitude >= 0.01 ? 6 : 10;
  return fixed(value, decimals);
}

/** An epoch-ms instant as ISO 8601 UTC, e.g. "2025-01-01T00:00:00.000Z"; N/A for null or invalid. */
export function formatTime(valueMs: number | null): string {
  if (valueMs === null || !Number.isFinite(valueMs)) return NOT_AVAILABLE;
  const date = new Date(valueMs);
  return Number.isNaN(date.getTime()) ? NOT_AVAILABLE : date.toISOString();
}
