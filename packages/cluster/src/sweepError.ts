// Errors of single backtests in a serialisable form (they cross thread and machine boundaries).

import { BtError, type IRunProblems } from "@bt/core";
import type { ISweepError } from "./sweepTypes";

/** The name, message and BtError code of any thrown value. */
export function toSweepError(error: unknown): ISweepError {
  if (BtError.isInstance(error)) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** The error of a run that completed but whose every getSignal call threw (its first error named). */
export function failedRunError(problems: IRunProblems): ISweepError {
  const first = problems.problems.find(
    (problem) => problem.kind === "error" && problem.source === "getSignal",
  );
  return {
    name: "StrategyFailed",
    message: `every getSignal call failed (${problems.getSignalFailures} of ${problems.getSignalCalls})${first === undefined ? "" : `: ${first.message}`}`,
    code: "STRATEGY",
  };
}
