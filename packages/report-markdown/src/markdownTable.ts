// Rendering of markdown tables: cell escaping (pipes, newlines), column alignment and the row cap
// with its "… N more rows not shown" note.

import { BtError } from "@bt/core";

/** Default maximum number of body rows a report table prints. */
export const DEFAULT_MAX_ROWS = 200;

/** One column of a markdown table: its header and whether numbers align right. */
export interface IMarkdownColumn {
  header: string;
  align?: "left" | "right";
}

/** Escapes a cell: `|` becomes `\|`, line breaks become `<br>`, so a note can never break the table. */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\r\n|\r|\n/g, "<br>");
}

/** Validates a row cap: a non-negative integer number of rows. @throws BtError VALIDATION otherwise. */
export function checkMaxRows(maxRows: number): number {
  if (!Number.isInteger(maxRows) || maxRows < 0) {
    throw new BtError("VALIDATION", `report: maxRows must be a non-negative integer, got ${maxRows}`, {
      field: "maxRows",
      value: maxRows,
    });
  }
  return maxRows;
}

/**
 * Renders a markdown table of the first `maxRows` rows (default all) and, when rows were cut, a
 * line "_… N more rows not shown._" after it; cells are escaped.
 */
export function markdownTable(
  columns: ReadonlyArray<IMarkdownColumn>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  maxRows: number = Number.POSITIVE_INFINITY,
): string {
  const header = `| ${columns.map((column) => escapeCell(column.header)).join(" | ")} |`;
  const rule = `|${columns.map((column) => (column.align === "right" ? " ---: " : " --- ")).join("|")}|`;
  const shown = rows.slice(0, maxRows);
  const lines = [header, rule, ...shown.map((row) => `| ${row.map(escapeCell).join(" | ")} |`)];
  const hidden = rows.length - shown.length;
  if (hidden > 0) lines.push("", `_… ${hidden} more ${hidden === 1 ? "row" : "rows"} not shown._`);
  return lines.join("\n");
}
