// The one guard between the input and the page: every number the report embeds or prints is finite,
// and a NaN or an Infinity is a VALIDATION error naming the exact input field, never a silent "NaN".

import { BtError, describeValue } from "@bt/core";

/** The value when it is a finite number. @throws BtError VALIDATION naming `field` otherwise. */
export function checkedNumber(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new BtError(
      "VALIDATION",
      `report-html: ${field} must be a finite number, got ${describeValue(value)}`,
      { field, value },
    );
  }
  return value;
}

/** null stays null; anything else must be finite. @throws BtError VALIDATION naming `field`. */
export function checkedNullableNumber(value: unknown, field: string): number | null {
  return value === null ? null : checkedNumber(value, field);
}

/** A VALIDATION error of the report naming the field. */
export function reportInputError(field: string, message: string, value?: unknown): BtError {
  return new BtError("VALIDATION", `report-html: ${field} ${message}`, { field, value });
}
