import type { IPersistAdapterV2 } from "@bt/core";
import { createMemoryPersistV2, describePersistContractV2, memoryRecordIdV2 } from "@bt/persist-testkit";
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
});
