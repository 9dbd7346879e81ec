// Number, price and time formatting of the HTML report (the same rules as @bt/report-markdown, so a
// value reads the same in both): percent 2 decimals, ratio 3, minutes 1, money 2 (more below 1), UTC times.

import type { StatisticUnit } from "@bt/core";

/** What the report prints for a metric that is null (not computable honestly). */
export const NOT_AVAILABLE = "N/A";

function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  // "-0.00" would suggest a loss that rounding erased.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A percentage (already in percent) with 2 decimals and "%", e.g. "12.35%". */
export function formatPercent(value: number): string {
  return `${fixed(value, 2)}%`;
}

/** An amount of money: 2 decimals from 1 (and for 0), 4 from 0.01, 8 below, e.g. "12.35", "-0.0420". */
export function formatMoney(value: number): string {
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 1 || magnitude === 0 ? 2 : magnitude >= 0.01 ? 4 : 8;
  return fixed(value, decimals);
}

/** A price with decimals by magnitude: ≥ 1000 → 2, ≥ 1 → 4, ≥ 0.01 → 6, smaller → 10. */
export function formatPrice(value: number): string {
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 1000 ? 2 : magnitude >= 1 ? 4 : magnitude >= 0.01 ? 6 : 10;
  return fixed(value, decimals);
}

/** A duration in minutes as "90 min", "2h 05m" or "3d 04h", whichever reads best. */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${fixed(minutes, minutes % 1 === 0 ? 0 : 1)} min`;
  const total = Math.round(minutes);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const rest = total % 60;
  if (days > 0) return `${days}d ${String(hours).padStart(2, "0")}h`;
  return `${hours}h ${String(rest).padStart(2, "0")}m`;
}

/** An epoch-ms instant as "2025-01-01 00:00" UTC (seconds shown only when not zero). */
export function formatTime(valueMs: number): string {
  const iso = new Date(valueMs).toISOString();
  const seconds = iso.slice(17, 19);
  return seconds === "00" && iso.slice(20, 23) === "000"
    ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
    : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * A statistic's value in its unit: count as an integer, percent "12.35%", ratio "1.234", minutes
 * "90.0 min", quote money "12.35 USDT" (with the currency when given).
 */
export function formatUnit(value: number, unit: StatisticUnit, quoteCurrency?: string): string {
  switch (unit) {
    case "count":
      return String(Math.round(value));
    case "percent":
      return formatPercent(value);
    case "ratio":
      return fixed(value, 3);
    case "minutes":
      return `${fixed(value, 1)} min`;
    case "quote":
      return quoteCurrency === undefined ? formatMoney(value) : `${formatMoney(value)} ${quoteCurrency}`;
  }
}
