import { BtError, type IPersistAdapterV2 } from "@bt/core";
import {
  createMemoryPersistV2,
  describePersistContractV2,
  memoryLeaseIdV2,
  memoryRecordIdV2,
} from "@bt/persist-testkit";
import { describe, expect, it } from "vitest";

const stores = new WeakMap<IPersistAdapterV2, Map<string, string>>();
describePersistContractV2({
  name: "memory",
  create: () => {
    const records = new Map<string, string>();
    const adapter = createMemoryPersistV2({ records, onWarning: () => undefined });
    stores.set(adapter, records);
    return adapter;
  },
  capabilities: { atomicBatch: true },
  corrupt: async (adapter, entity, key) =>
    void stores.get(adapter)?.set(memoryRecordIdV2(entity, key), "{not json"),
  reopen: (adapter) => createMemoryPersistV2({ records: stores.get(adapter), onWarning: () => undefined }),
});

describe("memory adapter v2", () => {
  it("a shared records Map survives dispose, which simulates a restart", async () => {
    const records = new Map<string, string>();
    const first = createMemoryPersistV2({ records });
    await first.write("position", "run-1/open", { priceOpen: 100 });
    await first.dispose();
    await expect(first.read("position", "run-1/open")).rejects.toThrow(/^memory: adapter is disposed/);
    const second = createMemoryPersistV2({ records });
    await second.waitForInit();
    expect(await second.read("position", "run-1/open")).toEqual({ priceOpen: 100 });
    expect(await second.list("position", "run-1/")).toEqual(["run-1/open"]);
    expect([...records.keys()]).toEqual(["position/run-1/open"]);
    await second.dispose();
  });

  it("a corrupted record is quarantined when listed, with a warning", async () => {
    const records = new Map<string, string>();
    const warnings: string[] = [];
    const persist = createMemoryPersistV2({ records, onWarning: (message) => warnings.push(message) });
    await persist.write("order", "a", 1);
    records.set(memoryRecordIdV2("order", "b"), "{torn");
    expect(await persist.list("order")).toEqual(["a"]);
    expect(persist.corruptions()).toMatchObject([{ entity: "order", key: "b" }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^memory: corrupted record order\/b/);
  });

  it("leases follow the injected clock: expiry at expiresAt exactly, takeover with a higher token", async () => {
    let clock = 1_000;
    const records = new Map<string, string>();
    const persist = createMemoryPersistV2({ records, now: () => clock });
    const first = await persist.acquireLease("run-1", "a", 500);
    expect(first).toEqual({
      acquired: true,
      grant: { key: "run-1", holder: "a", token: 1, expiresAt: 1_500 },
    });
    clock = 1_499;
    expect(await persist.acquireLease("run-1", "b", 500)).toEqual({
      acquired: false,
      holder: "a",
      expiresAt: 1_500,
    });
    if (!first.acquired) throw new Error("unreachable");
    await persist.write("position", "run-1/p", 1, first.grant);
    clock = 1_500;
    const refused = await persist
      .write("position", "run-1/p", 2, first.grant)
      .catch((error: unknown) => error);
    expect(BtError.isInstance(refused) && refused.code).toBe("LEASE");
    expect((refused as BtError).message).toMatch(
      /^memory: fenced write refused on lease "run-1": the lease expired at 1500/,
    );
    // Expired but not taken over: the holder may still renew (same token).
    expect(await persist.renewLease(first.grant, 100)).toMatchObject({ token: 1, expiresAt: 1_600 });
    clock = 1_600;
    const second = await persist.acquireLease("run-1", "b", 500);
    expect(second).toMatchObject({ acquired: true, grant: { holder: "b", token: 2, expiresAt: 2_100 } });
    await expect(persist.renewLease(first.grant, 100)).rejects.toThrow(
      /^memory: lease "run-1" cannot be renewed: it was taken over by "b" \(token 2, this grant has 1\)/,
    );
    expect(records.has(memoryRecordIdV2("lease", "run-1"))).toBe(false);
    expect(JSON.parse(records.get(memoryLeaseIdV2("run-1")) ?? "")).toEqual({
      holder: "b",
      token: 2,
      expiresAt: 2_100,
    });
    expect(await persist.read("position", "run-1/p")).toBe(1);
  });
});
