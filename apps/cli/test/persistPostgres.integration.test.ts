// `bt backtest --persist postgres` against the real PostgreSQL server (BT_PG_URL, default the local
// trust-auth server's `test` database), in a schema of its own (BT_PG_SCHEMA) dropped at the end.

import { createRequire } from "node:module";
import { readLiveState } from "@bt/engine";
import { createPostgresPersist } from "@bt/persist-postgres";
import { describe, expect, it } from "vitest";
import { runBt, SMA_STRATEGY } from "./builtCli";

const PG_URL = process.env.BT_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface IPgClient {
  connect(): Promise<void>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}

// pg is @bt/persist-postgres's dependency, not the CLI's: taken from there to drop the test schema.
const pg = createRequire(new URL("../../../packages/persist-postgres/package.json", import.meta.url))(
  "pg",
) as {
  Client: new (options: { connectionString: string }) => IPgClient;
};

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

describe("--persist postgres (real server)", () => {
  it("records the backtest in the schema of BT_PG_SCHEMA on BT_PG_URL: backtest state = the record", async () => {
    const schema = `bt_cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    try {
      const run = runBt(
        [
          "backtest",
          SMA_STRATEGY,
          "--persist",
          "postgres",
          "--json",
          "--from",
          "2025-01-10",
          "--to",
          "2025-01-14",
        ],
        { env: { BT_PG_URL: PG_URL, BT_PG_SCHEMA: schema } },
      );
      expect(run.stderr).not.toMatch(/bt backtest:/);
      expect(run.status).toBe(0);
      const record = JSON.parse(run.stdout);
      expect(record.closed.length).toBeGreaterThan(0);
      const persist = createPostgresPersist({ connectionString: PG_URL, schema });
      try {
        await persist.waitForInit();
        const backtest = await readLiveState(persist, "BTCUSDT", "sma-crossover", "file", "backtest");
        expect(backtest.closed).toEqual(record.closed);
        const live = await readLiveState(persist, "BTCUSDT", "sma-crossover", "file", "live");
        expect(live.closed).toEqual([]);
      } finally {
        await persist.dispose();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it("an unreachable server is a runtime failure whose hint names --persist postgres and BT_PG_URL", () => {
    const run = runBt(
      ["backtest", SMA_STRATEGY, "--persist", "postgres", "--from", "2025-01-10", "--to", "2025-01-11"],
      {
        env: { BT_PG_URL: "postgres://postgres@127.0.0.1:9/none" },
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/hint: check --persist postgres \(BT_PG_URL\)/);
  });
});
