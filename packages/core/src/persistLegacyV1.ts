// What a contract v2 adapter does when it finds live records that bt wrote before contract v2 in the
// same place (an open position there would be invisible to Live): the policy, its check and the one
// error every adapter throws, so the four adapters say it the same way.

import { BtError } from "./btError";

/** What to do when v1 records of the live entities are found: refuse to start (default) or ignore them. */
export type LegacyV1Policy = "refuse" | "ignore";

/** How many record names the legacy error shows. */
export const LEGACY_V1_SHOWN_RECORDS = 3;

/**
 * Throws unless `policy` is a LegacyV1Policy (or undefined: the default "refuse").
 * @throws BtError PERSIST naming the adapter, the field legacyV1 and the value.
 */
export function assertLegacyV1Policy(
  adapter: string,
  policy: unknown,
): asserts policy is LegacyV1Policy | undefined {
  if (policy === undefined || policy === "refuse" || policy === "ignore") return;
  throw new BtError(
    "PERSIST",
    `${adapter}: legacyV1 must be "refuse" or "ignore", got ${JSON.stringify(policy)}`,
    { adapter, field: "legacyV1", value: policy },
  );
}

/**
 * The error of a store holding `count` v1 live records in `place` (the first ones named in `records`);
 * `remedy` says how to move them out of the way, e.g. "move the v1 folders away (signal/, scheduled/)".
 */
export function legacyV1Error(
  adapter: string,
  place: string,
  count: number,
  records: ReadonlyArray<string>,
  remedy: string,
): BtError {
  const first = records.slice(0, LEGACY_V1_SHOWN_RECORDS);
  const shown = first.join(", ") + (count > first.length ? ", …" : "");
  return new BtError(
    "PERSIST",
    `${adapter}: ${place} holds ${count} ${count === 1 ? "record" : "records"} of persistence contract v1 (written by bt before contract v2: ${shown}); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or ${remedy} once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    { adapter, field: "legacyV1", value: { count, records: first } },
  );
}
