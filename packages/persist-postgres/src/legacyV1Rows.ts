// Finds records of the v1 layout (bt before persistence contract v2) of the live entities: rows of
// entity 'signal' or 'scheduled' in the table bt wrote them to (the old default "bt_persist", or the
// configured table). Contract v2 never reads them, so an open position there would be invisible to Live:
// the adapter refuses to start over them unless told to.

import { BtError } from "@bt/core";
import type pg from "pg";

/** What to do when v1 records of the live entities are found: refuse to start (default) or ignore them. */
export type LegacyV1Policy = "refuse" | "ignore";

/** The table bt wrote before contract v2 when no table was configured. */
export const LEGACY_V1_DEFAULT_TABLE = "bt_persist";
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

/** Where to look: the v1 table and whether it is shared with the v2 records. */
export interface ILegacyV1Target {
  /** The quoted, schema-qualified table name. */
  qualified: string;
  /**
   * True when the v2 adapter uses this very table (a configured `table`): then only rows v2 never
   * writes count ('signal'), plus 'scheduled' rows when the table has the v1 shape (its key column is
   * not COLLATE "C", so bt before contract v2 created it).
   */
  shared: boolean;
}

/**
 * One catalog query (does the table exist, with bt's columns, in which shape) and, when it does, one
 * `SELECT … LIMIT`. Throws when it holds v1 rows of the live entities; never touches them.
 * @throws BtError PERSIST naming the table, the count, the first records and what to do.
 */
export async function refuseLegacyV1Rows(
  adapter: string,
  pool: pg.Pool,
  target: ILegacyV1Target,
): Promise<void> {
  const [shape] = (
    await pool.query<{ has_entity: boolean | null; key_collation: string | null }>(
      `SELECT bool_or(a.attname = 'entity') AS has_entity,
        max(CASE WHEN a.attname = 'key' THEN c.collname END) AS key_collation
      FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [target.qualified],
    )
  ).rows;
  // No such table, or not one of bt's: nothing v1 wrote.
  if (shape?.has_entity !== true || shape.key_collation === null) return;
  const entities = !target.shared || shape.key_collation !== "C" ? ["signal", "scheduled"] : ["signal"];
  const rows = (
    await pool.query<{ entity: string; key: string; total: string }>(
      `SELECT entity, key, count(*) OVER () AS total FROM ${target.qualified}
      WHERE entity = ANY($1::text[]) ORDER BY entity DESC, key COLLATE "C" LIMIT ${SHOWN_RECORDS}`,
      [entities],
    )
  ).rows;
  const count = rows[0] === undefined ? 0 : Number(rows[0].total);
  if (count === 0) return;
  const records = rows.map((row) => `${row.entity} ${JSON.stringify(row.key)}`);
  const shown = records.join(", ") + (count > records.length ? ", …" : "");
  throw new BtError(
    "PERSIST",
    `${adapter}: ${target.qualified} holds ${count} ${count === 1 ? "record" : "records"} of persistence contract v1 (written by bt before contract v2: ${shown}); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 rows (entity ${entities.map((entity) => `'${entity}'`).join(", ")}) out of ${target.qualified} once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    { adapter, field: "legacyV1", value: { count, records } },
  );
}
