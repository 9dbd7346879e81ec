// What a run's problems look like on stderr: one header line per strategy with the getSignal counts,
// then one line per distinct error, validation rejection and risk rejection (count and first time; the
// engine counts validation rejections by their value-free reason), then the cancelled scheduled signals by reason; under --verbose each error line is followed by the
// stack of its first occurrence. Also the rule that a strategy "threw".

import { type IRunProblem, type IRunProblems, problemCount, type RunStatus } from "@bt/core";

const iso = (ms: number): string => new Date(ms).toISOString();

/** First non-empty line of an error message (what the engine counts problems under). */
export function firstMessageLine(message: string): string {
  return message.split("\n").find((line) => line.trim() !== "") ?? message;
}

/** True when the strategy threw while running: its run failed, or any problem of kind "error" was counted. */
export function strategyThrew(status: RunStatus, problems: IRunProblems): boolean {
  return status === "failed" || problemCount(problems, "error") > 0;
}

/** True when signals were proposed and every one was rejected (validation or risk) and nothing threw. */
export function everySignalRejected(tradeCount: number, problems: IRunProblems): boolean {
  return (
    tradeCount === 0 &&
    problemCount(problems, "error") === 0 &&
    problemCount(problems, "validation") + problemCount(problems, "risk") > 0
  );
}

// Maximum problem lines per strategy on stderr; the report's Problems section lists them all.
const MAX_PROBLEM_LINES = 20;

function problemLine(problem: IRunProblem): string {
  const where = problem.kind === "validation" ? "" : ` ${problem.source}`;
  return `  ${problem.kind}${where} ×${problem.count}, first ${iso(problem.firstAt)}: ${problem.message}`;
}

/**
 * The stderr lines of one strategy's problems ("" when there is nothing to report). `stacks` maps an
 * error's first message line to the stack of its first occurrence (printed indented under the line).
 * @example
 * problems: sma on BTCUSDT (failed): getSignal 480 calls, 480 failed
 *   error getSignal ×480, first 2025-01-01T00:05:00.000Z: no data
 */
export function renderProblemLines(
  label: string,
  status: RunStatus,
  problems: IRunProblems,
  stacks?: ReadonlyMap<string, string>,
): string {
  const nothing =
    problems.problems.length === 0 && problems.cancelled.length === 0 && problems.getSignalFailures === 0;
  if (nothing && status === "ok") return "";
  const lines = [
    `problems: ${label}${status === "failed" ? " (failed)" : ""}: getSignal ${problems.getSignalCalls} calls, ${problems.getSignalFailures} failed`,
  ];
  for (const problem of problems.problems.slice(0, MAX_PROBLEM_LINES)) {
    lines.push(problemLine(problem));
    const stack = problem.kind === "error" ? stacks?.get(problem.message) : undefined;
    if (stack !== undefined) lines.push(...stack.split("\n").map((line) => `      ${line}`));
  }
  if (problems.problems.length > MAX_PROBLEM_LINES) {
    lines.push(
      `  … ${problems.problems.length - MAX_PROBLEM_LINES} more kinds of problem: see the report's Problems section`,
    );
  }
  if (problems.cancelled.length > 0) {
    const byReason = new Map<string, number>();
    for (const signal of problems.cancelled)
      byReason.set(signal.reason, (byReason.get(signal.reason) ?? 0) + 1);
    const reasons = [...byReason].map(([reason, count]) => `${reason} ${count}`).join(", ");
    const first = problems.cancelled[0];
    lines.push(
      `  cancelled ×${problems.cancelled.length} scheduled signals (${reasons})${first === undefined ? "" : `, first ${iso(first.cancelledAt)}`}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
