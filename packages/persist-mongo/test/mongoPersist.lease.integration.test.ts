import { createMongoPersist } from "@bt/persist-mongo";
import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { MONGO_SERVER, MONGO_SKIP_REASON, MONGO_URL, uniqueDbName } from "./mongoTestKit";

const dbName = uniqueDbName("lease");

describe.skipIf(MONGO_SKIP_REASON !== "")(`mongo adapter leases against ${MONGO_SERVER}`, () => {
  it("a lease is a document of <collection>_leases; a fenced write touches it (fencedAt)", async () => {
    let clock = 1_000_000;
    const persist = createMongoPersist({ url: MONGO_URL, dbName, collection: "layout", now: () => clock });
    const client = await new MongoClient(MONGO_URL).connect();
    try {
      const result = await persist.acquireLease("run-1/BTCUSDT", "host:1:a", 500);
      expect(result).toEqual({
        acquired: true,
        grant: { key: "run-1/BTCUSDT", holder: "host:1:a", token: 1, expiresAt: 1_000_500 },
      });
      if (!result.acquired) throw new Error("expected the lease");
      clock = 1_000_100;
      await persist.write("position", "run-1/p", 1, result.grant);
      const leases = client.db(dbName).collection("layout_leases");
      const document = await leases.findOne({ key: "run-1/BTCUSDT" });
      expect(document).toMatchObject({
        holder: "host:1:a",
        token: 1,
        expiresAt: 1_000_500,
        fencedAt: 1_000_100,
      });
      expect(await persist.list("lease")).toEqual([]);
      // The injected clock decides expiry: at expiresAt exactly the fence is refused and a takeover allowed.
      clock = 1_000_500;
      await expect(persist.write("position", "run-1/p", 2, result.grant)).rejects.toMatchObject({
        code: "LEASE",
      });
      expect(await persist.acquireLease("run-1/BTCUSDT", "host:2:b", 500)).toMatchObject({
        acquired: true,
        grant: { holder: "host:2:b", token: 2, expiresAt: 1_001_000 },
      });
      expect(await persist.read("position", "run-1/p")).toBe(1);
    } finally {
      await client.close();
      await persist.dispose();
    }
  });
});
