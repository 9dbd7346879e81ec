// The error thrown when context-dependent code runs outside a context. It is a structural BtError
// (code "CONTEXT", recognised by BtError.isInstance through the shared Symbol.for marker) because
// the layer rule keeps @bt/context free of runtime dependencies, @bt/core included.

const BT_ERROR_MARKER = Symbol.for("@bt/core/BtError");

/** An Error that @bt/core's `BtError.isInstance` recognises, with code "CONTEXT". */
export interface IContextError extends Error {
  readonly code: "CONTEXT";
  readonly field: string;
  readonly value: undefined;
  readonly adapter: undefined;
  readonly retryable: false;
}

/** Creates the "no ambient context" error naming what was asked for (`field`). */
export function createContextError(field: string, message: string): IContextError {
  const error = new Error(message) as Error & Record<string | symbol, unknown>;
  error.name = "BtError";
  error[BT_ERROR_MARKER] = true;
  error.code = "CONTEXT";
  error.field = field;
  error.value = undefined;
  error.adapter = undefined;
  error.retryable = false;
  return error as unknown as IContextError;
}
