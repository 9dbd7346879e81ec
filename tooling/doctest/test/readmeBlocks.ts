// Reads the README files of the repository: finds every fenced code block and the annotation on the line
// before it (`<!-- example: path[#region] -->`, `<!-- output: path -->` or `<!-- not-runnable: reason -->`),
// and extracts the file (or `// #region name` … `// #endregion name` part) an example block must equal.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Fence languages checked as runnable code: each such block needs an annotation. */
export const CODE_LANGUAGES = new Set([
  "ts",
  "typescript",
  "tsx",
  "mts",
  "cts",
  "js",
  "javascript",
  "jsx",
  "mjs",
  "cjs",
]);

/** Folders never searched for README files. */
const IGNORED_FOLDERS = new Set([
  "node_modules",
  "dist",
  ".git",
  ".turbo",
  "coverage",
  "dump",
  ".bt-data",
  ".bt-cache",
]);

/** One fenced block of a README; `line` is the 1-based line of its opening fence. */
export interface IReadmeBlock {
  readme: string;
  line: number;
  language: string;
  content: string;
  annotation:
    | { kind: "example"; file: string; region: string | undefined }
    | { kind: "output"; file: string }
    | { kind: "not-runnable"; reason: string }
    | { kind: "none" }
    | { kind: "malformed"; text: string };
}

/** Every README.md under `root` (relative paths, sorted), outside node_modules, dist and the like. */
export function findReadmes(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!IGNORED_FOLDERS.has(entry.name)) walk(join(folder, entry.name));
      } else if (entry.name === "README.md") {
        found.push(relative(root, join(folder, entry.name)));
      }
    }
  };
  walk(root);
  return found.sort();
}

const ANNOTATION = /^<!--\s*(example|output|not-runnable):\s*(.*?)\s*-->$/;

/** The fenced blocks of one README with their annotations. */
export function readmeBlocks(root: string, readme: string): IReadmeBlock[] {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  const blocks: IReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[index]!);
    if (!open) continue;
    const [, indent, fence, language] = open;
    const start = index;
    let end = index + 1;
    while (end < lines.length && lines[end]!.trim() !== fence) end++;
    const content = lines
      .slice(start + 1, end)
      .map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line))
      .join("\n");
    blocks.push({
      readme,
      line: start + 1,
      language: language!.toLowerCase(),
      content: `${content}\n`,
      annotation: annotationBefore(lines, start),
    });
    index = end;
  }
  return blocks;
}

function annotationBefore(lines: string[], fenceIndex: number): IReadmeBlock["annotation"] {
  const previous = lines[fenceIndex - 1]?.trim() ?? "";
  if (!previous.startsWith("<!--")) return { kind: "none" };
  const match = ANNOTATION.exec(previous);
  if (!match || match[2] === "") return { kind: "malformed", text: previous };
  const [, kind, value] = match as unknown as [string, "example" | "output" | "not-runnable", string];
  if (kind === "not-runnable") return { kind, reason: value };
  const [file, region] = value.split("#");
  if (kind === "output") return { kind, file: file! };
  return { kind, file: file!, region };
}

/** The text an example annotation points at: the whole file, or the lines between its region markers. */
export function exampleText(root: string, file: string, region: string | undefined): string {
  const text = readFileSync(join(root, file), "utf8");
  if (region === undefined) return text;
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex((line) => line.trim() === `// #endregion ${region}`);
  if (start < 0 || end < start)
    throw new Error(`${file} has no region "${region}" (// #region ${region} … // #endregion ${region})`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== "").map((line) => /^ */.exec(line)![0].length),
  );
  return `${body.map((line) => line.slice(indent)).join("\n")}\n`;
}
