// Finds records of the v1 layout (bt before persistence contract v2) of the live entities: documents of
// entity "signal" or "scheduled" in the collection bt wrote them to (the old default "bt_persist", or
// the configured collection). Contract v2 never reads them, so an open position there would be
// invisible to Live: the adapter refuses to start over them unless told to.

import { LEGACY_V1_SHOWN_RECORDS, legacyV1Error } from "@bt/core";
import type { Db } from "mongodb";

/** The collection bt wrote before contract v2 when no collection was configured. */
export const LEGACY_V1_DEFAULT_COLLECTION = "bt_persist";

/** Where to look: the v1 collection and whether it is shared with the v2 records. */
export interface ILegacyV1Target {
  collection: string;
  /**
   * True when the v2 adapter uses this very collection (a configured `collection`): then only documents
   * v2 never writes count (entity "signal"), since v1 and v2 "scheduled" documents look alike.
   */
  shared: boolean;
}

/**
 * One `find(…).limit(3)` on the (entity, key) index; only when it finds something, one count. Throws
 * when the collection holds v1 documents of the live entities; never touches them.
 * @throws BtError PERSIST naming the collection, the count, the first records and what to do.
 */
export async function refuseLegacyV1Documents(
  adapter: string,
  db: Db,
  target: ILegacyV1Target,
): Promise<void> {
  const entities = target.shared ? ["signal"] : ["signal", "scheduled"];
  const collection = db.collection<{ entity: string; key: unknown }>(target.collection);
  const filter = { entity: { $in: entities } };
  const first = await collection
    .find(filter)
    .sort({ entity: -1, key: 1 })
    .limit(LEGACY_V1_SHOWN_RECORDS)
    .toArray();
  if (first.length === 0) return;
  const count =
    first.length < LEGACY_V1_SHOWN_RECORDS ? first.length : await collection.countDocuments(filter);
  const records = first.map((document) => `${document.entity} ${JSON.stringify(document.key)}`);
  const where = `${db.databaseName}.${target.collection}`;
  throw legacyV1Error(
    adapter,
    where,
    count,
    records,
    `move the v1 documents (entity ${entities.map((entity) => JSON.stringify(entity)).join(", ")}) out of ${where}`,
  );
}
