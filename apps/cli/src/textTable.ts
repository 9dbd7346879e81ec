// Plain-text tables for the terminal summary, drawn by cli-table3 in a borderless style: columns
// separated by two spaces, a dashed rule under the headers, numbers right-aligned, no colours. cli-table3
// (CommonJS, with string-width) is loaded on the first table, not at start-up: a backtest reads its first
// candle before any table is drawn, and a --json run draws none.

import { createRequire } from "node:module";
import type TableType from "cli-table3";

let Table: typeof TableType | undefined;

const NO_BORDER = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "-",
  "mid-mid": "  ",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/** Renders rows under headers with columns padded to their widest cell; `rightAlign[i]` pads on the left. */
export function renderTextTable(headers: string[], rows: string[][], rightAlign: boolean[] = []): string {
  Table ??= createRequire(import.meta.url)("cli-table3") as typeof TableType;
  const table = new Table({
    head: headers,
    colAligns: headers.map((_, column) => (rightAlign[column] ? "right" : "left")),
    chars: NO_BORDER,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
  });
  for (const row of rows) table.push(headers.map((_, column) => row[column] ?? ""));
  return table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}
