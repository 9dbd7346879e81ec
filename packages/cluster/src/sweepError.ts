// Errors of single backtests in a serialisable form (they cross thread and machine boundaries).

import { BtError } from "@bt/core";
import type { ISweepError } from "./sweepTypes";

/** The name, message and BtError code of any thrown value. */
export function toSweepError(error: unknown): ISweepError {
  if (BtError.isInstance(error)) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}
