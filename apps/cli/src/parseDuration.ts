// Durations on the command line: a positive number with a unit of the flag's unit set, e.g. the
// walk-forward windows of `bt walkforward --train 7d --test 2d` (m, h, d, w) or the request timeout of
// `bt generate --timeout 30s` (ms, s, m).

import { badInput } from "./cliError";

/** The units a duration flag takes, in ms each, and examples for its hint. */
export interface IDurationUnits {
  unitMs: Readonly<Record<string, number>>;
  examples: ReadonlyArray<string>;
}

/** Minutes, hours, days and weeks: windows of a frame. */
export const WINDOW_UNITS: IDurationUnits = {
  unitMs: { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 },
  examples: ["7d", "12h", "90m"],
};

/** Milliseconds, seconds and minutes: waits such as a request timeout. */
export const TIMEOUT_UNITS: IDurationUnits = {
  unitMs: { ms: 1, s: 1000, m: 60_000 },
  examples: ["30s", "500ms", "5m"],
};

/**
 * Parses `text` (given as `flag`) into ms, with the units of `units` (default WINDOW_UNITS).
 * @throws CliError (exit 2) naming the flag and the value.
 * @example parseDuration("--test", "2d") // 172800000
 */
export function parseDuration(flag: string, text: string, units: IDurationUnits = WINDOW_UNITS): number {
  const names = Object.keys(units.unitMs);
  // Longest unit first, so "ms" is not read as "m" followed by junk.
  const pattern = [...names].sort((left, right) => right.length - left.length).join("|");
  const match = new RegExp(`^\\s*(\\d+(?:\\.\\d+)?)\\s*(${pattern})\\s*$`).exec(text);
  const amount = match ? Number(match[1]) : Number.NaN;
  if (match === null || !(amount > 0)) {
    const [first, second, third] = units.examples;
    throw badInput(
      `bad ${flag} ${JSON.stringify(text)}: not a duration`,
      `a positive number with a unit ${names.slice(0, -1).join(", ")} or ${names.at(-1)}, e.g. ${flag} ${first}, ${second} or ${third}`,
    );
  }
  return Math.round(amount * (units.unitMs[match[2] as string] as number));
}
