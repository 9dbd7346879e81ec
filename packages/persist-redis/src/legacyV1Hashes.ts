// Finds records of the v1 layout (bt before persistence contract v2) of the live entities under a key
// prefix: the hashes `<keyPrefix>:signal` and `<keyPrefix>:scheduled`. Contract v2 never reads them, so
// an open position there would be invisible to Live: the adapter refuses to start over them unless told to.

import { legacyV1Error } from "@bt/core";
import type { Redis } from "ioredis";

/** The v1 entities that held live state (an open position, a scheduled signal). */
const LIVE_V1_ENTITIES = ["signal", "scheduled"] as const;

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
  throw legacyV1Error(
    adapter,
    `keyPrefix ${JSON.stringify(keyPrefix)}`,
    count,
    records,
    `rename or delete the v1 hashes (${hashes.join(", ")})`,
  );
}
