// Dates given on the command line: YYYY-MM-DD (UTC midnight) or any ISO 8601 time (UTC when it carries
// no zone). Anything else is bad input.

import { badInput } from "./cliError";

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a command-line date to epoch ms; a time without a zone is UTC.
 * @throws CliError (exit 2) naming the option when the text is not a valid date.
 */
export function parseDate(option: string, text: string): number {
  const trimmed = text.trim();
  let normalized: string | null = null;
  if (DAY_ONLY.test(trimmed)) normalized = `${trimmed}T00:00:00Z`;
  else if (ISO_TIME.test(trimmed)) {
    const withT = trimmed.replace(" ", "T");
    normalized = /(Z|[+-]\d{2}:?\d{2})$/.test(withT) ? withT : `${withT}Z`;
  }
  const ms = normalized === null ? Number.NaN : Date.parse(normalized);
  // Date.parse rolls 2025-02-30 over to March: reject dates that do not round-trip.
  const dayPart = trimmed.slice(0, 10);
  if (
    !Number.isFinite(ms) ||
    (normalized?.endsWith("Z") && new Date(ms).toISOString().slice(0, 10) !== dayPart)
  ) {
    throw badInput(
      `bad ${option} date ${JSON.stringify(text)}`,
      "use YYYY-MM-DD (UTC) or an ISO 8601 time such as 2025-01-01T12:00Z",
    );
  }
  return ms;
}
