// The "Problems" section of a report: what went wrong in a run, counted (strategy errors, validation
// and risk rejections, cancelled scheduled signals, getSignal failures), so a run that quietly failed
// never reads like a clean one.

import { CANCEL_REASONS, type IRunProblem, type IRunProblems } from "@bt/core";
import { formatCount, formatMinutes, formatPercent, formatTime } from "./formatValue";
import { checkMaxRows, markdownTable } from "./markdownTable";

/** Default number of cancelled signals listed one by one in the Problems section. */
export const DEFAULT_PROBLEM_ROWS = 20;

/** Options of renderProblems. */
export interface IProblemsOptions {
  /** Cancelled signals (and distinct problems per table) listed one by one (non-negative integer); default 20. */
  maxRows?: number;
  /** Heading level of the section, 2 ("## Problems", default) or 3. */
  headingLevel?: 2 | 3;
}

/** True when the record holds nothing to report: no problem, no cancellation, no getSignal failure. */
export function hasNoProblems(problems: IRunProblems): boolean {
  return (
    problems.problems.length === 0 && problems.cancelled.length === 0 && problems.getSignalFailures === 0
  );
}

function problemTable(
  list: ReadonlyArray<IRunProblem>,
  sourceHeader: string | null,
  messageHeader: string,
  maxRows: number,
): string {
  return markdownTable(
    [
      ...(sourceHeader === null ? [] : [{ header: sourceHeader }]),
      { header: messageHeader },
      { header: "Count", align: "right" as const },
      { header: "First (UTC)" },
    ],
    list.map((problem) => [
      ...(sourceHeader === null ? [] : [problem.source]),
      problem.message,
      formatCount(problem.count),
      formatTime(problem.firstAt),
    ]),
    maxRows,
  );
}

/**
 * Renders the Problems section of a run: getSignal calls and failures, then tables of errors (source,
 * message, count, first time in ISO 8601 UTC), validation rejections by reason, risk rejections by risk
 * name and reason, refused position commands by command and reason, and cancelled scheduled signals
 * (counts by reason, then the first `maxRows`); says "No problems." when there is nothing to report.
 * @throws BtError VALIDATION for a bad maxRows.
 * @example
 * const markdown = renderProblems(engine.Backtest.getProblems(symbol, strategyName));
 */
export function renderProblems(problems: IRunProblems, options: IProblemsOptions = {}): string {
  const maxRows = checkMaxRows(options.maxRows ?? DEFAULT_PROBLEM_ROWS);
  const heading = "#".repeat(options.headingLevel ?? 2);
  const sub = `${heading}#`;
  const lines = [`${heading} Problems`, ""];
  if (problems.getSignalCalls > 0 || problems.getSignalFailures > 0) {
    const share =
      problems.getSignalCalls > 0
        ? ` (${formatPercent((problems.getSignalFailures / problems.getSignalCalls) * 100)})`
        : "";
    lines.push(
      `getSignal: ${formatCount(problems.getSignalCalls)} calls, ${formatCount(problems.getSignalFailures)} failed${share}.`,
      "",
    );
  }
  if (hasNoProblems(problems)) {
    lines.push("No problems.");
    return lines.join("\n");
  }
  const errors = problems.problems.filter((problem) => problem.kind === "error");
  const validation = problems.problems.filter((problem) => problem.kind === "validation");
  const risk = problems.problems.filter((problem) => problem.kind === "risk");
  const commands = problems.problems.filter((problem) => problem.kind === "command");
  if (errors.length > 0) {
    lines.push(`${sub} Errors`, "", problemTable(errors, "Source", "Message", maxRows), "");
  }
  if (validation.length > 0) {
    lines.push(`${sub} Validation rejections`, "", problemTable(validation, null, "Reason", maxRows), "");
  }
  if (risk.length > 0) {
    lines.push(`${sub} Risk rejections`, "", problemTable(risk, "Risk", "Reason", maxRows), "");
  }
  if (commands.length > 0) {
    lines.push(
      `${sub} Refused position commands`,
      "",
      problemTable(commands, "Command", "Reason", maxRows),
      "",
    );
  }
  if (problems.cancelled.length > 0) {
    const byReason = CANCEL_REASONS.map(
      (reason) => [reason, problems.cancelled.filter((signal) => signal.reason === reason).length] as const,
    ).filter(([, count]) => count > 0);
    lines.push(
      `${sub} Cancelled scheduled signals`,
      "",
      markdownTable(
        [{ header: "Reason" }, { header: "Count", align: "right" }],
        byReason.map(([reason, count]) => [reason, formatCount(count)]),
      ),
      "",
      markdownTable(
        [
          { header: "Signal" },
          { header: "Reason" },
          { header: "Scheduled (UTC)" },
          { header: "Cancelled (UTC)" },
          { header: "Waited", align: "right" },
        ],
        problems.cancelled.map((signal) => [
          signal.signalId,
          signal.reason,
          formatTime(signal.scheduledAt),
          formatTime(signal.cancelledAt),
          formatMinutes((signal.cancelledAt - signal.scheduledAt) / 60_000),
        ]),
        maxRows,
      ),
      "",
    );
  }
  return lines.join("\n").trimEnd();
}
