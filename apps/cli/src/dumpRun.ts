// --dump <dir>: writes a run's markdown report and JSON record to <dir>/<kind>/<name>.md and .json,
// each atomically (temp file, fsync, rename). Called only after a run succeeded.

import { join } from "node:path";
import { writeReport } from "@bt/report-markdown";
import { renderRunReport } from "./renderRunReport";
import type { IRunRecord } from "./runRecord";

/** Paths written by dumpRun. */
export interface IDumpPaths {
  markdown: string;
  json: string;
}

/** A name safe as a file name (strategy and walker names are free text). */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "run";
}

/** Writes the markdown report and JSON record of `record` under `dumpDir`. */
export async function dumpRun(dumpDir: string, record: IRunRecord): Promise<IDumpPaths> {
  const name = safeFileName(record.kind === "backtest" ? record.strategyName : record.walkerName);
  const base = join(dumpDir, record.kind, name);
  const paths = { markdown: `${base}.md`, json: `${base}.json` };
  await writeReport(paths.json, `${JSON.stringify(record, null, 2)}\n`);
  await writeReport(paths.markdown, renderRunReport(record));
  return paths;
}
