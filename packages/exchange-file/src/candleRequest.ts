// The argument check every getCandles of this package makes (file exchange, candle cache): a valid
// `since` Date and an integer `limit` ≥ 0, with errors naming the adapter, field and value.

import { BtError, describeValue } from "@bt/core";

/**
 * The epoch ms of `since` once `since` and `limit` are valid; `label` starts the message, `adapter` names it.
 * @throws BtError VALIDATION naming the field and the value.
 */
export function candleRequestSinceMs(label: string, adapter: string, since: Date, limit: number): number {
  const sinceMs = since instanceof Date ? since.getTime() : Number.NaN;
  if (!Number.isFinite(sinceMs)) {
    throw new BtError("VALIDATION", `${label}: since must be a valid Date, got ${describeValue(since)}`, {
      field: "since",
      value: since,
      adapter,
    });
  }
  if (!Number.isInteger(limit) || limit < 0) {
    throw new BtError("VALIDATION", `${label}: limit must be an integer ≥ 0, got ${describeValue(limit)}`, {
      field: "limit",
      value: limit,
      adapter,
    });
  }
  return sinceMs;
}
