// Minimal markdown table reader for the report tests: finds the table after a heading or line and
// splits its rows on unescaped pipes.

/** Splits one table line into trimmed cells, keeping escaped pipes (`\|`) inside a cell. */
export function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** The first table after the line equal to `marker` (or the first table when marker is undefined). */
export function tableAfter(markdown: string, marker?: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split("\n");
  let index = marker === undefined ? 0 : lines.indexOf(marker);
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  while (index < lines.length && !lines[index]!.startsWith("|")) index++;
  if (index >= lines.length) throw new Error(`no table after ${marker}`);
  const header = cells(lines[index]!);
  const rows: string[][] = [];
  for (let row = index + 2; row < lines.length && lines[row]!.startsWith("|"); row++)
    rows.push(cells(lines[row]!));
  return { header, rows };
}

/** The value column of a "Metric | Value" statistics table, keyed by label. */
export function statisticsAfter(markdown: string, marker: string): Map<string, string> {
  return new Map(tableAfter(markdown, marker).rows.map((row) => [row[0]!, row[1]!]));
}

/** The text from the line `heading` (a "## " heading) up to the next "## " heading. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`heading not found: ${heading}`);
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith("## ")) end++;
  return lines.slice(start, end).join("\n");
}
