// Progress of long work on stderr: a redrawn bar with percentage and ETA when stderr is a terminal,
// otherwise a plain line every few seconds (logs stay readable). Nothing goes to stdout.

import type { ICliIo } from "./cliIo";

/** Receives progress updates and draws them. */
export interface IProgressReporter {
  /** `done` of `total` units of `label` are finished. */
  update(label: string, done: number, total: number): void;
  /** Clears the bar (terminal) or prints the last line (plain). */
  finish(): void;
}

/** Formats a duration in ms as m:ss or h:mm:ss. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** Estimated time left in ms from the elapsed time and the fraction done, or null before any progress. */
export function estimateRemainingMs(elapsedMs: number, done: number, total: number): number | null {
  if (done <= 0 || total <= 0) return null;
  return (elapsedMs / done) * Math.max(0, total - done);
}

/** One progress line: bar (when `barWidth` > 0), percentage, counts, ETA and label. */
export function formatProgressLine(
  label: string,
  done: number,
  total: number,
  elapsedMs: number,
  barWidth: number,
): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const remaining = estimateRemainingMs(elapsedMs, done, total);
  const eta = remaining === null ? "ETA --:--" : `ETA ${formatDuration(remaining)}`;
  const percent = `${(fraction * 100).toFixed(1).padStart(5)}%`;
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth > 0 ? `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ` : "";
  return `${bar}${percent} ${done}/${total} ${eta} ${label}`;
}

/** Options of createProgressReporter. */
export interface IProgressReporterOptions {
  /** Minimum ms between terminal redraws (default 100). */
  redrawMs?: number;
  /** Minimum ms between plain lines (default 5,000). */
  plainEveryMs?: number;
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
}

/** A progress reporter for `io.stderr`: a bar on a terminal, periodic plain lines otherwise. */
export function createProgressReporter(
  io: ICliIo,
  options: IProgressReporterOptions = {},
): IProgressReporter {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const tty = io.stderrIsTty;
  const minGapMs = tty ? (options.redrawMs ?? 100) : (options.plainEveryMs ?? 5000);
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let last: { label: string; done: number; total: number } | null = null;
  let drawn = false;
  let lastPrinted = "";

  const draw = (force: boolean) => {
    if (last === null) return;
    const at = now();
    if (!force && at - lastDrawAt < minGapMs) return;
    lastDrawAt = at;
    if (tty) {
      const barWidth = Math.max(10, Math.min(30, io.columns - 60));
      const line = formatProgressLine(last.label, last.done, last.total, at - startedAt, barWidth);
      io.stderr.write(`\r\x1b[2K${line.slice(0, Math.max(20, io.columns - 1))}`);
      drawn = true;
    } else {
      const line = `progress ${formatProgressLine(last.label, last.done, last.total, at - startedAt, 0)}`;
      if (line !== lastPrinted) io.stderr.write(`${line}\n`);
      lastPrinted = line;
    }
  };

  return {
    update(label, done, total) {
      last = { label, done, total };
      draw(false);
    },
    finish() {
      if (tty) {
        if (drawn) io.stderr.write("\r\x1b[2K");
      } else if (last !== null && last.done > 0) {
        draw(true);
      }
    },
  };
}
