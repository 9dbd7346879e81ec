// The one file-writing helper of the package: writes a report atomically (temp file in the same
// directory, fsync, rename), creating the directory, so a reader never sees a half-written report.

import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { BtError } from "@bt/core";

/**
 * Writes `markdown` (UTF-8) to `path` atomically: the directory is created, the text goes to a
 * temporary file beside the target, is fsynced and renamed over it; on failure the temp file is removed.
 * @throws BtError PERSIST (field "path") when the directory cannot be created or the file cannot be written.
 * @example
 * await writeReport("./dump/backtest/my-strategy.md", renderBacktestReport(closed));
 */
export async function writeReport(path: string, markdown: string): Promise<void> {
  const directory = dirname(path);
  // The Web Crypto global: Node loads its crypto module on first use, so importing the engine (which
  // imports this package for its reports) does not load it.
  const temporaryPath = join(
    directory,
    `.${basename(path)}.${process.pid}.${globalThis.crypto.randomUUID()}.tmp`,
  );
  try {
    await mkdir(directory, { recursive: true });
    const handle = await open(temporaryPath, "wx");
    try {
      await handle.writeFile(markdown, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, path);
  } catch (error) {
    await rm(temporaryPath, { force: true }).catch(() => undefined);
    throw new BtError("PERSIST", `report: cannot write ${path}: ${(error as Error).message}`, {
      field: "path",
      value: path,
      cause: error,
    });
  }
  // Persist the rename itself; some platforms cannot open a directory, which is harmless here.
  try {
    const directoryHandle = await open(directory, "r");
    try {
      await directoryHandle.sync();
    } finally {
      await directoryHandle.close();
    }
  } catch {
    // Best effort only: the file content is already durable and in place.
  }
}
