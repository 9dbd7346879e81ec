// Names of the temp files of a write, tagged with the host and pid that own them, and the rule that decides
// which leftovers `waitForInit` may remove: only provably dead ones (their process is gone, or they are far
// older than any write takes), never a temp file another live process is about to rename.

import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** Prefix of every temp file (a dot file: never listed, never read as a record). */
export const TEMP_PREFIX = ".tmp-";

/** A temp file older than this (ms since its last change) is dead whoever owns it: no write takes this long. */
export const TEMP_FILE_MAX_AGE_MS = 15 * 60_000;

const HOST_TAG = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
// `.tmp-h<host hash>p<pid>-<uuid>`; temp files of older versions are `.tmp-<uuid>` (hex, never "h…p").
const TAGGED = /^\.tmp-h([0-9a-f]{8})p([1-9][0-9]*)-/;

/** A fresh temp file name owned by this process. */
export function tempFileName(): string {
  return `${TEMP_PREFIX}h${HOST_TAG}p${process.pid}-${randomUUID()}`;
}

/**
 * Whether the temp file `fileName`, last changed `ageMs` ago, is provably dead: its owner is a process
 * of this host that no longer runs, or it is older than TEMP_FILE_MAX_AGE_MS (an untagged file of an older
 * version, another host's file, or one whose pid was reused). A live owner's fresh temp file is kept.
 */
export function isDeadTempFile(fileName: string, ageMs: number): boolean {
  if (ageMs > TEMP_FILE_MAX_AGE_MS) return true;
  const tagged = TAGGED.exec(fileName);
  if (tagged === null || tagged[1] !== HOST_TAG) return false;
  return !isProcessAlive(Number(tagged[2]));
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
