// Progress of long work on stderr: a cli-progress bar with percentage and ETA when stderr is a terminal,
// otherwise (and under --json) a plain line every few seconds, so logs and piped output stay free of
// control characters. Nothing goes to stdout. cli-progress is loaded only when a bar is drawn.

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

/** One plain progress line: percentage, counts, ETA and label. */
export function formatProgressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const remaining = estimateRemainingMs(elapsedMs, done, total);
  const eta = remaining === null ? "ETA --:--" : `ETA ${formatDuration(remaining)}`;
  return `${(fraction * 100).toFixed(1).padStart(5)}% ${done}/${total} ${eta} ${label}`;
}

/** Options of createProgressReporter. */
export interface IProgressReporterOptions {
  /** Plain lines even on a terminal (--json). */
  plain?: boolean;
  /** Minimum ms between terminal redraws (default 100). */
  redrawMs?: number;
  /** Minimum ms between plain lines (default 5,000). */
  plainEveryMs?: number;
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
}

function plainReporter(io: ICliIo, options: IProgressReporterOptions): IProgressReporter {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const minGapMs = options.plainEveryMs ?? 5000;
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let last: { label: string; done: number; total: number } | null = null;
  let lastPrinted = "";
  const draw = (force: boolean) => {
    if (last === null) return;
    const at = now();
    if (!force && at - lastDrawAt < minGapMs) return;
    lastDrawAt = at;
    const line = `progress ${formatProgressLine(last.label, last.done, last.total, at - startedAt)}`;
    if (line !== lastPrinted) io.stderr.write(`${line}\n`);
    lastPrinted = line;
  };
  return {
    update(label, done, total) {
      last = { label, done, total };
      draw(false);
    },
    finish() {
      if (last !== null && last.done > 0) draw(true);
    },
  };
}

/**
 * A progress reporter for `io.stderr`: a bar on a terminal, periodic plain lines otherwise; every update
 * also goes to `io.onProgress` when there is one.
 */
export async function createProgressReporter(
  io: ICliIo,
  options: IProgressReporterOptions = {},
): Promise<IProgressReporter> {
  const reporter = await stderrReporter(io, options);
  const listener = io.onProgress;
  if (listener === undefined) return reporter;
  return {
    update(label, done, total) {
      listener(label, done, total);
      reporter.update(label, done, total);
    },
    finish: () => reporter.finish(),
  };
}

async function stderrReporter(io: ICliIo, options: IProgressReporterOptions): Promise<IProgressReporter> {
  if (!io.stderrIsTty || options.plain === true) return plainReporter(io, options);
  const { default: cliProgress } = await import("cli-progress");
  // cli-progress draws through cursor moves on a TTY stream; io.stderr is one (or a test's stand-in).
  const stream = Object.assign(Object.create(null) as object, {
    isTTY: true,
    columns: io.columns,
    write: (text: string): boolean => {
      io.stderr.write(text);
      return true;
    },
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  });
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      format: "[{bar}] {percentage}% {value}/{total} ETA {eta_formatted} {label}",
      barsize: Math.max(10, Math.min(30, io.columns - 60)),
      fps: 1000 / (options.redrawMs ?? 100),
      hideCursor: false,
      clearOnComplete: true,
      stopOnComplete: false,
      linewrap: false,
      etaBuffer: 50,
      barCompleteChar: "#",
      barIncompleteChar: "-",
      noTTYOutput: false,
      synchronousUpdate: true,
    },
    cliProgress.Presets.legacy,
  );
  let started = false;
  return {
    update(label, done, total) {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    finish() {
      if (started) bar.stop();
    },
  };
}
