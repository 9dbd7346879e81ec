// ISO-8601 date parsing for candle files: "2025-01-01", "2025-01-01 00:00", "2025-01-01T00:00:00.000Z",
// "...+02:00". A date-time without a zone is read as UTC (Date.parse would read it as local time).

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch ms (UTC) of an ISO-8601 date or date-time; NaN when `text` is not one. */
export function parseIsoTime(text: string): number {
  const match = ISO_PATTERN.exec(text.trim());
  if (match === null) return Number.NaN;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const milliseconds = fraction === undefined ? 0 : Math.floor(Number(fraction.padEnd(3, "0").slice(0, 3)));
  let timestampMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    milliseconds,
  );
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    timestampMs -= sign * offsetMinutes * 60_000;
  }
  return timestampMs;
}
