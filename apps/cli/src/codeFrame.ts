// Where a user file fails to compile: "file:line:column: message" and a code frame (the lines around it
// with a caret under the column), from esbuild's location data or from the text of a tsx/esbuild
// "Transform failed" error.

import { readFileSync } from "node:fs";

/** A compile error's position: 1-based line, 0-based column (esbuild's convention). */
export interface ISourceLocation {
  file: string;
  line: number;
  column: number;
  text: string;
}

/** Lines of `source` around `line` (1-based) with a caret under `column` (0-based), or "" when out of range. */
export function codeFrame(source: string, line: number, column: number, context = 2): string {
  const lines = source.split(/\r?\n/);
  if (line < 1 || line > lines.length) return "";
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let number = first; number <= last; number++) {
    const gutter = `${number === line ? ">" : " "} ${String(number).padStart(width)} | `;
    out.push(`${gutter}${lines[number - 1] ?? ""}`.trimEnd());
    if (number === line) {
      const prefix = (lines[number - 1] ?? "").slice(0, column).replace(/[^\t]/g, " ");
      out.push(`  ${" ".repeat(width)} | ${prefix}^`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** The code frame of `location`, reading its file ("" when it cannot be read). */
export function codeFrameOf(location: ISourceLocation): string {
  try {
    return codeFrame(readFileSync(location.file, "utf8"), location.line, location.column);
  } catch {
    return "";
  }
}

/**
 * The first location in a tsx/esbuild "Transform failed with N error(s):\n<file>:<line>:<column>: ERROR: <text>"
 * message, or null.
 */
export function locationFromTransformMessage(message: string): ISourceLocation | null {
  const match = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (match === null) return null;
  return {
    file: match[1] as string,
    line: Number(match[2]),
    column: Number(match[3]),
    text: match[4] as string,
  };
}
