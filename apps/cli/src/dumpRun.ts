// --dump <dir>: writes a run's markdown report and JSON record to <dir>/<kind>/<name>.md and .json (the
// paths the engine's dump uses), each atomically (temp file, fsync, rename). Called only after a run succeeded.

import { join } from "node:path";
import { writeReport } from "@bt/report-markdown";
import type { IRunRecord } from "./runRecord";

/** Paths written by dumpRun. */
export interface IDumpPaths {
  markdown: string;
  json: string;
}

/** A name safe as a file name, by the rule of the engine's dump (strategy and walker names are free text). */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\./, "_") || "report";
}

/** Writes `markdown` and the JSON record of `record` under `dumpDir`. */
export async function dumpRun(dumpDir: string, record: IRunRecord, markdown: string): Promise<IDumpPaths> {
  const name = safeFileName(record.kind === "backtest" ? record.strategyName : record.walkerName);
  const base = join(dumpDir, record.kind, name);
  const paths = { markdown: `${base}.md`, json: `${base}.json` };
  await writeReport(paths.json, `${JSON.stringify(record, null, 2)}\n`);
  await writeReport(paths.markdown, markdown);
  return paths;
}
