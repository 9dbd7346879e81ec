// What a run of backtest, walker or sweep produced before anything is printed: its JSON record, its
// report, the terminal text and the problems, and whether (and why) it failed. The commands print an
// outcome; `bt mcp` returns the same outcome as a tool result, so both share one run path.

import { EXIT_FAILURE, EXIT_OK } from "./cliError";
import type { ITextSink } from "./cliIo";

/** Why a run counts as failed. */
export type RunFailure =
  /** Strategies threw while running (or backtests failed): the record is complete, the exit code is 1. */
  | { kind: "threw"; message: string }
  /** The run itself failed after a record existed (data, exchange, persistence): rethrown after printing. */
  | { kind: "error"; error: unknown };

/** The result of one run, ready to print (a command) or to return (an MCP tool). */
export interface IRunOutcome<TRecord> {
  /** The JSON record: what --json prints. */
  record: TRecord;
  /** The report: markdown for backtest and walker, the ranking text for sweep. */
  report: string;
  /** What the command prints on stdout without --json (the report, then the summary). */
  text: string;
  /** The problem lines and warnings the command prints on stderr ("" when none). */
  problemText: string;
  /** Why the run failed, or null when it succeeded. */
  failure: RunFailure | null;
}

/**
 * Prints an outcome as a command does (the JSON record or the text on stdout, the problems on stderr)
 * and returns the exit code: 0 ok, 1 when strategies threw.
 * @throws the run's own error (kind "error") after printing what it produced.
 */
export function printRunOutcome<TRecord>(
  outcome: IRunOutcome<TRecord>,
  json: boolean,
  io: { stdout: ITextSink; stderr: ITextSink },
): number {
  if (json) io.stdout.write(`${JSON.stringify(outcome.record)}\n`);
  else io.stdout.write(outcome.text);
  io.stderr.write(outcome.problemText);
  if (outcome.failure === null) return EXIT_OK;
  if (outcome.failure.kind === "error") throw outcome.failure.error;
  io.stderr.write(`${outcome.failure.message}\n`);
  return EXIT_FAILURE;
}
