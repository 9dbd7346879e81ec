// The run journal: an append-only JSON-lines file that makes a long run resumable after a kill at any
// instant. The first line names the run (`{"kind", "version": 1, "header"}`); each later line is one
// finished record, written and fdatasync'ed before append() resolves, appends serialised. Reopening
// checks the header against the run's own, drops a torn last line (a kill mid-write) and refuses a
// damaged line anywhere else: corruption is reported, never skipped.

import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { BtError, describeValue } from "@bt/core";

/** An open run journal: its header, the records read back from an earlier run, and append. */
export interface IRunJournal<H, R> {
  /** The journal file. */
  readonly path: string;
  /** The run's header (equal to the one the file starts with). */
  readonly header: H;
  /** Records found in the file when it was opened, in append order (empty for a new journal). */
  readonly records: ReadonlyArray<R>;
  /** True when the file existed (with a header) before this open. */
  readonly resumed: boolean;
  /**
   * Appends one record as one line and waits until it is on disk (fdatasync); appends never interleave.
   * @throws BtError PERSIST when the write fails, or STATE after close().
   */
  append(record: R): Promise<void>;
  /** Waits for pending appends and closes the file (idempotent). */
  close(): Promise<void>;
}

/** Options of openRunJournal. */
export interface IRunJournalOptions {
  /** What kind of run the journal holds (first line's `kind`), e.g. "sweep"; default "run". */
  kind?: string;
}

/** Version of the journal's line format. */
export const RUN_JOURNAL_VERSION = 1;

/** The first differing path between two JSON values (`params.fast`, `symbols[1]`), or null when equal. */
export function firstDifference(left: unknown, right: unknown, path = ""): string | null {
  if (Object.is(left, right)) return null;
  const here = path === "" ? "(the whole value)" : path;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return here;
  if (Array.isArray(left) !== Array.isArray(right)) return here;
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let index = 0; index < Math.max(left.length, right.length); index++) {
      const found = firstDifference(left[index], right[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(leftRecord), ...Object.keys(rightRecord)])];
  for (const key of keys) {
    const found = firstDifference(leftRecord[key], rightRecord[key], path === "" ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

function persistError(path: string, action: string, cause: unknown): BtError {
  return new BtError(
    "PERSIST",
    `run journal ${path}: ${action} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}

/** Checks a journal's first line: its kind, version and a header equal to this run's. */
function checkFirstLine(path: string, value: unknown, kind: string, header: unknown): void {
  const first = value as { kind?: unknown; version?: unknown; header?: unknown } | null;
  if (typeof first !== "object" || first === null || first.kind !== kind) {
    throw new BtError(
      "VALIDATION",
      `run journal ${path}: not a ${kind} journal (its first line has kind ${describeValue(first?.kind)})`,
      { field: "kind", value: first?.kind },
    );
  }
  if (first.version !== RUN_JOURNAL_VERSION) {
    throw new BtError(
      "VALIDATION",
      `run journal ${path}: version ${describeValue(first.version)} is not supported (expected ${RUN_JOURNAL_VERSION})`,
      { field: "version", value: first.version },
    );
  }
  // Compared as JSON, the form the header is stored in (undefined members vanish on both sides).
  const difference = firstDifference(first.header, JSON.parse(JSON.stringify(header)) as unknown);
  if (difference !== null) {
    throw new BtError(
      "VALIDATION",
      `run journal ${path}: the journal's ${difference} differs from this run's (the journal belongs to another run: use another run id or journal file)`,
      { field: difference, value: path },
    );
  }
}

/** Parses the lines of an existing journal; returns the records and the byte length of the whole lines. */
function parseJournal<H, R>(
  path: string,
  text: string,
  kind: string,
  header: H,
): { records: R[]; validBytes: number; hasHeader: boolean } {
  const records: R[] = [];
  let offset = 0;
  let lineNumber = 0;
  let hasHeader = false;
  while (offset < text.length) {
    const end = text.indexOf("\n", offset);
    const line = end === -1 ? text.slice(offset) : text.slice(offset, end);
    const last = end === -1 || end === text.length - 1;
    lineNumber++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // The last line without its newline, or unparsable: a write cut short by a kill; it is dropped.
      if (last) break;
      throw new BtError(
        "STATE",
        `run journal ${path}:${lineNumber}: the line is not JSON (the file is damaged; move it away to start the run afresh)`,
        { field: `line ${lineNumber}`, value: line.slice(0, 80) },
      );
    }
    if (end === -1) break;
    if (lineNumber === 1) {
      checkFirstLine(path, value, kind, header);
      hasHeader = true;
    } else {
      records.push(value as R);
    }
    offset = end + 1;
  }
  return { records, validBytes: Buffer.byteLength(text.slice(0, offset)), hasHeader };
}

/**
 * Opens (or creates, with its parent folders) the journal at `path` for a run described by `header`.
 * An existing journal must carry an equal header; its records come back in `records` and a torn last
 * line is truncated away.
 * @throws BtError VALIDATION naming the path and the first differing header field (another run's
 * journal), STATE naming file and line for a damaged line before the last, PERSIST when I/O fails.
 * @example
 * const journal = await openRunJournal<{ params: object }, ISweepEntry>(".bt/sweeps/3f2a9c.jsonl", { params }, { kind: "sweep" });
 * await runSweep({ ...options, resume: journal.records, onProgress: ({ entry }) => void journal.append(entry) });
 */
export async function openRunJournal<H extends object, R>(
  path: string,
  header: H,
  options: IRunJournalOptions = {},
): Promise<IRunJournal<H, R>> {
  const kind = options.kind ?? "run";
  let handle: FileHandle;
  try {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, "a+");
  } catch (error) {
    throw persistError(path, "open", error);
  }
  let records: R[] = [];
  let resumed = false;
  try {
    const text = (await handle.readFile()).toString("utf8");
    const parsed = parseJournal<H, R>(path, text, kind, header);
    records = parsed.records;
    resumed = parsed.hasHeader;
    const size = Buffer.byteLength(text);
    if (parsed.validBytes < size) {
      await handle.truncate(parsed.validBytes);
      await handle.datasync();
    }
    if (!parsed.hasHeader) {
      await handle.write(`${JSON.stringify({ kind, version: RUN_JOURNAL_VERSION, header })}\n`);
      await handle.datasync();
    }
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (BtError.isInstance(error)) throw error;
    throw persistError(path, "read", error);
  }

  let tail: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    path,
    header,
    records,
    resumed,
    append(record) {
      if (closed) {
        return Promise.reject(new BtError("STATE", `run journal ${path}: append after close`));
      }
      const line = `${JSON.stringify(record)}\n`;
      const write = tail.then(async () => {
        try {
          await handle.write(line);
          await handle.datasync();
        } catch (error) {
          throw persistError(path, "append", error);
        }
      });
      // A failed append fails its own caller; later appends still run.
      tail = write.catch(() => undefined);
      return write;
    },
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      await handle.close();
    },
  };
}
