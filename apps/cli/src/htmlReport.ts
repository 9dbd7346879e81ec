// --html: the self-contained HTML report of a run record (loaded only when asked for).

import { writeFile } from "node:fs/promises";
import type { IRunRecord } from "./runRecord";

/** Writes the HTML report of `record` to `path`. */
export async function writeHtmlReport(path: string, record: IRunRecord): Promise<void> {
  await writeFile(path, `<!doctype html><title>${record.kind}</title>`);
}
