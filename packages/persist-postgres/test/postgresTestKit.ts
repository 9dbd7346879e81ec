// Shared helpers of the PostgreSQL tests: a schema unique to each test file, dropped (CASCADE) at the
// end, so tests never touch shared tables.

import pg from "pg";

/** The server the tests use: BT_PG_URL, or the local trust-auth server's `test` database. */
export const PG_URL = process.env.BT_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema name no other test file or run shares. */
export function uniqueSchema(label: string): string {
  return `bt_test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs one statement on a short-lived connection. */
export async function runSql<Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL} (CI starts it with .ci/run): ${(error as Error).message}`,
    );
  }
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops the test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await runSql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
