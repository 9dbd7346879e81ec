// The one error class of bt: a machine-readable code, a structured payload (field, value, adapter) and a cause.
// Recognised across duplicate package copies through a Symbol.for marker, never through `instanceof`.

/** Closed set of error categories; adapters and the engine pick the closest one. */
export type BtErrorCode =
  | "VALIDATION"
  | "CONFIG"
  | "SCHEMA"
  | "LOOK_AHEAD"
  | "CONTEXT"
  | "CANDLES"
  | "EXCHANGE"
  | "BROKER"
  | "PERSIST"
  | "LEASE"
  | "TIMEOUT"
  | "STATE";

/** Structured details attached to a BtError; every field is optional. */
export interface BtErrorDetails {
  /** The offending field, e.g. "priceTakeProfit" or "CC_PERCENT_FEE". */
  field?: string;
  /** The offending value, as received. */
  value?: unknown;
  /** Name of the adapter that raised the error, e.g. "redis". */
  adapter?: string;
  /** Whether retrying the same operation may succeed (network errors, rate limits, unknown outcomes). */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
}

const BT_ERROR_MARKER = Symbol.for("@bt/core/BtError");

/** Base error of every bt package; check with `BtError.isInstance(error)`. */
export class BtError extends Error {
  readonly [BT_ERROR_MARKER] = true;
  readonly code: BtErrorCode;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly adapter: string | undefined;
  readonly retryable: boolean;

  constructor(code: BtErrorCode, message: string, details: BtErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "BtError";
    this.code = code;
    this.field = details.field;
    this.value = details.value;
    this.adapter = details.adapter;
    this.retryable = details.retryable ?? false;
  }

  /** True for any BtError, including one created by another copy of @bt/core. */
  static isInstance(error: unknown): error is BtError {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as Record<symbol, unknown>)[BT_ERROR_MARKER] === true
    );
  }
}

/** Renders a value for an error message: strings quoted, numbers as-is (NaN, Infinity visible). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
