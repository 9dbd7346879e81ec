// The error of strategy generation: a provider failed (unreachable host, HTTP error, timeout), a peer
// package is missing, or no idea survived. Recognised across package copies through a Symbol.for marker.

/** What went wrong while generating strategies. */
export type OptimizerErrorCode = "PROVIDER" | "TIMEOUT" | "MISSING_DEPENDENCY" | "NO_STRATEGY" | "ABORTED";

/** Structured details of an OptimizerError; every field is optional. */
export interface OptimizerErrorDetails {
  /** The optimizer being run. */
  optimizerName?: string;
  /** The provider kind, e.g. "ollama" or "openai". */
  provider?: string;
  /** The offending field, e.g. "provider.host". */
  field?: string;
  /** The offending value, as received. */
  value?: unknown;
  /** The underlying error. */
  cause?: unknown;
}

const OPTIMIZER_ERROR_MARKER = Symbol.for("@bt/optimizer/OptimizerError");

/** Error of a failed generation; check with `OptimizerError.isInstance(error)`. */
export class OptimizerError extends Error {
  readonly [OPTIMIZER_ERROR_MARKER] = true;
  readonly code: OptimizerErrorCode;
  readonly optimizerName: string | undefined;
  readonly provider: string | undefined;
  readonly field: string | undefined;
  readonly value: unknown;

  constructor(code: OptimizerErrorCode, message: string, details: OptimizerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "OptimizerError";
    this.code = code;
    this.optimizerName = details.optimizerName;
    this.provider = details.provider;
    this.field = details.field;
    this.value = details.value;
  }

  /** True for any OptimizerError, including one created by another copy of @bt/optimizer. */
  static isInstance(error: unknown): error is OptimizerError {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as Record<symbol, unknown>)[OPTIMIZER_ERROR_MARKER] === true
    );
  }
}
