import { BtError, type IPersistAdapterV2 } from "@bt/core";
import {
  createMemoryPersistV2,
  describePersistContractV2,
  type IFaultyPersistV2,
  memoryRecordIdV2,
  withPersistFaults,
} from "@bt/persist-testkit";
import { describe, expect, it } from "vitest";

// With no fault configured the wrapper is a faithful adapter: it passes the whole v2 suite, atomic or not,
// with its own simulated corruption and with a corruption of the real backing store.
const atomicStores = new WeakMap<IPersistAdapterV2, Map<string, string>>();
describePersistContractV2({
  name: "withPersistFaults(memory)",
  create: () => {
    const records = new Map<string, string>();
    const adapter = withPersistFaults(createMemoryPersistV2({ records, onWarning: () => undefined }));
    atomicStores.set(adapter, records);
    return adapter;
  },
  capabilities: { atomicBatch: true },
  corrupt: (adapter, entity, key) => (adapter as IFaultyPersistV2).corrupt(entity, key),
  reopen: (adapter) =>
    withPersistFaults(
      createMemoryPersistV2({ records: atomicStores.get(adapter), onWarning: () => undefined }),
    ),
});

const stores = new WeakMap<IPersistAdapterV2, Map<string, string>>();
describePersistContractV2({
  name: "withPersistFaults(memory, non-atomic batches)",
  create: () => {
    const records = new Map<string, string>();
    const adapter = withPersistFaults(createMemoryPersistV2({ records, onWarning: () => undefined }), {
      atomicBatch: false,
      corrupt: async (entity, key) => void records.set(memoryRecordIdV2(entity, key), "{not json"),
    });
    stores.set(adapter, records);
    return adapter;
  },
  capabilities: { atomicBatch: false },
  corrupt: (adapter, entity, key) => (adapter as IFaultyPersistV2).corrupt(entity, key),
  reopen: (adapter) =>
    withPersistFaults(createMemoryPersistV2({ records: stores.get(adapter), onWarning: () => undefined }), {
      atomicBatch: false,
    }),
});

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(BtError.isInstance(error), `expected a BtError, got ${String(error)}`).toBe(true);
  return error as BtError;
}

describe("withPersistFaults", () => {
  it("dies after N record operations: every later call throws, records stay as at that instant", async () => {
    const records = new Map<string, string>();
    let deaths = 0;
    const persist = withPersistFaults(createMemoryPersistV2({ records }), {
      dieAfterOperations: 2,
      onDeath: () => deaths++,
    });
    await persist.write("position", "a", 1);
    await persist.read("position", "a");
    await persist.list("position");
    await persist.delete("position", "missing");
    expect(persist.operations).toBe(2);
    expect(persist.dead).toBe(false);
    const error = await rejection(persist.write("position", "b", 2));
    expect(error.code).toBe("PERSIST");
    expect(error.message).toMatch(/^memory: the process is dead/);
    expect(persist.dead).toBe(true);
    expect(deaths).toBe(1);
    for (const call of [
      persist.read("position", "a"),
      persist.list("position"),
      persist.waitForInit(),
      persist.delete("position", "a"),
      persist.batch([]),
    ]) {
      expect((await rejection(call)).message).toMatch(/^memory: the process is dead/);
    }
    expect(deaths).toBe(1);
    expect(persist.operations).toBe(2);
    await expect(persist.dispose()).resolves.toBeUndefined();
    // A restart over the same records sees exactly what was applied before the death.
    const restarted = withPersistFaults(createMemoryPersistV2({ records }));
    expect(await restarted.list("position")).toEqual(["a"]);
    expect(await restarted.read("position", "b")).toBeNull();
  });

  it("a non-atomic batch is applied one step at a time and can die between steps", async () => {
    const records = new Map<string, string>();
    const persist = withPersistFaults(createMemoryPersistV2({ records }), {
      atomicBatch: false,
      dieAfterOperations: 2,
    });
    expect(persist.capabilities.atomicBatch).toBe(false);
    const error = await rejection(
      persist.batch([
        { op: "write", entity: "position", key: "p", value: 1 },
        { op: "write", entity: "order", key: "o", value: 2 },
        { op: "delete", entity: "scheduled", key: "s" },
        { op: "write", entity: "closed", key: "c", value: 3 },
      ]),
    );
    expect(error.message).toMatch(/the process is dead/);
    expect(persist.operations).toBe(2);
    expect([...records.keys()].sort()).toEqual(["order/o", "position/p"]);
  });

  it("an atomic batch counts every step and dies whole when it does not fit in the budget", async () => {
    const records = new Map<string, string>();
    const persist = withPersistFaults(createMemoryPersistV2({ records }), { dieAfterOperations: 3 });
    expect(persist.capabilities.atomicBatch).toBe(true);
    await persist.batch([
      { op: "write", entity: "position", key: "p", value: 1 },
      { op: "write", entity: "order", key: "o", value: 2 },
    ]);
    expect(persist.operations).toBe(2);
    await rejection(
      persist.batch([
        { op: "write", entity: "cursor", key: "c", value: 1 },
        { op: "write", entity: "lease", key: "l", value: 2 },
      ]),
    );
    expect(persist.dead).toBe(true);
    expect([...records.keys()].sort()).toEqual(["order/o", "position/p"]);
  });

  it("dieAfterOperations 0 dies on the first write; invalid calls are rejected without counting", async () => {
    const persist = withPersistFaults(createMemoryPersistV2(), { dieAfterOperations: 0 });
    const invalid = await rejection(persist.write("position", "k", Number.NaN));
    expect(invalid.field).toBe("value");
    expect(persist.dead).toBe(false);
    expect((await rejection(persist.write("position", "k", 1))).message).toMatch(/dead/);
    expect(persist.operations).toBe(0);
  });

  it("refuses atomicBatch over a non-atomic adapter", () => {
    const nonAtomic = withPersistFaults(createMemoryPersistV2(), { atomicBatch: false });
    expect(() => withPersistFaults(nonAtomic, { atomicBatch: true })).toThrow(
      /^memory: atomicBatch cannot be true over a non-atomic adapter/,
    );
  });

  it("kill() dies at once and calls onDeath once", async () => {
    let deaths = 0;
    const persist = withPersistFaults(createMemoryPersistV2(), { onDeath: () => deaths++ });
    persist.kill();
    persist.kill();
    expect(deaths).toBe(1);
    expect((await rejection(persist.read("position", "k"))).message).toMatch(/^memory: the process is dead/);
  });

  it("failNext fails the next K calls of one method before touching the store, then recovers", async () => {
    const records = new Map<string, string>();
    const persist = withPersistFaults(createMemoryPersistV2({ records }), { name: "flaky" });
    persist.failNext("write", { times: 2 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await rejection(persist.write("position", "k", attempt));
      expect(error.message).toBe("flaky: injected write failure (withPersistFaults)");
      expect(error.retryable).toBe(true);
      expect(error.adapter).toBe("flaky");
    }
    expect(records.size).toBe(0);
    expect(persist.operations).toBe(0);
    await persist.write("position", "k", 3);
    expect(await persist.read("position", "k")).toBe(3);
    expect(persist.operations).toBe(1);
    // Other methods are not affected.
    persist.failNext("list");
    expect(await persist.read("position", "k")).toBe(3);
    await rejection(persist.list("position"));
    expect(await persist.list("position")).toEqual(["k"]);
  });

  it("failNext with applied: true commits the call and still throws (an unknown outcome)", async () => {
    const custom = new BtError("PERSIST", "memory: timeout after commit", {
      adapter: "memory",
      retryable: true,
    });
    const persist = withPersistFaults(createMemoryPersistV2());
    persist.failNext("batch", { error: custom, applied: true });
    const error = await rejection(
      persist.batch([{ op: "write", entity: "order", key: "client-1", value: { filled: true } }]),
    );
    expect(error).toBe(custom);
    expect(await persist.read("order", "client-1")).toEqual({ filled: true });
    expect(persist.operations).toBe(1);
  });

  it("corrupt() (simulated) quarantines the record on the next read, list or init, and reports it", async () => {
    const persist = withPersistFaults(createMemoryPersistV2());
    for (const key of ["a", "b", "c"]) await persist.write("closed", key, key);
    await persist.corrupt("closed", "a");
    await persist.corrupt("closed", "b");
    await persist.corrupt("closed", "never-written");
    expect(await persist.list("closed", "a")).toEqual([]);
    await persist.waitForInit();
    expect(persist.corruptions().map((corruption) => corruption.key)).toEqual(["a", "b"]);
    expect(await persist.read("closed", "b")).toBeNull();
    expect(await persist.list("closed")).toEqual(["c"]);
    // A write replaces the damaged bytes.
    await persist.corrupt("closed", "c");
    await persist.write("closed", "c", "fresh");
    expect(await persist.read("closed", "c")).toBe("fresh");
    expect(persist.corruptions()).toHaveLength(2);
  });

  it("corrupt() with a backend hook damages the real store; the wrapped adapter quarantines it", async () => {
    const records = new Map<string, string>();
    const persist = withPersistFaults(createMemoryPersistV2({ records, onWarning: () => undefined }), {
      corrupt: async (entity, key) => void records.set(memoryRecordIdV2(entity, key), "{torn"),
    });
    await persist.write("position", "p", 1);
    await persist.corrupt("position", "p");
    expect(records.get("position/p")).toBe("{torn");
    expect(await persist.read("position", "p")).toBeNull();
    expect(persist.corruptions()).toMatchObject([{ entity: "position", key: "p" }]);
    expect(records.has("position/p")).toBe(false);
  });

  it("forwards leases and fences: failNext on lease calls, a dead wrapper cannot renew and is fenced out", async () => {
    let clock = 0;
    const records = new Map<string, string>();
    const persist = withPersistFaults(createMemoryPersistV2({ records, now: () => clock }), {
      atomicBatch: false,
    });
    persist.failNext("acquireLease");
    expect((await rejection(persist.acquireLease("run", "a", 100))).code).toBe("PERSIST");
    const acquired = await persist.acquireLease("run", "a", 100);
    if (!acquired.acquired) throw new Error("expected the lease");
    persist.failNext("renewLease", { applied: true });
    expect((await rejection(persist.renewLease(acquired.grant, 200))).retryable).toBe(true);
    expect(await persist.acquireLease("run", "b", 100)).toEqual({
      acquired: false,
      holder: "a",
      expiresAt: 200,
    });
    persist.failNext("releaseLease");
    await rejection(persist.releaseLease(acquired.grant));
    await persist.batch([{ op: "write", entity: "position", key: "run/p", value: 1 }], acquired.grant);
    expect(persist.operations).toBe(1);
    persist.kill();
    expect((await rejection(persist.renewLease(acquired.grant, 100))).code).toBe("PERSIST");
    clock = 200;
    const restarted = withPersistFaults(createMemoryPersistV2({ records, now: () => clock }), {
      atomicBatch: false,
    });
    const taken = await restarted.acquireLease("run", "b", 100);
    expect(taken).toMatchObject({ acquired: true, grant: { holder: "b", token: 2 } });
    // A non-atomic batch with a stale fence is refused at its first step: nothing of it is written.
    const stale = await rejection(
      restarted.batch(
        [
          { op: "write", entity: "position", key: "run/q", value: 2 },
          { op: "delete", entity: "position", key: "run/p" },
        ],
        acquired.grant,
      ),
    );
    expect(stale.code).toBe("LEASE");
    expect(restarted.operations).toBe(0);
    expect(await restarted.list("position")).toEqual(["run/p"]);
  });
});
