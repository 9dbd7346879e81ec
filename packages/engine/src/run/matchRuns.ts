// Lookup of recorded runs by optional (symbol, name) filters for getReport / dump, and the file name a
// dump of the matches gets.

import { BtError, describeValue } from "@bt/core";
import { splitRunKey } from "./engineState";

/** One recorded run that matched. */
export interface IRunMatch<T> {
  key: string;
  symbol: string;
  name: string;
  value: T;
}

/**
 * The recorded runs of `runs` whose symbol and name match the (optional) filters, in insertion order.
 * @throws BtError STATE naming `caller` and the filters when none matches.
 */
export function matchRuns<T>(
  runs: ReadonlyMap<string, T>,
  symbol: string | undefined,
  name: string | undefined,
  caller: string,
  kind: string,
): Array<IRunMatch<T>> {
  const matches: Array<IRunMatch<T>> = [];
  for (const [key, value] of runs) {
    const parts = splitRunKey(key);
    if (symbol !== undefined && parts.symbol !== symbol) continue;
    if (name !== undefined && parts.name !== name) continue;
    matches.push({ key, ...parts, value });
  }
  if (matches.length === 0) {
    const what = [
      name === undefined ? undefined : describeValue(name),
      symbol === undefined ? undefined : `on ${symbol}`,
    ]
      .filter((part) => part !== undefined)
      .join(" ");
    throw new BtError("STATE", `${caller}: no ${kind} run recorded${what === "" ? "" : ` for ${what}`}`, {
      field: name === undefined ? "symbol" : "name",
      value: name ?? symbol,
    });
  }
  return matches;
}

/** The file name of a dumped report: the requested name, the only matching one, or "all". */
export function reportName(
  requested: string | undefined,
  matches: ReadonlyArray<IRunMatch<unknown>>,
): string {
  if (requested !== undefined) return requested;
  const names = new Set(matches.map((match) => match.name));
  return names.size === 1 ? ([...names][0] as string) : "all";
}
