// The persistence contract suite (IPersistAdapter v1) as vitest cases with stable ids (P00–P20).
// Every bt adapter runs it against its real backend; third parties run it against theirs. Each case
// gets a fresh adapter from `create()`, so cases never see each other's data.

import {
  assertPersistSpec,
  BtError,
  type IPersistAdapter,
  type IPersistCapabilities,
  PERSIST_ENTITIES,
  type PersistBatchOperation,
  type PersistEntity,
  type PersistValue,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { NESTED_PERSIST_VALUE, ODD_PERSIST_KEYS } from "./contractFixtures";

/** Options of describePersistContract. */
export interface IPersistContractOptions {
  /** Label of the describe block, usually the adapter name. */
  name: string;
  /** Returns a fresh adapter bound to its own namespace (key prefix, temp dir, table, database). */
  create: () => IPersistAdapter | Promise<IPersistAdapter>;
  /** Capabilities the adapter must declare; by default the suite trusts what the adapter declares. */
  capabilities?: Partial<IPersistCapabilities>;
  /** Keys written in the many-keys case P11 (default 1000); lower it only for a slow backend (printed). */
  manyKeys?: number;
  /** Parallel writers to one key in P10 (default 50). */
  concurrentWriters?: number;
  /** When set, the suite is reported as skipped with this reason, after a loud banner on stderr. */
  skip?: string;
  /** Timeout of each case in ms (default 30,000; P11 gets twice as much). */
  timeoutMs?: number;
  /**
   * Damages the stored record of (entity, key) behind the adapter's back (invalid JSON in the file,
   * field or document), for P20. Omit it only when the backend cannot hold a corrupted record; P20 is
   * then reported as skipped with that reason.
   */
  corrupt?: (adapter: IPersistAdapter, entity: PersistEntity, key: string) => Promise<void>;
}

/** Version of the contract this suite checks (matches IPersistAdapter.specVersion). */
export const PERSIST_CONTRACT_VERSION = 1;

const DEFAULT_MANY_KEYS = 1000;
const DEFAULT_CONCURRENT_WRITERS = 50;

/**
 * Declares the IPersistAdapter v1 contract suite (vitest `describe`/`it`) for one adapter factory.
 * @example
 * describePersistContract({ name: "memory", create: () => createMemoryPersist() });
 */
export function describePersistContract(options: IPersistContractOptions): void {
  const title = `${options.name} passes the persistence contract v${PERSIST_CONTRACT_VERSION}`;
  if (options.skip !== undefined) {
    const banner = "!".repeat(100);
    console.warn(
      `\n${banner}\n!! SKIPPED: persistence contract for "${options.name}": ${options.skip}\n${banner}\n`,
    );
    describe.skip(`${title} (SKIPPED: ${options.skip})`, () => {
      it("P00 adapter declares name, specVersion 1 and capabilities", () => {});
    });
    return;
  }

  const timeout = options.timeoutMs ?? 30_000;
  const manyKeys = options.manyKeys ?? DEFAULT_MANY_KEYS;
  const writers = options.concurrentWriters ?? DEFAULT_CONCURRENT_WRITERS;

  async function withAdapter(run: (adapter: IPersistAdapter) => Promise<void>): Promise<void> {
    const adapter = await options.create();
    try {
      await adapter.waitForInit();
      await run(adapter);
    } finally {
      await adapter.dispose();
    }
  }

  describe(title, () => {
    it("P00 adapter declares name, specVersion 1 and capabilities", async () => {
      await withAdapter(async (adapter) => {
        expect(typeof adapter.name).toBe("string");
        expect(adapter.name.length).toBeGreaterThan(0);
        expect(adapter.specVersion).toBe(1);
        expect(() => assertPersistSpec(adapter)).not.toThrow();
        expect(typeof adapter.capabilities.atomicBatch).toBe("boolean");
        if (options.capabilities?.atomicBatch !== undefined) {
          expect(adapter.capabilities.atomicBatch).toBe(options.capabilities.atomicBatch);
        }
      });
    });

    it(
      "P01 round-trip of every entity with nested JSON values",
      async () => {
        await withAdapter(async (adapter) => {
          for (const entity of PERSIST_ENTITIES) {
            const value = { entity, payload: NESTED_PERSIST_VALUE };
            await adapter.write(entity, "BTCUSDT:strategy:exchange", value);
            expect(await adapter.read(entity, "BTCUSDT:strategy:exchange")).toEqual(value);
          }
          for (const entity of PERSIST_ENTITIES) {
            expect(await adapter.read(entity, "BTCUSDT:strategy:exchange")).toEqual({
              entity,
              payload: NESTED_PERSIST_VALUE,
            });
          }
        });
      },
      timeout,
    );

    it(
      "P02 top-level primitives, arrays and null round-trip (a null record is still listed)",
      async () => {
        await withAdapter(async (adapter) => {
          const values: Record<string, PersistValue> = {
            string: "text",
            emptyString: "",
            number: -12.75,
            zero: 0,
            boolean: false,
            array: [1, "two", { three: 3 }],
            emptyArray: [],
            emptyObject: {},
            null: null,
          };
          for (const [key, value] of Object.entries(values)) await adapter.write("risk", key, value);
          for (const [key, value] of Object.entries(values)) {
            expect(await adapter.read("risk", key)).toEqual(value);
          }
          expect(await adapter.list("risk")).toEqual(Object.keys(values).sort());
        });
      },
      timeout,
    );

    it(
      "P03 overwrite replaces the whole value (no merge)",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("signal", "k", { a: 1, b: { c: 2 }, list: [1, 2, 3] });
          await adapter.write("signal", "k", { b: { d: 4 }, list: [9] });
          expect(await adapter.read("signal", "k")).toEqual({ b: { d: 4 }, list: [9] });
          await adapter.write("signal", "k", "now a string");
          expect(await adapter.read("signal", "k")).toBe("now a string");
          expect(await adapter.list("signal")).toEqual(["k"]);
        });
      },
      timeout,
    );

    it(
      "P04 read of a missing key returns null",
      async () => {
        await withAdapter(async (adapter) => {
          expect(await adapter.read("signal", "never-written")).toBeNull();
          await adapter.write("signal", "present", 1);
          expect(await adapter.read("signal", "never-written")).toBeNull();
          expect(await adapter.read("scheduled", "present")).toBeNull();
        });
      },
      timeout,
    );

    it(
      "P05 delete removes the record; deleting a missing key resolves",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("scheduled", "a", { n: 1 });
          await adapter.write("scheduled", "b", { n: 2 });
          await adapter.delete("scheduled", "a");
          expect(await adapter.read("scheduled", "a")).toBeNull();
          expect(await adapter.read("scheduled", "b")).toEqual({ n: 2 });
          expect(await adapter.list("scheduled")).toEqual(["b"]);
          await expect(adapter.delete("scheduled", "a")).resolves.toBeUndefined();
          await expect(adapter.delete("scheduled", "never-written")).resolves.toBeUndefined();
          await adapter.write("scheduled", "a", { n: 3 });
          expect(await adapter.read("scheduled", "a")).toEqual({ n: 3 });
        });
      },
      timeout,
    );

    it(
      "P06 list returns the keys of one entity sorted ascending (empty when none)",
      async () => {
        await withAdapter(async (adapter) => {
          expect(await adapter.list("partial")).toEqual([]);
          const keys = ["b", "a", "10", "9", "B", "a:b", "a-b", "ä", "Z", "aa"];
          for (const key of keys) await adapter.write("partial", key, key);
          expect(await adapter.list("partial")).toEqual([...keys].sort());
        });
      },
      timeout,
    );

    it(
      "P07 entities are isolated: the same key in two entities is two records",
      async () => {
        await withAdapter(async (adapter) => {
          for (const entity of PERSIST_ENTITIES) await adapter.write(entity, "shared", { entity });
          await adapter.write("signal", "only-signal", 1);
          await adapter.delete("risk", "shared");
          for (const entity of PERSIST_ENTITIES) {
            expect(await adapter.read(entity, "shared")).toEqual(entity === "risk" ? null : { entity });
          }
          expect(await adapter.list("signal")).toEqual(["only-signal", "shared"]);
          expect(await adapter.list("risk")).toEqual([]);
          expect(await adapter.list("candle")).toEqual(["shared"]);
        });
      },
      timeout,
    );

    it(
      "P08 odd keys (../, ..\\, /, spaces, :, %, unicode, control characters) round-trip exactly",
      async () => {
        await withAdapter(async (adapter) => {
          for (const [index, key] of ODD_PERSIST_KEYS.entries()) {
            await adapter.write("signal", key, { index, key });
          }
          for (const [index, key] of ODD_PERSIST_KEYS.entries()) {
            expect(await adapter.read("signal", key)).toEqual({ index, key });
          }
          expect(await adapter.list("signal")).toEqual([...ODD_PERSIST_KEYS].sort());
          for (const key of ODD_PERSIST_KEYS) await adapter.delete("signal", key);
          expect(await adapter.list("signal")).toEqual([]);
        });
      },
      timeout,
    );

    it(
      "P09 long keys (~300 chars) sharing a prefix and keys differing only in case stay distinct",
      async () => {
        await withAdapter(async (adapter) => {
          const base = "strategy-".repeat(33);
          const keys = [`${base}A`, `${base}a`, `${base}B`, base, "Key", "key", "KEY"];
          for (const key of keys) await adapter.write("candle", key, key);
          for (const key of keys) expect(await adapter.read("candle", key)).toBe(key);
          expect(await adapter.list("candle")).toEqual([...keys].sort());
        });
      },
      timeout,
    );

    it(
      `P10 ${writers} concurrent writers to one key: the final value is one of them, whole, never torn`,
      async () => {
        await withAdapter(async (adapter) => {
          const values = Array.from({ length: writers }, (_, writer) => ({
            writer,
            // ~16 KB per value so a non-atomic write would have a visible window to tear.
            fill: String.fromCharCode(97 + (writer % 26)).repeat(16_384),
            list: Array.from({ length: 64 }, (_, index) => writer * 1000 + index),
          }));
          const observed: Array<PersistValue | null> = [];
          await Promise.all([
            ...values.map((value) => adapter.write("signal", "contended", value)),
            ...values.map(async () => observed.push(await adapter.read("signal", "contended"))),
          ]);
          const final = await adapter.read("signal", "contended");
          expect(values).toContainEqual(final);
          for (const seen of observed) if (seen !== null) expect(values).toContainEqual(seen);
          expect(await adapter.list("signal")).toEqual(["contended"]);
        });
      },
      timeout,
    );

    it(
      `P11 ${manyKeys} keys: write, list sorted and read back`,
      async () => {
        if (manyKeys < DEFAULT_MANY_KEYS) {
          console.info(
            `[persist-testkit] ${options.name}: P11 uses ${manyKeys} keys instead of ${DEFAULT_MANY_KEYS} (lowered by the adapter's test options for a slow backend)`,
          );
        }
        await withAdapter(async (adapter) => {
          const keys = Array.from({ length: manyKeys }, (_, index) => `candle:${index}`);
          await inChunks(keys, 25, (key, index) => adapter.write("candle", key, { index, key }));
          const listed = await adapter.list("candle");
          expect(listed).toHaveLength(manyKeys);
          expect(listed).toEqual([...keys].sort());
          await inChunks(keys, 25, async (key, index) => {
            expect(await adapter.read("candle", key)).toEqual({ index, key });
          });
        });
      },
      timeout * 2,
    );

    it(
      "P12 NaN and ±Infinity are rejected with BtError PERSIST naming the path, and nothing is written",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("signal", "existing", { price: 1 });
          const invalid: Array<[string, unknown, string]> = [
            ["nan", { price: Number.NaN }, "price"],
            ["inf", { nested: { list: [1, Number.POSITIVE_INFINITY] } }, "nested.list[1]"],
            ["negInf", [0, { low: Number.NEGATIVE_INFINITY }], "[1].low"],
            ["existing", { price: Number.NaN }, "price"],
          ];
          for (const [key, value, path] of invalid) {
            const error = await captureError(adapter.write("signal", key, value as PersistValue));
            expectPersistError(error, adapter);
            expect(String((error as BtError).field)).toContain(path);
            expect((error as BtError).message).toContain(path);
          }
          expect(await adapter.read("signal", "nan")).toBeNull();
          expect(await adapter.read("signal", "inf")).toBeNull();
          expect(await adapter.read("signal", "negInf")).toBeNull();
          expect(await adapter.read("signal", "existing")).toEqual({ price: 1 });
          expect(await adapter.list("signal")).toEqual(["existing"]);
        });
      },
      timeout,
    );

    it(
      "P13 batch applies every operation, in order, across entities",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("signal", "closing", { open: true });
          await adapter.write("risk", "portfolio", { positions: 1 });
          const operations: PersistBatchOperation[] = [
            { op: "delete", entity: "signal", key: "closing" },
            { op: "write", entity: "risk", key: "portfolio", value: { positions: 0 } },
            { op: "write", entity: "scheduled", key: "next", value: { priceOpen: 99 } },
            { op: "write", entity: "partial", key: "tmp", value: 1 },
            { op: "delete", entity: "partial", key: "tmp" },
            { op: "write", entity: "candle", key: "twice", value: "first" },
            { op: "write", entity: "candle", key: "twice", value: "second" },
            { op: "delete", entity: "candle", key: "never-written" },
          ];
          await adapter.batch(operations);
          expect(await adapter.read("signal", "closing")).toBeNull();
          expect(await adapter.read("risk", "portfolio")).toEqual({ positions: 0 });
          expect(await adapter.read("scheduled", "next")).toEqual({ priceOpen: 99 });
          expect(await adapter.read("partial", "tmp")).toBeNull();
          expect(await adapter.read("candle", "twice")).toBe("second");
          expect(await adapter.list("signal")).toEqual([]);
          expect(await adapter.list("candle")).toEqual(["twice"]);
          await expect(adapter.batch([])).resolves.toBeUndefined();
        });
      },
      timeout,
    );

    it(
      "P14 a batch with an invalid value is rejected (atomic adapters: nothing of it is written)",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("signal", "keep", { v: 0 });
          const error = await captureError(
            adapter.batch([
              { op: "write", entity: "signal", key: "first", value: { v: 1 } },
              { op: "delete", entity: "signal", key: "keep" },
              { op: "write", entity: "risk", key: "bad", value: { v: Number.NaN } },
            ]),
          );
          expectPersistError(error, adapter);
          const atomic = options.capabilities?.atomicBatch ?? adapter.capabilities.atomicBatch;
          if (atomic) {
            expect(await adapter.read("signal", "first")).toBeNull();
            expect(await adapter.read("signal", "keep")).toEqual({ v: 0 });
            expect(await adapter.list("signal")).toEqual(["keep"]);
          }
          expect(await adapter.read("risk", "bad")).toBeNull();
        });
      },
      timeout,
    );

    it(
      "P15 stored values are copies: mutating a written or read object changes nothing stored",
      async () => {
        await withAdapter(async (adapter) => {
          const written = { list: [1, 2], inner: { a: 1 } };
          await adapter.write("risk", "copy", written);
          written.list.push(3);
          written.inner.a = 99;
          const read = (await adapter.read("risk", "copy")) as { list: number[]; inner: { a: number } };
          expect(read).toEqual({ list: [1, 2], inner: { a: 1 } });
          read.list.push(4);
          read.inner.a = 42;
          expect(await adapter.read("risk", "copy")).toEqual({ list: [1, 2], inner: { a: 1 } });
        });
      },
      timeout,
    );

    it(
      "P16 an unknown entity or an empty key is rejected with BtError PERSIST",
      async () => {
        await withAdapter(async (adapter) => {
          const unknown = "../escape" as PersistEntity;
          expectPersistError(await captureError(adapter.write(unknown, "k", 1)), adapter);
          expectPersistError(await captureError(adapter.read(unknown, "k")), adapter);
          expectPersistError(await captureError(adapter.list(unknown)), adapter);
          expectPersistError(await captureError(adapter.write("signal", "", 1)), adapter);
          expectPersistError(await captureError(adapter.read("signal", "")), adapter);
          expectPersistError(
            await captureError(adapter.batch([{ op: "write", entity: unknown, key: "k", value: 1 }])),
            adapter,
          );
          expect(await adapter.list("signal")).toEqual([]);
        });
      },
      timeout,
    );

    it(
      "P17 waitForInit is idempotent (repeated and concurrent calls) and keeps the data",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("signal", "kept", { v: 1 });
          await Promise.all([adapter.waitForInit(), adapter.waitForInit(), adapter.waitForInit()]);
          await adapter.waitForInit();
          expect(await adapter.read("signal", "kept")).toEqual({ v: 1 });
          expect(await adapter.list("signal")).toEqual(["kept"]);
        });
      },
      timeout,
    );

    it(
      "P18 a fresh adapter reports no corruptions",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("signal", "a", 1);
          expect(await adapter.read("signal", "a")).toBe(1);
          expect(adapter.corruptions()).toEqual([]);
        });
      },
      timeout,
    );

    it(
      "P19 dispose resolves, and a second dispose resolves too",
      async () => {
        const adapter = await options.create();
        await adapter.waitForInit();
        await adapter.write("signal", "before-dispose", 1);
        await expect(adapter.dispose()).resolves.toBeUndefined();
        await expect(adapter.dispose()).resolves.toBeUndefined();
      },
      timeout,
    );

    const corrupt = options.corrupt;
    const p20 =
      "P20 a corrupted record is quarantined: read returns null, it is reported and no longer listed";
    if (corrupt === undefined) {
      it.skip(`${p20} (not applicable: no corrupt hook, the backend cannot hold a corrupted record)`, () => {});
    } else {
      it(
        p20,
        async () => {
          await withAdapter(async (adapter) => {
            await adapter.write("signal", "victim", { v: 1 });
            await adapter.write("signal", "bystander", { v: 2 });
            await corrupt(adapter, "signal", "victim");
            expect(await adapter.read("signal", "victim")).toBeNull();
            const reported = adapter.corruptions();
            expect(reported).toHaveLength(1);
            expect(reported[0]).toMatchObject({ entity: "signal", key: "victim" });
            expect(reported[0]?.reason.length).toBeGreaterThan(0);
            expect(reported[0]?.quarantinedAs.length).toBeGreaterThan(0);
            expect(await adapter.list("signal")).toEqual(["bystander"]);
            expect(await adapter.read("signal", "bystander")).toEqual({ v: 2 });
            await adapter.write("signal", "victim", { v: 3 });
            expect(await adapter.read("signal", "victim")).toEqual({ v: 3 });
            expect(adapter.corruptions()).toHaveLength(1);
          });
        },
        timeout,
      );
    }
  });
}

async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectPersistError(error: unknown, adapter: IPersistAdapter): void {
  expect(error, "expected the call to reject with BtError PERSIST").toBeDefined();
  expect(BtError.isInstance(error), `expected a BtError, got ${String(error)}`).toBe(true);
  const btError = error as BtError;
  expect(btError.code).toBe("PERSIST");
  expect(btError.message.startsWith(`${adapter.name}: `), btError.message).toBe(true);
}

async function inChunks<T>(
  items: ReadonlyArray<T>,
  size: number,
  run: (item: T, index: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, offset) => run(item, start + offset)));
  }
}
