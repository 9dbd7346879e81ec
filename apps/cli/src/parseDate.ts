// Dates given on the command line: YYYY-MM-DD (UTC midnight) or an ISO 8601 time YYYY-MM-DD[T ]HH:MM[:SS[.sss]]
// with an optional zone (Z, ±HH:MM, ±HHMM; UTC when absent). Every field is checked against the
// calendar and the clock, so 2025-02-30, 24:00 or +25:00 are bad input, never rolled over.

import { badInput } from "./cliError";

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|z|([+-])(\d{2}):?(\d{2}))?)?$/;

const FORMAT_HINT =
  "use YYYY-MM-DD (UTC) or an ISO 8601 time such as 2025-01-01T12:00Z or 2025-01-01T12:00+02:00";

/** Epoch ms of a UTC calendar time; years 0-99 stay themselves (Date.UTC would add 1900). */
function utcMs(
  year: number,
  monthIndex: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month, 0)).getUTCDate();
}

/**
 * Parses a command-line date to epoch ms; a time without a zone is UTC.
 * @throws CliError (exit 2) naming the option and the value when the text is not a valid date.
 */
export function parseDate(option: string, text: string): number {
  const match = DATE_TIME.exec(text.trim());
  const bad = (why: string) => badInput(`bad ${option} date ${JSON.stringify(text)}: ${why}`, FORMAT_HINT);
  if (match === null) throw bad("not a date");
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) throw bad(`month ${mo} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) throw bad(`${y}-${mo} has no day ${d}`);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23) throw bad(`hour ${h} is not 00-23`);
  if (minute > 59) throw bad(`minute ${mi} is not 00-59`);
  if (second > 59) throw bad(`second ${s} is not 00-59`);
  const millisecond = frac === undefined ? 0 : Number(frac.padEnd(3, "0"));
  let offsetMinutes = 0;
  if (zone !== undefined && sign !== undefined) {
    const offsetHours = Number(zh);
    const offsetMins = Number(zm);
    if (offsetHours > 14 || offsetMins > 59 || (offsetHours === 14 && offsetMins > 0)) {
      throw bad(`offset ${zone} is not between -14:00 and +14:00`);
    }
    offsetMinutes = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return utcMs(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000;
}
