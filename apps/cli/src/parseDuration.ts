// Durations on the command line: a positive number with a unit, `90m`, `12h`, `7d` or `2w` (minutes,
// hours, days, weeks), e.g. the walk-forward windows of `bt walkforward --train 7d --test 2d`.

import { badInput } from "./cliError";

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Parses `text` (given as `flag`) into ms.
 * @throws CliError (exit 2) naming the flag and the value.
 * @example parseDuration("--test", "2d") // 172800000
 */
export function parseDuration(flag: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$/.exec(text);
  const amount = match ? Number(match[1]) : Number.NaN;
  if (match === null || !(amount > 0)) {
    throw badInput(
      `bad ${flag} ${JSON.stringify(text)}: not a duration`,
      `a positive number with a unit m, h, d or w, e.g. ${flag} 7d, 12h or 90m`,
    );
  }
  return Math.round(amount * (UNIT_MS[match[2] as string] as number));
}
