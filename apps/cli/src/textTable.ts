// Plain-text tables for the terminal summary: aligned columns, numbers right-aligned, no colours.

/** Renders rows under headers with columns padded to their widest cell; `rightAlign[i]` pads on the left. */
export function renderTextTable(headers: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        return rightAlign[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const separator = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(headers), separator, ...rows.map(line)].join("\n");
}
