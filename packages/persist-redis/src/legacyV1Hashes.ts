// Finds records of the v1 layout (bt before persistence contract v2) of the live entities under a key
// prefix: the hashes `<keyPrefix>:signal` and `<keyPrefix>:scheduled`. Contract v2 never reads them, so
// an open position there would be invisible to Live: the adapter refuses to start over them unless told to.

import { BtError } from "@bt/core";
import type { Redis } from "ioredis";

/** What to do when v1 records of the live entities are found: refuse to start (default) or ignore them. */
export type LegacyV1Policy = "refuse" | "ignore";

/** The v1 entities that held live state (an open position, a scheduled signal). */
const LIVE_V1_ENTITIES = ["signal", "scheduled"] as const;
/** How many record names the error message shows. */
const SHOWN_RECORDS = 3;

/** Throws unless `policy` is a LegacyV1Policy (or undefined: the default "refuse"). */
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
 * One EXISTS over the v1 hashes; only when one exists, its size (HLEN) and a few field names (one
 * HSCAN step). Throws when they hold records; never touches them.
 * @throws BtError PERSIST naming the prefix, the count, the first records and what to do.
 */
export async function refuseLegacyV1Hashes(adapter: string, client: Redis, keyPrefix: string): Promise<void> {
  const hashes = LIVE_V1_ENTITIES.map((entity) => `${keyPrefix}:${entity}`);
  if ((await client.exists(...hashes)) === 0) return;
  let count = 0;
  const records: string[] = [];
  for (const hash of hashes) {
    // v1 only ever wrote hashes there; a key of another type is not a v1 record store.
    if ((await client.type(hash)) !== "hash") continue;
    count += await client.hlen(hash);
    const [, entries] = await client.hscan(hash, "0", "COUNT", 16);
    const fields = entries.filter((_, index) => index % 2 === 0).sort();
    records.push(...fields.map((field) => `${hash} field ${JSON.stringify(field)}`));
  }
  if (count === 0) return;
  const shown = records.slice(0, SHOWN_RECORDS).join(", ") + (count > SHOWN_RECORDS ? ", …" : "");
  throw new BtError(
    "PERSIST",
    `${adapter}: keyPrefix ${JSON.stringify(keyPrefix)} holds ${count} ${count === 1 ? "record" : "records"} of persistence contract v1 (written by bt before contract v2: ${shown}); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or rename or delete the v1 hashes (${hashes.join(", ")}) once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    { adapter, field: "legacyV1", value: { count, records: records.slice(0, SHOWN_RECORDS) } },
  );
}
