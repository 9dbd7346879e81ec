// The file names of dumped reports (--dump <dir>/<kind>/<name>.md and .json): a strategy or walker name
// is free text, so characters outside [A-Za-z0-9_.-] become "_" and, whenever that changed the name (or
// the name is reserved on some file system), a short hash of the original is appended: "a/b", "a:b"
// and "a_b" get three distinct, stable names. Checked before a run starts, so a name that cannot be a
// file name fails at once, not after the whole backtest.

import { createHash } from "node:crypto";
import { badInput } from "./cliError";

/**
 * Longest file-name stem accepted, in UTF-8 bytes: 255 (NAME_MAX of common file systems) minus the
 * ".json" extension and the temporary name of the atomic write (".<name>.json.<pid>.<uuid>.tmp").
 */
export const MAX_DUMP_NAME_BYTES = 200;

// Names Windows reserves for devices (with any extension), and the special directory entries.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** The file-name stem of a report called `name` (without extension); distinct names give distinct stems. */
export function dumpFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\./, "_");
  if (safe === name && name !== "" && !RESERVED.test(name)) return name;
  return `${safe === "" ? "report" : safe}-${shortHash(name)}`;
}

/**
 * The stem the engine's Live.dump gives a report called `name` (its own rule: unsafe characters become
 * "_", no hash), for the length check of `bt live --dump`.
 */
export function engineReportStem(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\./, "_");
  return safe.length === 0 ? "report" : safe;
}

/**
 * Checks before a run that `name` can be dumped (the stem fits the file system).
 * @throws CliError (exit 2) naming `what` (e.g. "strategyName of ./s.ts"), the length and the limit.
 */
export function assertDumpableName(what: string, name: string, stem: string = dumpFileName(name)): void {
  const bytes = Buffer.byteLength(stem, "utf8");
  if (bytes > MAX_DUMP_NAME_BYTES) {
    const shown =
      name.length > 40
        ? `${JSON.stringify(name.slice(0, 40))}… (${name.length} characters)`
        : JSON.stringify(name);
    throw badInput(
      `--dump: the ${what} ${shown} is too long for a file name (${bytes} bytes as a file name, at most ${MAX_DUMP_NAME_BYTES})`,
      `shorten the ${what}, or run without --dump`,
    );
  }
}
