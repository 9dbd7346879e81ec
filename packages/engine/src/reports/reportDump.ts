// Where and how the engine's getReport/dump write markdown reports: `<dir>/<mode>/<name>.md`
// (default dir "./dump"), written atomically through reports.ts (@bt/report-markdown's writeReport). Report
// names are turned into safe single file names, so a strategy called "../x" never leaves the folder.

import { resolve } from "node:path";
import { writeMarkdown } from "./reports";

/** Where dump() writes: `<dir>/<mode>/<name>.md`. */
export interface IDumpOptions {
  /** Root folder of the reports, relative to the working directory; default "./dump". */
  dir?: string;
}

/** Default root folder of dumped reports. */
export const DEFAULT_DUMP_DIR = "./dump";

/** The run kinds that have reports, used as the sub-folder name. */
export type ReportMode = "backtest" | "live" | "walker";

/**
 * A single safe file name for `name`: characters outside [A-Za-z0-9_.-] become "_", a leading dot
 * becomes "_", and an empty name becomes "report".
 */
export function reportFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\./, "_");
  return `${safe.length === 0 ? "report" : safe}.md`;
}

/** Absolute path of the report file of `name` for `mode` under `options.dir`. */
export function reportPath(mode: ReportMode, name: string, options: IDumpOptions = {}): string {
  return resolve(options.dir ?? DEFAULT_DUMP_DIR, mode, reportFileName(name));
}

/**
 * Writes `markdown` to the report file of (`mode`, `name`) atomically and returns its absolute path.
 * @throws BtError PERSIST when the folder or the file cannot be written.
 */
export async function dumpReport(
  mode: ReportMode,
  name: string,
  markdown: string,
  options: IDumpOptions = {},
): Promise<string> {
  const path = reportPath(mode, name, options);
  await writeMarkdown(path, markdown);
  return path;
}
