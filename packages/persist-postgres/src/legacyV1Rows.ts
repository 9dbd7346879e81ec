// Finds records of the v1 layout (bt before persistence contract v2) of the live entities: rows of
// entity 'signal' or 'scheduled' in the table bt wrote them to (the old default "bt_persist", or the
// configured table). Contract v2 never reads them, so an open position there would be invisible to Live:
// the adapter refuses to start over them unless told to.

import { LEGACY_V1_SHOWN_RECORDS, legacyV1Error } from "@bt/core";
import type pg from "pg";

/** The table bt wrote before contract v2 when no table was configured. */
export const LEGACY_V1_DEFAULT_TABLE = "bt_persist";

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
      WHERE entity = ANY($1::text[]) ORDER BY entity DESC, key COLLATE "C" LIMIT ${LEGACY_V1_SHOWN_RECORDS}`,
      [entities],
    )
  ).rows;
  const count = rows[0] === undefined ? 0 : Number(rows[0].total);
  if (count === 0) return;
  const records = rows.map((row) => `${row.entity} ${JSON.stringify(row.key)}`);
  throw legacyV1Error(
    adapter,
    target.qualified,
    count,
    records,
    `move the v1 rows (entity ${entities.map((entity) => `'${entity}'`).join(", ")}) out of ${target.qualified}`,
  );
}
