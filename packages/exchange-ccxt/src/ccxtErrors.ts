// Classification of ccxt errors: which are transient (retry), which mean "outcome unknown" for an
// order, which mean a duplicate client order id or a missing order. Uses ccxt's own class hierarchy.

import type { CcxtModule } from "./ccxtClient";

/** True for ccxt NetworkError and its subclasses: RequestTimeout, ExchangeNotAvailable, DDoSProtection, RateLimitExceeded, InvalidNonce. */
export function isTransientCcxtError(ccxt: CcxtModule, error: unknown): boolean {
  return error instanceof ccxt.NetworkError;
}

/**
 * True when a failed order call may still have reached the venue: network errors, timeouts, 5xx,
 * unreadable responses and anything that is not a ccxt error (never treated as a rejection).
 */
export function isUnknownOrderOutcome(ccxt: CcxtModule, error: unknown): boolean {
  if (error instanceof ccxt.NetworkError || error instanceof ccxt.OperationFailed) return true;
  return !(error instanceof ccxt.BaseError);
}

/** True when the venue refused an order because its client order id is already in use. */
export function isDuplicateOrderError(ccxt: CcxtModule, error: unknown): boolean {
  if (error instanceof ccxt.DuplicateOrderId) return true;
  // Binance answers {"code":-2010,"msg":"Duplicate order sent."}, which ccxt maps to InvalidOrder.
  return error instanceof ccxt.ExchangeError && /duplicate order/i.test(error.message);
}

/** True when the venue reports that no order matches the id asked for. */
export function isOrderNotFoundError(ccxt: CcxtModule, error: unknown): boolean {
  return error instanceof ccxt.OrderNotFound;
}

/** The ccxt class name of an error (e.g. "InsufficientFunds"), or "Error" for anything else. */
export function errorClassName(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}

/** The message of an error or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
