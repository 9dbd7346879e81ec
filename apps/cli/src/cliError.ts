// CliError: a failure the CLI reports as one line plus a hint (and optional detail lines such as a code
// frame), with its exit code (2 for bad input, 1 for runtime failures). Anything else thrown is a
// runtime failure (exit 1) unless cliFailure.ts classifies it.

/** Exit code of a successful command. */
export const EXIT_OK = 0;
/** Exit code of a runtime failure (network, a strategy that throws while running, a failed write). */
export const EXIT_FAILURE = 1;
/** Exit code of bad input (arguments, files, dates, unknown names, bad candle data). */
export const EXIT_BAD_INPUT = 2;

/** An error the CLI prints as one line, a hint, optional detail lines, and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** Lines printed under the message as they are (e.g. a code frame), or undefined. */
  readonly detail: string | undefined;

  constructor(
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown; detail?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_BAD_INPUT;
    this.detail = options.detail;
  }
}

/** A bad-input CliError (exit 2). */
export function badInput(message: string, hint?: string, cause?: unknown): CliError {
  return new CliError(message, { hint, exitCode: EXIT_BAD_INPUT, cause });
}
