// How a skipped or rejected row is written for people: `file:line: reason` (text files) or
// `file item N: reason` / `file row N: reason` (JSON arrays, Arrow tables), with the field and value.

import type { ICandleBadLine } from "./candleFileTypes";

/**
 * One line of text for a bad row, e.g. `dumps/BTCUSDT-1m-2025-06.csv:42: high 98 is below low 99 (high = 98)`.
 * @example formatBadLine(summary.skipped[0])
 */
export function formatBadLine(bad: ICandleBadLine): string {
  const where =
    bad.position === "line" ? `${bad.file}:${bad.line}` : `${bad.file} ${bad.position} ${bad.line}`;
  return `${where}: ${bad.reason} (${bad.field} = ${typeof bad.value === "string" ? bad.value : String(bad.value)})`;
}
