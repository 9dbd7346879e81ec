import { createPostgresPersist } from "@bt/persist-postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, PG_URL, runSql, uniqueSchema } from "./postgresTestKit";

const schema = uniqueSchema("lease");
afterAll(() => dropSchema(schema));

describe("postgres adapter leases", () => {
  it("a lease is a row of <table>_leases on the database clock", async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "layout" });
    try {
      const [{ now }] = (await runSql<{ now: string }>(
        "SELECT floor(extract(epoch from clock_timestamp()) * 1000)::bigint AS now",
      )) as [{ now: string }];
      const result = await persist.acquireLease("run-1/BTCUSDT", "host:1:a", 30_000);
      if (!result.acquired) throw new Error("expected the lease");
      expect(Math.abs(result.grant.expiresAt - (Number(now) + 30_000))).toBeLessThan(5_000);
      expect(await runSql(`SELECT key, holder, token, expires_at FROM "${schema}".layout_leases`)).toEqual([
        { key: "run-1/BTCUSDT", holder: "host:1:a", token: "1", expires_at: String(result.grant.expiresAt) },
      ]);
      expect(await persist.list("lease")).toEqual([]);
    } finally {
      await persist.dispose();
    }
  });

  it("a takeover waits for a transaction holding the lease row (what a fenced write does) to commit", async () => {
    const persist = createPostgresPersist({ connectionString: PG_URL, schema, table: "locked" });
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const first = await persist.acquireLease("run", "old", 50);
      if (!first.acquired) throw new Error("expected the lease");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.query("BEGIN");
      await client.query(`SELECT * FROM "${schema}".locked_leases WHERE key = 'run' FOR UPDATE`);
      let settled = false;
      const takeover = persist.acquireLease("run", "new", 30_000).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await client.query("COMMIT");
      expect(await takeover).toMatchObject({ acquired: true, grant: { holder: "new", token: 2 } });
    } finally {
      await client.end();
      await persist.dispose();
    }
  });
});
