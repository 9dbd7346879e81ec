// CliError: a failure the CLI reports as one line plus a hint, with its exit code (2 for bad input,
// 1 for runtime failures). Anything else thrown is a runtime failure (exit 1).

/** Exit code of a successful command. */
export const EXIT_OK = 0;
/** Exit code of a runtime failure (data, network, a strategy that throws while running). */
export const EXIT_FAILURE = 1;
/** Exit code of bad input (arguments, files, dates, unknown names). */
export const EXIT_BAD_INPUT = 2;

/** An error the CLI prints as one line, a hint line, and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_BAD_INPUT;
  }
}

/** A bad-input CliError (exit 2). */
export function badInput(message: string, hint?: string, cause?: unknown): CliError {
  return new CliError(message, { hint, exitCode: EXIT_BAD_INPUT, cause });
}
