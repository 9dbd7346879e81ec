// Retry with exponential backoff for calls whose failure may be transient (network, rate limits).
// The caller decides which errors are worth retrying; everything else is rethrown at once.

/** How often and how patiently to retry a transient failure. */
export interface RetryOptions {
  /** Extra attempts after the first one (>= 0). */
  retries: number;
  /** Delay before the first retry in ms; doubles on every further retry. */
  backoffMs: number;
  /** True when `error` is transient and the call may be repeated. */
  shouldRetry(error: unknown): boolean;
  /** Called before each retry with the 1-based retry number and the delay in ms. */
  onRetry?(error: unknown, retry: number, delayMs: number): void;
}

/** Resolves after `delayMs` milliseconds (immediately for 0). */
function sleep(delayMs: number): Promise<void> {
  if (delayMs <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}

/**
 * Runs `operation(attempt)` (attempt 0, 1, …) until it succeeds, retrying transient failures with
 * backoff `backoffMs · 2^(retry−1)`; the last error is rethrown when the retries are spent.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retries = Math.max(0, Math.floor(options.retries));
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= retries || !options.shouldRetry(error)) throw error;
      const delayMs = Math.max(0, options.backoffMs) * 2 ** attempt;
      options.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs);
    }
  }
}
