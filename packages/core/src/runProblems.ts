// What went wrong in one run, counted: strategy errors, validation and risk rejections (each distinct
// message once, with its count and first time), cancelled scheduled signals, and whether the run as a
// whole failed. The engine fills it; reports, the CLI, walkers and sweeps read it.

import type { CancelReason } from "./signal";

/** The kinds of problem a run counts; "command": a position command (commit*) was refused. */
export type RunProblemKind = "error" | "validation" | "risk" | "command";

/** One distinct problem of a run: the same (kind, source, message) is counted, not repeated. */
export interface IRunProblem {
  kind: RunProblemKind;
  /**
   * Where it happened: for errors the throwing call ("getSignal", "onOpen", "sizing", "listener", …),
   * for validation "validation", for risk the risk profile's riskName, for a command its name.
   */
  source: string;
  /** The error message or rejection reason (first line). */
  message: string;
  /** Occurrences, ≥ 1. */
  count: number;
  /** Epoch ms (run time) of the first occurrence. */
  firstAt: number;
}

/** A scheduled signal that was cancelled before it opened. */
export interface ICancelledSignal {
  signalId: string;
  reason: CancelReason;
  /** Epoch ms the signal was scheduled. */
  scheduledAt: number;
  /** Epoch ms it was cancelled. */
  cancelledAt: number;
}

/** Everything a run counted as going wrong, plus how often getSignal ran and failed. */
export interface IRunProblems {
  /** Distinct problems in order of first occurrence. */
  problems: IRunProblem[];
  /** Cancelled scheduled signals in cancel order. */
  cancelled: ICancelledSignal[];
  /** getSignal calls made. */
  getSignalCalls: number;
  /** getSignal calls that threw. */
  getSignalFailures: number;
}

/** "failed": the run threw, or getSignal was called and every call threw; "ok" otherwise. */
export type RunStatus = "ok" | "failed";

/** An empty problem record. */
export function emptyRunProblems(): IRunProblems {
  return { problems: [], cancelled: [], getSignalCalls: 0, getSignalFailures: 0 };
}

/** First non-empty line of a message (stacks and multi-line driver errors stay out of counts). */
function firstLine(message: string): string {
  return message.split("\n").find((line) => line.trim() !== "") ?? message;
}

/**
 * Counts one occurrence of (kind, source, message) at `atMs` into `problems` (mutates it; O(n) in the
 * number of distinct problems, which stays small).
 */
export function countRunProblem(
  problems: IRunProblems,
  kind: RunProblemKind,
  source: string,
  message: string,
  atMs: number,
): void {
  const text = firstLine(message);
  const existing = problems.problems.find(
    (problem) => problem.kind === kind && problem.source === source && problem.message === text,
  );
  if (existing !== undefined) existing.count++;
  else problems.problems.push({ kind, source, message: text, count: 1, firstAt: atMs });
}

/** The status of a run that completed: failed when getSignal was called and every call threw. */
export function runStatus(problems: IRunProblems): RunStatus {
  return problems.getSignalCalls > 0 && problems.getSignalFailures === problems.getSignalCalls
    ? "failed"
    : "ok";
}

/** Total occurrences of problems of `kind`. */
export function problemCount(problems: IRunProblems, kind: RunProblemKind): number {
  let total = 0;
  for (const problem of problems.problems) if (problem.kind === kind) total += problem.count;
  return total;
}

/**
 * The problems of several runs as one record (a portfolio's symbols): counts of equal problems (same
 * kind, source and message) added, the earliest first time kept, cancelled signals and call counts summed.
 */
export function mergeRunProblems(records: ReadonlyArray<IRunProblems>): IRunProblems {
  const merged = emptyRunProblems();
  for (const problems of records) {
    merged.getSignalCalls += problems.getSignalCalls;
    merged.getSignalFailures += problems.getSignalFailures;
    merged.cancelled.push(...problems.cancelled);
    for (const problem of problems.problems) {
      const same = merged.problems.find(
        (entry) =>
          entry.kind === problem.kind && entry.source === problem.source && entry.message === problem.message,
      );
      if (same === undefined) merged.problems.push({ ...problem });
      else {
        same.count += problem.count;
        same.firstAt = Math.min(same.firstAt, problem.firstAt);
      }
    }
  }
  return merged;
}
