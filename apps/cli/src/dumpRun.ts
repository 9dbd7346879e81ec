// --dump <dir>: writes a run's markdown report and JSON record to <dir>/<kind>/<name>.md and .json (the
// name made safe and distinct by dumpFileName), each atomically (temp file, fsync, rename). Called only
// after a run succeeded; the name was checked before it started.

import { join } from "node:path";
import { writeReport } from "@bt/report-markdown";
import { dumpFileName } from "./dumpFileName";
import type { IRunRecord } from "./runRecord";

/** Paths written by dumpRun. */
export interface IDumpPaths {
  markdown: string;
  json: string;
}

/** Writes `markdown` and the JSON record of `record` under `dumpDir`. */
export async function dumpRun(dumpDir: string, record: IRunRecord, markdown: string): Promise<IDumpPaths> {
  const name = dumpFileName(record.kind === "walker" ? record.walkerName : record.strategyName);
  const base = join(dumpDir, record.kind, name);
  const paths = { markdown: `${base}.md`, json: `${base}.json` };
  await writeReport(paths.json, `${JSON.stringify(record, null, 2)}\n`);
  await writeReport(paths.markdown, markdown);
  return paths;
}
