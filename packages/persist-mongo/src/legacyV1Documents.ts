// Finds records of the v1 layout (bt before persistence contract v2) of the live entities: documents of
// entity "signal" or "scheduled" in the collection bt wrote them to (the old default "bt_persist", or
// the configured collection). Contract v2 never reads them, so an open position there would be
// invisible to Live: the adapter refuses to start over them unless told to.

import { BtError } from "@bt/core";
import type { Db } from "mongodb";

/** What to do when v1 records of the live entities are found: refuse to start (default) or ignore them. */
export type LegacyV1Policy = "refuse" | "ignore";

/** The collection bt wrote before contract v2 when no collection was configured. */
export const LEGACY_V1_DEFAULT_COLLECTION = "bt_persist";
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
  const first = await collection.find(filter).sort({ entity: -1, key: 1 }).limit(SHOWN_RECORDS).toArray();
  if (first.length === 0) return;
  const count = first.length < SHOWN_RECORDS ? first.length : await collection.countDocuments(filter);
  const records = first.map((document) => `${document.entity} ${JSON.stringify(document.key)}`);
  const shown = records.join(", ") + (count > records.length ? ", …" : "");
  const where = `${db.databaseName}.${target.collection}`;
  throw new BtError(
    "PERSIST",
    `${adapter}: ${where} holds ${count} ${count === 1 ? "record" : "records"} of persistence contract v1 (written by bt before contract v2: ${shown}); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 documents (entity ${entities.map((entity) => JSON.stringify(entity)).join(", ")}) out of ${where} once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    { adapter, field: "legacyV1", value: { count, records } },
  );
}
