import type { IPersistAdapter } from "@bt/core";
import { createMemoryPersist, describePersistContract } from "@bt/persist-testkit";
import { describe, expect, it } from "vitest";

const stores = new WeakMap<IPersistAdapter, Map<string, string>>();
describePersistContract({
  name: "memory",
  create: () => {
    const records = new Map<string, string>();
    const adapter = createMemoryPersist({ records, onWarning: () => undefined });
    stores.set(adapter, records);
    return adapter;
  },
  capabilities: { atomicBatch: true },
  corrupt: async (adapter, entity, key) => void stores.get(adapter)?.set(`${entity}/${key}`, "{not json"),
});

describe("memory adapter", () => {
  it("a shared records Map survives dispose, which simulates a restart", async () => {
    const records = new Map<string, string>();
    const first = createMemoryPersist({ records });
    await first.write("signal", "open", { priceOpen: 100 });
    await first.dispose();
    await expect(first.read("signal", "open")).rejects.toThrow(/^memory: adapter is disposed/);
    const second = createMemoryPersist({ records });
    await second.waitForInit();
    expect(await second.read("signal", "open")).toEqual({ priceOpen: 100 });
    expect(await second.list("signal")).toEqual(["open"]);
    await second.dispose();
  });
});
