// The logger contract the engine and adapters write to; users plug in their own with setLogger.

/** Structured logger; each method takes a message and optional details. */
export interface ILogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default until setLogger is called). */
export const SILENT_LOGGER: ILogger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
