// The persistence contract suite of IPersistAdapterV2 as vitest cases with stable ids (V00–V41): every
// v1 case ported to the six v2 entities (V00–V20, same numbers as P00–P20), plus prefix listing, batches
// across entities and code-unit ordering (V21–V27), and leases with fencing (V28–V41). Each case gets a
// fresh adapter from `create()`; the two-instance lease cases open a second one with `reopen()`.

import {
  assertPersistSpec,
  BtError,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type IPersistCapabilities,
  type LeaseAcquireResult,
  PERSIST_ENTITIES_V2,
  type PersistBatchOperationV2,
  type PersistEntityV2,
  type PersistValue,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { NESTED_PERSIST_VALUE, ODD_PERSIST_KEYS_V2 } from "./contractFixtures";

/** Options of describePersistContractV2. */
export interface IPersistContractV2Options {
  /** Label of the describe block, usually the adapter name. */
  name: string;
  /** Returns a fresh adapter bound to its own namespace (key prefix, temp dir, table, database). */
  create: () => IPersistAdapterV2 | Promise<IPersistAdapterV2>;
  /** Capabilities the adapter must declare; by default the suite trusts what the adapter declares. */
  capabilities?: Partial<IPersistCapabilities>;
  /** Keys written in the many-keys case V11 (default 1000); lower it only for a slow backend (printed). */
  manyKeys?: number;
  /** Parallel writers to one key in V10 (default 50). */
  concurrentWriters?: number;
  /** When set, the suite is reported as skipped with this reason, after a loud banner on stderr. */
  skip?: string;
  /** Timeout of each case in ms (default 30,000; V11 and V23 get twice as much). */
  timeoutMs?: number;
  /**
   * Damages the stored record of (entity, key) behind the adapter's back (invalid JSON in the file,
   * field, row or document), for V20. Omit it only when the backend cannot hold a corrupted record; V20
   * is then reported as skipped with that reason.
   */
  corrupt?: (adapter: IPersistAdapterV2, entity: PersistEntityV2, key: string) => Promise<void>;
  /**
   * Opens a second, independent adapter instance on the same storage as `adapter` (same directory, key
   * prefix, table or collection), like a second process would, for the two-instance lease cases V40–V41.
   * Omit it only when the backend cannot be opened twice; V40–V41 are then reported as skipped.
   */
  reopen?: (adapter: IPersistAdapterV2) => IPersistAdapterV2 | Promise<IPersistAdapterV2>;
  /**
   * Why the server under test cannot show whether concurrent acquires are atomic (for example an
   * in-memory stand-in that applies concurrent conditional updates without isolation): V41 is then
   * reported as skipped with that reason. Omit it for a real backend.
   */
  noConcurrencyIsolation?: string;
}

/** Version of the contract this suite checks (matches IPersistAdapterV2.specVersion). */
export const PERSIST_CONTRACT_VERSION_V2 = 2;

const DEFAULT_MANY_KEYS = 1000;
const DEFAULT_CONCURRENT_WRITERS = 50;
/** Lease ttl of cases that wait for an expiry (kept small so takeovers are quick). */
const SHORT_TTL_MS = 100;
/** Lease ttl of the concurrent-acquire case V41 (live while the contenders race, then waited out). */
const LONG_TTL_MS = 300;
/** Lease ttl of cases that need the lease to stay live while they run (never waited out). */
const HELD_TTL_MS = 30_000;
/** How long an expiry case waits after a SHORT_TTL_MS lease was taken or renewed. */
const PAST_SHORT_TTL_MS = 160;
/** How long a case waits after a LONG_TTL_MS lease was taken or renewed. */
const PAST_LONG_TTL_MS = 360;

/** What `list(entity, prefix)` must return for `keys`: the keys starting with prefix, JS-sorted. */
function expectedList(keys: Iterable<string>, prefix: string): string[] {
  return [...new Set(keys)].filter((key) => key.startsWith(prefix)).sort();
}

/**
 * Declares the IPersistAdapterV2 contract suite (vitest `describe`/`it`) for one adapter factory.
 * @example
 * describePersistContractV2({ name: "memory", create: () => createMemoryPersistV2() });
 */
export function describePersistContractV2(options: IPersistContractV2Options): void {
  const title = `${options.name} passes the persistence contract v${PERSIST_CONTRACT_VERSION_V2}`;
  if (options.skip !== undefined) {
    const banner = "!".repeat(100);
    console.warn(
      `\n${banner}\n!! SKIPPED: persistence contract v2 for "${options.name}": ${options.skip}\n${banner}\n`,
    );
    describe.skip(`${title} (SKIPPED: ${options.skip})`, () => {
      it("V00 adapter declares name, specVersion 2 and capabilities", () => {});
    });
    return;
  }

  const timeout = options.timeoutMs ?? 30_000;
  const manyKeys = options.manyKeys ?? DEFAULT_MANY_KEYS;
  const writers = options.concurrentWriters ?? DEFAULT_CONCURRENT_WRITERS;

  async function withAdapter(run: (adapter: IPersistAdapterV2) => Promise<void>): Promise<void> {
    const adapter = await options.create();
    try {
      await adapter.waitForInit();
      await run(adapter);
    } finally {
      await adapter.dispose();
    }
  }

  describe(title, () => {
    it("V00 adapter declares name, specVersion 2 and capabilities", async () => {
      await withAdapter(async (adapter) => {
        expect(typeof adapter.name).toBe("string");
        expect(adapter.name.length).toBeGreaterThan(0);
        expect(adapter.specVersion).toBe(2);
        expect(() => assertPersistSpec(adapter)).not.toThrow();
        expect(typeof adapter.capabilities.atomicBatch).toBe("boolean");
        if (options.capabilities?.atomicBatch !== undefined) {
          expect(adapter.capabilities.atomicBatch).toBe(options.capabilities.atomicBatch);
        }
      });
    });

    it(
      "V01 round-trip of every v2 entity with nested JSON values",
      async () => {
        await withAdapter(async (adapter) => {
          for (const entity of PERSIST_ENTITIES_V2) {
            const value = { entity, payload: NESTED_PERSIST_VALUE };
            await adapter.write(entity, "run-1/BTCUSDT:strategy:exchange", value);
            expect(await adapter.read(entity, "run-1/BTCUSDT:strategy:exchange")).toEqual(value);
          }
          for (const entity of PERSIST_ENTITIES_V2) {
            expect(await adapter.read(entity, "run-1/BTCUSDT:strategy:exchange")).toEqual({
              entity,
              payload: NESTED_PERSIST_VALUE,
            });
          }
        });
      },
      timeout,
    );

    it(
      "V02 top-level primitives, arrays and null round-trip (a null record is still listed)",
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
          for (const [key, value] of Object.entries(values)) await adapter.write("cursor", key, value);
          for (const [key, value] of Object.entries(values)) {
            expect(await adapter.read("cursor", key)).toEqual(value);
          }
          expect(await adapter.list("cursor")).toEqual(Object.keys(values).sort());
          expect(await adapter.list("cursor", "n")).toEqual(["null", "number"]);
        });
      },
      timeout,
    );

    it(
      "V03 overwrite replaces the whole value (no merge)",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "k", { a: 1, b: { c: 2 }, list: [1, 2, 3] });
          await adapter.write("position", "k", { b: { d: 4 }, list: [9] });
          expect(await adapter.read("position", "k")).toEqual({ b: { d: 4 }, list: [9] });
          await adapter.write("position", "k", "now a string");
          expect(await adapter.read("position", "k")).toBe("now a string");
          expect(await adapter.list("position")).toEqual(["k"]);
        });
      },
      timeout,
    );

    it(
      "V04 read of a missing key returns null",
      async () => {
        await withAdapter(async (adapter) => {
          expect(await adapter.read("position", "never-written")).toBeNull();
          await adapter.write("position", "present", 1);
          expect(await adapter.read("position", "never-written")).toBeNull();
          expect(await adapter.read("position", "presen")).toBeNull();
          expect(await adapter.read("scheduled", "present")).toBeNull();
        });
      },
      timeout,
    );

    it(
      "V05 delete removes the record; deleting a missing key resolves",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("scheduled", "a", { n: 1 });
          await adapter.write("scheduled", "b", { n: 2 });
          await adapter.delete("scheduled", "a");
          expect(await adapter.read("scheduled", "a")).toBeNull();
          expect(await adapter.read("scheduled", "b")).toEqual({ n: 2 });
          expect(await adapter.list("scheduled")).toEqual(["b"]);
          expect(await adapter.list("scheduled", "a")).toEqual([]);
          await expect(adapter.delete("scheduled", "a")).resolves.toBeUndefined();
          await expect(adapter.delete("scheduled", "never-written")).resolves.toBeUndefined();
          await adapter.write("scheduled", "a", { n: 3 });
          expect(await adapter.read("scheduled", "a")).toEqual({ n: 3 });
          expect(await adapter.list("scheduled", "a")).toEqual(["a"]);
        });
      },
      timeout,
    );

    it(
      "V06 list returns the keys of one entity sorted ascending (empty when none)",
      async () => {
        await withAdapter(async (adapter) => {
          expect(await adapter.list("closed")).toEqual([]);
          expect(await adapter.list("closed", "")).toEqual([]);
          const keys = ["b", "a", "10", "9", "B", "a:b", "a-b", "ä", "Z", "aa"];
          for (const key of keys) await adapter.write("closed", key, key);
          expect(await adapter.list("closed")).toEqual([...keys].sort());
        });
      },
      timeout,
    );

    it(
      "V07 each of the six entities is isolated: the same key in every entity is six records",
      async () => {
        await withAdapter(async (adapter) => {
          for (const entity of PERSIST_ENTITIES_V2) await adapter.write(entity, "shared", { entity });
          for (const entity of PERSIST_ENTITIES_V2) await adapter.write(entity, `only-${entity}`, 1);
          await adapter.delete("lease", "shared");
          for (const entity of PERSIST_ENTITIES_V2) {
            expect(await adapter.read(entity, "shared")).toEqual(entity === "lease" ? null : { entity });
            for (const other of PERSIST_ENTITIES_V2) {
              expect(await adapter.read(entity, `only-${other}`)).toBe(entity === other ? 1 : null);
            }
            const expected = entity === "lease" ? [`only-${entity}`] : [`only-${entity}`, "shared"];
            expect(await adapter.list(entity)).toEqual(expected);
            expect(await adapter.list(entity, "only-")).toEqual([`only-${entity}`]);
          }
        });
      },
      timeout,
    );

    it(
      "V08 odd keys (../, /, :, #, %, unicode, lone surrogates, NUL, metacharacters) round-trip exactly",
      async () => {
        await withAdapter(async (adapter) => {
          for (const [index, key] of ODD_PERSIST_KEYS_V2.entries()) {
            await adapter.write("position", key, { index, key });
          }
          for (const [index, key] of ODD_PERSIST_KEYS_V2.entries()) {
            expect(await adapter.read("position", key), JSON.stringify(key)).toEqual({ index, key });
          }
          expect(await adapter.list("position")).toEqual([...ODD_PERSIST_KEYS_V2].sort());
          for (const key of ODD_PERSIST_KEYS_V2) await adapter.delete("position", key);
          expect(await adapter.list("position")).toEqual([]);
        });
      },
      timeout,
    );

    it(
      "V09 long keys (~300 chars) sharing a prefix and keys differing only in case stay distinct",
      async () => {
        await withAdapter(async (adapter) => {
          const base = "strategy-".repeat(33);
          const keys = [`${base}A`, `${base}a`, `${base}B`, base, "Key", "key", "KEY"];
          for (const key of keys) await adapter.write("order", key, key);
          for (const key of keys) expect(await adapter.read("order", key)).toBe(key);
          expect(await adapter.list("order")).toEqual([...keys].sort());
          expect(await adapter.list("order", base)).toEqual([base, `${base}A`, `${base}B`, `${base}a`]);
          expect(await adapter.list("order", `${base}a`)).toEqual([`${base}a`]);
          expect(await adapter.list("order", "K")).toEqual(["KEY", "Key"]);
        });
      },
      timeout,
    );

    it(
      `V10 ${writers} concurrent writers to one key: the final value is one of them, whole, never torn`,
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
            ...values.map((value) => adapter.write("position", "contended", value)),
            ...values.map(async () => observed.push(await adapter.read("position", "contended"))),
          ]);
          const final = await adapter.read("position", "contended");
          expect(values).toContainEqual(final);
          for (const seen of observed) if (seen !== null) expect(values).toContainEqual(seen);
          expect(await adapter.list("position")).toEqual(["contended"]);
        });
      },
      timeout,
    );

    it(
      `V11 ${manyKeys} keys: write, list sorted (all and by prefix) and read back`,
      async () => {
        if (manyKeys < DEFAULT_MANY_KEYS) {
          console.info(
            `[persist-testkit] ${options.name}: V11 uses ${manyKeys} keys instead of ${DEFAULT_MANY_KEYS} (lowered by the adapter's test options for a slow backend)`,
          );
        }
        await withAdapter(async (adapter) => {
          const keys = Array.from({ length: manyKeys }, (_, index) => `run-${index % 3}/closed:${index}`);
          await inChunks(keys, 25, (key, index) => adapter.write("closed", key, { index, key }));
          const listed = await adapter.list("closed");
          expect(listed).toHaveLength(manyKeys);
          expect(listed).toEqual([...keys].sort());
          expect(await adapter.list("closed", "run-1/")).toEqual(expectedList(keys, "run-1/"));
          expect(await adapter.list("closed", "run-2/closed:1")).toEqual(
            expectedList(keys, "run-2/closed:1"),
          );
          await inChunks(keys, 25, async (key, index) => {
            expect(await adapter.read("closed", key)).toEqual({ index, key });
          });
        });
      },
      timeout * 2,
    );

    it(
      "V12 NaN and ±Infinity are rejected with BtError PERSIST naming the path, and nothing is written",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "existing", { price: 1 });
          const invalid: Array<[string, unknown, string]> = [
            ["nan", { price: Number.NaN }, "price"],
            ["inf", { nested: { list: [1, Number.POSITIVE_INFINITY] } }, "nested.list[1]"],
            ["negInf", [0, { low: Number.NEGATIVE_INFINITY }], "[1].low"],
            ["existing", { price: Number.NaN }, "price"],
          ];
          for (const [key, value, path] of invalid) {
            const error = await captureError(adapter.write("position", key, value as PersistValue));
            expectPersistError(error, adapter);
            expect(String((error as BtError).field)).toContain(path);
            expect((error as BtError).message).toContain(path);
          }
          expect(await adapter.read("position", "nan")).toBeNull();
          expect(await adapter.read("position", "inf")).toBeNull();
          expect(await adapter.read("position", "negInf")).toBeNull();
          expect(await adapter.read("position", "existing")).toEqual({ price: 1 });
          expect(await adapter.list("position")).toEqual(["existing"]);
        });
      },
      timeout,
    );

    it(
      "V13 batch applies every operation, in order, across entities",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "closing", { open: true });
          await adapter.write("cursor", "run", { at: 1 });
          const operations: PersistBatchOperationV2[] = [
            { op: "delete", entity: "position", key: "closing" },
            { op: "write", entity: "cursor", key: "run", value: { at: 2 } },
            { op: "write", entity: "scheduled", key: "next", value: { priceOpen: 99 } },
            { op: "write", entity: "lease", key: "tmp", value: 1 },
            { op: "delete", entity: "lease", key: "tmp" },
            { op: "write", entity: "closed", key: "twice", value: "first" },
            { op: "write", entity: "closed", key: "twice", value: "second" },
            { op: "delete", entity: "order", key: "never-written" },
          ];
          await adapter.batch(operations);
          expect(await adapter.read("position", "closing")).toBeNull();
          expect(await adapter.read("cursor", "run")).toEqual({ at: 2 });
          expect(await adapter.read("scheduled", "next")).toEqual({ priceOpen: 99 });
          expect(await adapter.read("lease", "tmp")).toBeNull();
          expect(await adapter.read("closed", "twice")).toBe("second");
          expect(await adapter.list("position")).toEqual([]);
          expect(await adapter.list("closed")).toEqual(["twice"]);
          await expect(adapter.batch([])).resolves.toBeUndefined();
        });
      },
      timeout,
    );

    it(
      "V14 a batch with an invalid value is rejected (atomic adapters: nothing of it is written)",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "keep", { v: 0 });
          const error = await captureError(
            adapter.batch([
              { op: "write", entity: "position", key: "first", value: { v: 1 } },
              { op: "delete", entity: "position", key: "keep" },
              { op: "write", entity: "order", key: "bad", value: { v: Number.NaN } },
            ]),
          );
          expectPersistError(error, adapter);
          expect(String((error as BtError).field)).toContain("operations[2].value");
          const atomic = options.capabilities?.atomicBatch ?? adapter.capabilities.atomicBatch;
          if (atomic) {
            expect(await adapter.read("position", "first")).toBeNull();
            expect(await adapter.read("position", "keep")).toEqual({ v: 0 });
            expect(await adapter.list("position")).toEqual(["keep"]);
          }
          expect(await adapter.read("order", "bad")).toBeNull();
        });
      },
      timeout,
    );

    it(
      "V15 stored values are copies: mutating a written or read object changes nothing stored",
      async () => {
        await withAdapter(async (adapter) => {
          const written = { list: [1, 2], inner: { a: 1 } };
          await adapter.write("cursor", "copy", written);
          written.list.push(3);
          written.inner.a = 99;
          const read = (await adapter.read("cursor", "copy")) as { list: number[]; inner: { a: number } };
          expect(read).toEqual({ list: [1, 2], inner: { a: 1 } });
          read.list.push(4);
          read.inner.a = 42;
          expect(await adapter.read("cursor", "copy")).toEqual({ list: [1, 2], inner: { a: 1 } });
        });
      },
      timeout,
    );

    it(
      "V16 an unknown or v1 entity, an empty key or a non-string prefix is rejected naming adapter, field and value",
      async () => {
        await withAdapter(async (adapter) => {
          const unknown = "../escape" as PersistEntityV2;
          const v1Entity = "signal" as PersistEntityV2;
          const cases: Array<[Promise<unknown>, string, unknown]> = [
            [adapter.write(unknown, "k", 1), "entity", unknown],
            [adapter.read(unknown, "k"), "entity", unknown],
            [adapter.delete(unknown, "k"), "entity", unknown],
            [adapter.list(unknown), "entity", unknown],
            [adapter.list(v1Entity), "entity", v1Entity],
            [adapter.write(v1Entity, "k", 1), "entity", v1Entity],
            [adapter.write("position", "", 1), "key", ""],
            [adapter.read("position", ""), "key", ""],
            [adapter.delete("position", ""), "key", ""],
            [adapter.list("position", 42 as unknown as string), "prefix", 42],
            [adapter.batch([{ op: "write", entity: unknown, key: "k", value: 1 }]), "entity", unknown],
            [adapter.batch([{ op: "delete", entity: "position", key: "" }]), "key", ""],
          ];
          for (const [call, field, value] of cases) {
            const error = await captureError(call);
            expectPersistError(error, adapter);
            expect((error as BtError).field).toBe(field);
            expect((error as BtError).value).toEqual(value);
            expect((error as BtError).adapter).toBe(adapter.name);
          }
          expect(await adapter.list("position")).toEqual([]);
        });
      },
      timeout,
    );

    it(
      "V17 waitForInit is idempotent (repeated and concurrent calls) and keeps the data",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "kept", { v: 1 });
          await Promise.all([adapter.waitForInit(), adapter.waitForInit(), adapter.waitForInit()]);
          await adapter.waitForInit();
          expect(await adapter.read("position", "kept")).toEqual({ v: 1 });
          expect(await adapter.list("position")).toEqual(["kept"]);
        });
      },
      timeout,
    );

    it(
      "V18 a fresh adapter reports no corruptions",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "a", 1);
          expect(await adapter.read("position", "a")).toBe(1);
          expect(await adapter.list("position", "a")).toEqual(["a"]);
          expect(adapter.corruptions()).toEqual([]);
        });
      },
      timeout,
    );

    it(
      "V19 dispose resolves, and a second dispose resolves too",
      async () => {
        const adapter = await options.create();
        await adapter.waitForInit();
        await adapter.write("position", "before-dispose", 1);
        await expect(adapter.dispose()).resolves.toBeUndefined();
        await expect(adapter.dispose()).resolves.toBeUndefined();
      },
      timeout,
    );

    const corrupt = options.corrupt;
    const v20 =
      "V20 a corrupted record is quarantined: read returns null, it is reported and no longer listed";
    if (corrupt === undefined) {
      it.skip(`${v20} (not applicable: no corrupt hook, the backend cannot hold a corrupted record)`, () => {});
    } else {
      it(
        v20,
        async () => {
          await withAdapter(async (adapter) => {
            await adapter.write("position", "run/victim", { v: 1 });
            await adapter.write("position", "run/bystander", { v: 2 });
            await adapter.write("order", "run/victim", { v: 9 });
            await corrupt(adapter, "position", "run/victim");
            expect(await adapter.read("position", "run/victim")).toBeNull();
            const reported = adapter.corruptions();
            expect(reported).toHaveLength(1);
            expect(reported[0]).toMatchObject({ entity: "position", key: "run/victim" });
            expect(reported[0]?.reason.length).toBeGreaterThan(0);
            expect(reported[0]?.quarantinedAs.length).toBeGreaterThan(0);
            expect(await adapter.list("position")).toEqual(["run/bystander"]);
            expect(await adapter.list("position", "run/v")).toEqual([]);
            expect(await adapter.read("position", "run/bystander")).toEqual({ v: 2 });
            expect(await adapter.read("order", "run/victim")).toEqual({ v: 9 });
            await adapter.write("position", "run/victim", { v: 3 });
            expect(await adapter.read("position", "run/victim")).toEqual({ v: 3 });
            expect(await adapter.list("position", "run/")).toEqual(["run/bystander", "run/victim"]);
            expect(adapter.corruptions()).toHaveLength(1);
          });
        },
        timeout,
      );
    }

    it(
      "V21 list(entity, prefix): a prefix of other keys, a whole key, the empty prefix and a prefix matching nothing",
      async () => {
        await withAdapter(async (adapter) => {
          const keys = [
            "run",
            "run-1",
            "run-10/a",
            "run-1/a",
            "run-1/b",
            "run-2/a",
            "ru",
            "rum",
            "other/run-1",
          ];
          for (const key of keys) await adapter.write("position", key, key);
          for (const prefix of ["", "r", "ru", "run", "run-", "run-1", "run-1/", "run-1/a", "run-10", "o"]) {
            expect(await adapter.list("position", prefix), JSON.stringify(prefix)).toEqual(
              expectedList(keys, prefix),
            );
          }
          expect(await adapter.list("position", "")).toEqual(await adapter.list("position"));
          for (const prefix of ["run-3", "run-1/c", "run-1/a/", "x", "RUN", "run-1/aa", "\uFFFF", "😀"]) {
            expect(await adapter.list("position", prefix), JSON.stringify(prefix)).toEqual([]);
          }
        });
      },
      timeout,
    );

    it(
      "V22 prefixes with regex and LIKE metacharacters (%, _, .*, \\, [, ^, $) match literally",
      async () => {
        await withAdapter(async (adapter) => {
          const keys = [
            "a%b",
            "axb",
            "a_b",
            "ayb",
            "a.*b",
            "a.zzb",
            "a\\b",
            "a\\\\b",
            "a[b",
            "a[]b",
            "a]b",
            "a^b",
            "a$b",
            "a(b",
            "a+b",
            "a?b",
            "a*b",
            "a|b",
            "a{1}b",
            "ab",
            "%",
            "_",
            "%25",
          ];
          for (const key of keys) await adapter.write("order", key, key);
          const prefixes = [
            "a%",
            "a_",
            "a.*",
            "a.",
            "a\\",
            "a\\\\",
            "a[",
            "a[]",
            "a]",
            "a^",
            "a$",
            "a(",
            "a+",
            "a?",
            "a*",
            "a|",
            "a{1}",
            "%",
            "_",
            "%2",
            ".*",
            "\\",
            "[",
            "^a",
          ];
          for (const prefix of prefixes) {
            expect(await adapter.list("order", prefix), JSON.stringify(prefix)).toEqual(
              expectedList(keys, prefix),
            );
          }
        });
      },
      timeout,
    );

    it(
      "V23 odd-character prefixes (cut at every code unit, also inside a surrogate pair) match exactly",
      async () => {
        await withAdapter(async (adapter) => {
          for (const key of ODD_PERSIST_KEYS_V2) await adapter.write("closed", key, 1);
          const prefixes = new Set<string>();
          for (const key of ODD_PERSIST_KEYS_V2) {
            for (const length of [1, 2, 3, Math.ceil(key.length / 2), key.length - 1, key.length]) {
              if (length > 0 && length <= key.length) prefixes.add(key.slice(0, length));
            }
            // Every cut of the non-ASCII keys, so a cut between a high and a low surrogate is checked.
            if (key.length < 40 && /[^\u0020-\u007E]/.test(key)) {
              for (let length = 1; length <= key.length; length++) prefixes.add(key.slice(0, length));
            }
          }
          for (const prefix of prefixes) {
            expect(await adapter.list("closed", prefix), JSON.stringify(prefix)).toEqual(
              expectedList(ODD_PERSIST_KEYS_V2, prefix),
            );
          }
        });
      },
      timeout * 2,
    );

    it(
      "V24 prefix listing stays inside its entity: the same prefixed keys in other entities are not returned",
      async () => {
        await withAdapter(async (adapter) => {
          for (const [index, entity] of PERSIST_ENTITIES_V2.entries()) {
            await adapter.write(entity, `run-A/${entity}`, index);
            await adapter.write(entity, `run-A/${index}`, index);
            await adapter.write(entity, `run-B/${entity}`, index);
          }
          for (const [index, entity] of PERSIST_ENTITIES_V2.entries()) {
            expect(await adapter.list(entity, "run-A/")).toEqual(
              [`run-A/${index}`, `run-A/${entity}`].sort(),
            );
            expect(await adapter.list(entity, "run-B")).toEqual([`run-B/${entity}`]);
            expect(await adapter.list(entity, `run-A/${entity}`)).toEqual([`run-A/${entity}`]);
          }
        });
      },
      timeout,
    );

    it(
      "V25 one batch across all six entities: writes and deletes land in their entities and prefix lists",
      async () => {
        await withAdapter(async (adapter) => {
          for (const entity of PERSIST_ENTITIES_V2) await adapter.write(entity, "run-1/old", "old");
          const operations: PersistBatchOperationV2[] = PERSIST_ENTITIES_V2.flatMap((entity) => [
            { op: "write" as const, entity, key: `run-1/${entity}`, value: { entity } },
            { op: "delete" as const, entity, key: "run-1/old" },
            { op: "write" as const, entity, key: "run-2/x", value: entity },
          ]);
          await adapter.batch(operations);
          for (const entity of PERSIST_ENTITIES_V2) {
            expect(await adapter.list(entity, "run-1/")).toEqual([`run-1/${entity}`]);
            expect(await adapter.list(entity)).toEqual([`run-1/${entity}`, "run-2/x"]);
            expect(await adapter.read(entity, `run-1/${entity}`)).toEqual({ entity });
            expect(await adapter.read(entity, "run-2/x")).toBe(entity);
            expect(await adapter.read(entity, "run-1/old")).toBeNull();
          }
        });
      },
      timeout,
    );

    it(
      "V26 sorting is by UTF-16 code units (JavaScript default sort), not by code points or UTF-8 bytes",
      async () => {
        await withAdapter(async (adapter) => {
          // UTF-8 byte order puts U+E000 and U+FFFF before astral characters; UTF-16 order puts them after.
          const keys = [
            "p\uFFFF",
            "p😀",
            "p\uE000",
            "p\uFFFD",
            "pz",
            "pé",
            "p",
            "p\u{10FFFF}",
            "p\uD7FF",
            "p~",
          ];
          for (const key of keys) await adapter.write("lease", key, key);
          expect(await adapter.list("lease")).toEqual([...keys].sort());
          expect(await adapter.list("lease", "p")).toEqual([...keys].sort());
          expect(await adapter.list("lease", "p\uD83D")).toEqual(["p😀"]);
          expect(await adapter.list("lease", "p\uDBFF")).toEqual(["p\u{10FFFF}"]);
        });
      },
      timeout,
    );

    it(
      "V27 prefix lists reflect overwrites, deletes and batch deletes (also after another waitForInit)",
      async () => {
        await withAdapter(async (adapter) => {
          for (let round = 0; round < 3; round++) {
            for (const key of ["s/1", "s/2", "s/3", "t/1"]) await adapter.write("scheduled", key, round);
          }
          await adapter.delete("scheduled", "s/2");
          await adapter.batch([
            { op: "delete", entity: "scheduled", key: "s/3" },
            { op: "write", entity: "scheduled", key: "s/4", value: 4 },
          ]);
          await adapter.waitForInit();
          expect(await adapter.list("scheduled", "s/")).toEqual(["s/1", "s/4"]);
          expect(await adapter.list("scheduled")).toEqual(["s/1", "s/4", "t/1"]);
          expect(await adapter.read("scheduled", "s/1")).toBe(2);
        });
      },
      timeout,
    );

    it(
      "V28 acquireLease on a free key grants it: key, holder, a positive integer token, expiresAt ≈ now + ttl",
      async () => {
        await withAdapter(async (adapter) => {
          const result = await adapter.acquireLease("run-1/BTCUSDT:s:x", "host-a:1:aaaa", HELD_TTL_MS);
          const grant = granted(result);
          expect(grant.key).toBe("run-1/BTCUSDT:s:x");
          expect(grant.holder).toBe("host-a:1:aaaa");
          expect(Number.isSafeInteger(grant.token) && grant.token > 0, String(grant.token)).toBe(true);
          expect(Number.isFinite(grant.expiresAt)).toBe(true);
          // Adapter clock (process or server); a generous bound, no timing assertion.
          expect(Math.abs(grant.expiresAt - (Date.now() + HELD_TTL_MS))).toBeLessThan(60_000);
          const other = granted(
            await adapter.acquireLease("run-2/BTCUSDT:s:x", "host-a:1:aaaa", HELD_TTL_MS),
          );
          expect(other.key).toBe("run-2/BTCUSDT:s:x");
        });
      },
      timeout,
    );

    it(
      "V29 a second holder is refused while the lease is live, told the holder's name and expiresAt",
      async () => {
        await withAdapter(async (adapter) => {
          const grant = granted(await adapter.acquireLease("run", "first", HELD_TTL_MS));
          const refused = await adapter.acquireLease("run", "second", HELD_TTL_MS);
          expect(refused).toEqual({ acquired: false, holder: "first", expiresAt: grant.expiresAt });
          // A refused attempt changes nothing: the first holder's fence still works.
          await adapter.write("position", "run/p", 1, grant);
          expect(await adapter.read("position", "run/p")).toBe(1);
        });
      },
      timeout,
    );

    it(
      "V30 renewLease extends the lease: same key, holder and token, later expiresAt, still held after the first ttl",
      async () => {
        await withAdapter(async (adapter) => {
          const grant = granted(await adapter.acquireLease("run", "first", SHORT_TTL_MS));
          const renewed = await adapter.renewLease(grant, HELD_TTL_MS);
          expect(renewed).toMatchObject({ key: "run", holder: "first", token: grant.token });
          expect(renewed.expiresAt).toBeGreaterThan(grant.expiresAt);
          await sleep(PAST_SHORT_TTL_MS);
          const refused = await adapter.acquireLease("run", "second", HELD_TTL_MS);
          expect(refused).toEqual({ acquired: false, holder: "first", expiresAt: renewed.expiresAt });
          await adapter.write("position", "run/p", "renewed", renewed);
          await adapter.write("position", "run/p", "old grant object, same token", grant);
          expect(await adapter.read("position", "run/p")).toBe("old grant object, same token");
        });
      },
      timeout,
    );

    it(
      "V31 renewLease after a takeover, a release or on a lease that is gone throws BtError LEASE",
      async () => {
        await withAdapter(async (adapter) => {
          const first = granted(await adapter.acquireLease("run", "first", SHORT_TTL_MS));
          await sleep(PAST_SHORT_TTL_MS);
          const second = granted(await adapter.acquireLease("run", "second", HELD_TTL_MS));
          expectLeaseError(await captureError(adapter.renewLease(first, HELD_TTL_MS)), adapter);
          // The refused renewal did not touch the new holder's lease.
          expect(await adapter.acquireLease("run", "third", HELD_TTL_MS)).toEqual({
            acquired: false,
            holder: "second",
            expiresAt: second.expiresAt,
          });
          await adapter.releaseLease(second);
          expectLeaseError(await captureError(adapter.renewLease(second, HELD_TTL_MS)), adapter);
          const never: ILeaseGrant = {
            key: "never-acquired",
            holder: "first",
            token: 1,
            expiresAt: Date.now(),
          };
          expectLeaseError(await captureError(adapter.renewLease(never, HELD_TTL_MS)), adapter);
        });
      },
      timeout,
    );

    it(
      "V32 an expired lease is taken over by another holder with a strictly higher token",
      async () => {
        await withAdapter(async (adapter) => {
          const first = granted(await adapter.acquireLease("run", "first", SHORT_TTL_MS));
          await sleep(PAST_SHORT_TTL_MS);
          const second = granted(await adapter.acquireLease("run", "second", SHORT_TTL_MS));
          expect(second.holder).toBe("second");
          expect(second.token).toBeGreaterThan(first.token);
          await sleep(PAST_SHORT_TTL_MS);
          // The first holder comes back after the second one's lease expired: a third, higher token.
          const third = granted(await adapter.acquireLease("run", "first", HELD_TTL_MS));
          expect(third.token).toBeGreaterThan(second.token);
          expect(await adapter.acquireLease("run", "second", HELD_TTL_MS)).toEqual({
            acquired: false,
            holder: "first",
            expiresAt: third.expiresAt,
          });
        });
      },
      timeout,
    );

    it(
      "V33 releaseLease frees the lease at once (the next holder gets a higher token); a stale release is a no-op",
      async () => {
        await withAdapter(async (adapter) => {
          const first = granted(await adapter.acquireLease("run", "first", HELD_TTL_MS));
          await adapter.releaseLease(first);
          const second = granted(await adapter.acquireLease("run", "second", HELD_TTL_MS));
          expect(second.token).toBeGreaterThan(first.token);
          await adapter.releaseLease(first);
          await expect(adapter.releaseLease(first)).resolves.toBeUndefined();
          expect(await adapter.acquireLease("run", "third", HELD_TTL_MS)).toEqual({
            acquired: false,
            holder: "second",
            expiresAt: second.expiresAt,
          });
          await adapter.write("position", "run/p", 2, second);
          await adapter.releaseLease(second);
          await adapter.releaseLease(second);
          const never: ILeaseGrant = { key: "never-acquired", holder: "x", token: 1, expiresAt: Date.now() };
          await expect(adapter.releaseLease(never)).resolves.toBeUndefined();
          const again = granted(await adapter.acquireLease("run", "second", HELD_TTL_MS));
          expect(again.token).toBeGreaterThan(second.token);
        });
      },
      timeout,
    );

    it(
      "V34 write, delete and batch fenced with the current grant succeed",
      async () => {
        await withAdapter(async (adapter) => {
          const grant = granted(await adapter.acquireLease("run-1", "writer", HELD_TTL_MS));
          await adapter.write("position", "run-1/a", { v: 1 }, grant);
          await adapter.write("cursor", "run-1", { at: 1 }, grant);
          expect(await adapter.read("position", "run-1/a")).toEqual({ v: 1 });
          await adapter.delete("position", "run-1/a", grant);
          expect(await adapter.read("position", "run-1/a")).toBeNull();
          await adapter.batch(
            [
              { op: "write", entity: "closed", key: "run-1/c1", value: { pnl: 1 } },
              { op: "write", entity: "order", key: "run-1/o1", value: { id: "o1" } },
              { op: "delete", entity: "cursor", key: "run-1" },
            ],
            grant,
          );
          expect(await adapter.read("closed", "run-1/c1")).toEqual({ pnl: 1 });
          expect(await adapter.read("order", "run-1/o1")).toEqual({ id: "o1" });
          expect(await adapter.read("cursor", "run-1")).toBeNull();
          await expect(adapter.batch([], grant)).resolves.toBeUndefined();
          const renewed = await adapter.renewLease(grant, HELD_TTL_MS);
          await adapter.write("position", "run-1/b", 2, renewed);
          expect(await adapter.read("position", "run-1/b")).toBe(2);
        });
      },
      timeout,
    );

    it(
      "V35 a stale grant (after a takeover) is refused with BtError LEASE: write, delete and batch write nothing",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "run-1/kept", { v: "before" });
          await adapter.write("order", "run-1/o", { v: "before" });
          const stale = granted(await adapter.acquireLease("run-1", "old", SHORT_TTL_MS));
          await sleep(PAST_SHORT_TTL_MS);
          const current = granted(await adapter.acquireLease("run-1", "new", HELD_TTL_MS));
          expectLeaseError(
            await captureError(adapter.write("position", "run-1/kept", "stale", stale)),
            adapter,
          );
          expectLeaseError(
            await captureError(adapter.write("position", "run-1/new", "stale", stale)),
            adapter,
          );
          expectLeaseError(await captureError(adapter.delete("order", "run-1/o", stale)), adapter);
          expectLeaseError(
            await captureError(
              adapter.batch(
                [
                  { op: "write", entity: "closed", key: "run-1/c", value: "stale" },
                  { op: "delete", entity: "position", key: "run-1/kept" },
                  { op: "write", entity: "position", key: "run-1/kept", value: "stale" },
                ],
                stale,
              ),
            ),
            adapter,
          );
          expect(await adapter.read("position", "run-1/kept")).toEqual({ v: "before" });
          expect(await adapter.read("position", "run-1/new")).toBeNull();
          expect(await adapter.read("order", "run-1/o")).toEqual({ v: "before" });
          expect(await adapter.read("closed", "run-1/c")).toBeNull();
          expect(await adapter.list("position")).toEqual(["run-1/kept"]);
          expect(await adapter.list("closed")).toEqual([]);
          // The current holder writes; its fence is unaffected by the refusals.
          await adapter.write("position", "run-1/kept", { v: "after" }, current);
          expect(await adapter.read("position", "run-1/kept")).toEqual({ v: "after" });
        });
      },
      timeout,
    );

    it(
      "V36 a fence that is not the current grant is refused: expired, released, forged holder or token, other key",
      async () => {
        await withAdapter(async (adapter) => {
          const expired = granted(await adapter.acquireLease("run-e", "holder", SHORT_TTL_MS));
          await sleep(PAST_SHORT_TTL_MS);
          // Expired but not (yet) taken over: the writer may no longer assume it is alone.
          expectLeaseError(await captureError(adapter.write("position", "e", 1, expired)), adapter);
          const released = granted(await adapter.acquireLease("run-r", "holder", HELD_TTL_MS));
          await adapter.releaseLease(released);
          expectLeaseError(await captureError(adapter.write("position", "r", 1, released)), adapter);
          const live = granted(await adapter.acquireLease("run-l", "holder", HELD_TTL_MS));
          const forgeries: ILeaseGrant[] = [
            { ...live, holder: "intruder" },
            { ...live, token: live.token + 1 },
            { ...live, token: live.token - 1 },
            { ...live, key: "run-never-acquired" },
            { ...live, key: "run-e" },
          ];
          for (const forged of forgeries) {
            expectLeaseError(await captureError(adapter.write("position", "f", 1, forged)), adapter);
            expectLeaseError(await captureError(adapter.delete("position", "f", forged)), adapter);
            expectLeaseError(
              await captureError(
                adapter.batch([{ op: "write", entity: "position", key: "f", value: 1 }], forged),
              ),
              adapter,
            );
          }
          expect(await adapter.list("position")).toEqual([]);
          await adapter.write("position", "l", 1, live);
          expect(await adapter.list("position")).toEqual(["l"]);
        });
      },
      timeout,
    );

    it(
      "V37 unfenced writes, deletes and batches still work while a lease is held by someone else",
      async () => {
        await withAdapter(async (adapter) => {
          granted(await adapter.acquireLease("run-1", "someone", HELD_TTL_MS));
          await adapter.write("position", "run-1/a", 1);
          await adapter.batch([
            { op: "write", entity: "cursor", key: "run-1", value: 2 },
            { op: "write", entity: "position", key: "run-1/b", value: 3 },
          ]);
          await adapter.delete("position", "run-1/a");
          expect(await adapter.list("position")).toEqual(["run-1/b"]);
          expect(await adapter.read("cursor", "run-1")).toBe(2);
        });
      },
      timeout,
    );

    it(
      "V38 lease state is not a record: not listed by other entities, and records of entity lease never touch it",
      async () => {
        await withAdapter(async (adapter) => {
          await adapter.write("position", "run-1/p", 1);
          // A record of entity "lease" under the same key is the caller's own data, apart from the lease.
          await adapter.write("lease", "run-1", { mine: true });
          const grant = granted(await adapter.acquireLease("run-1/p", "holder", HELD_TTL_MS));
          granted(await adapter.acquireLease("run-1", "holder", HELD_TTL_MS));
          await adapter.renewLease(grant, HELD_TTL_MS);
          const released = granted(await adapter.acquireLease("run-1/released", "holder", HELD_TTL_MS));
          await adapter.releaseLease(released);
          for (const entity of PERSIST_ENTITIES_V2) {
            if (entity === "lease") continue;
            const expected = entity === "position" ? ["run-1/p"] : [];
            expect(await adapter.list(entity), entity).toEqual(expected);
            expect(await adapter.list(entity, "run-1"), entity).toEqual(expected);
          }
          expect(await adapter.read("position", "run-1/p")).toBe(1);
          expect(await adapter.read("position", "run-1")).toBeNull();
          expect(await adapter.read("lease", "run-1")).toEqual({ mine: true });
          await adapter.write("lease", "run-1", "overwritten");
          await adapter.delete("lease", "run-1/p");
          await adapter.batch([{ op: "delete", entity: "lease", key: "run-1" }]);
          // The leases survived every record operation on entity "lease".
          expect(await adapter.acquireLease("run-1/p", "other", HELD_TTL_MS)).toMatchObject({
            acquired: false,
          });
          expect(await adapter.acquireLease("run-1", "other", HELD_TTL_MS)).toMatchObject({
            acquired: false,
          });
          await adapter.write("position", "run-1/q", 2, grant);
          expect(await adapter.read("position", "run-1/q")).toBe(2);
        });
      },
      timeout,
    );

    it(
      "V39 invalid lease arguments are rejected with BtError PERSIST naming adapter, field and value",
      async () => {
        await withAdapter(async (adapter) => {
          const cases: Array<[Promise<unknown>, string, unknown]> = [
            [adapter.acquireLease("", "holder", HELD_TTL_MS), "key", ""],
            [adapter.acquireLease("run", "", HELD_TTL_MS), "holder", ""],
            [adapter.acquireLease("run", "holder", 0), "ttlMs", 0],
            [adapter.acquireLease("run", "holder", -5), "ttlMs", -5],
            [adapter.acquireLease("run", "holder", Number.NaN), "ttlMs", Number.NaN],
            [
              adapter.acquireLease("run", "holder", Number.POSITIVE_INFINITY),
              "ttlMs",
              Number.POSITIVE_INFINITY,
            ],
          ];
          for (const [call, field, value] of cases) {
            const error = await captureError(call);
            expectPersistError(error, adapter);
            expect((error as BtError).field).toBe(field);
            expect((error as BtError).value).toEqual(value);
            expect((error as BtError).adapter).toBe(adapter.name);
          }
          const grant = granted(await adapter.acquireLease("run", "holder", HELD_TTL_MS));
          const error = await captureError(adapter.renewLease(grant, 0));
          expectPersistError(error, adapter);
          expect((error as BtError).field).toBe("ttlMs");
          expect(await adapter.renewLease(grant, HELD_TTL_MS)).toMatchObject({ token: grant.token });
        });
      },
      timeout,
    );

    const reopen = options.reopen;
    const v40 = "V40 two adapter instances on one store see each other's leases, fences and takeovers";
    const v41 = "V41 concurrent acquires from two instances (free and expired lease): exactly one wins";
    if (reopen === undefined) {
      const reason = "not applicable: no reopen hook, the backend cannot be opened twice";
      it.skip(`${v40} (${reason})`, () => {});
      it.skip(`${v41} (${reason})`, () => {});
    } else {
      const withTwoInstances = (
        run: (first: IPersistAdapterV2, second: IPersistAdapterV2) => Promise<void>,
      ): Promise<void> =>
        withAdapter(async (first) => {
          const second = await reopen(first);
          try {
            await second.waitForInit();
            await run(first, second);
          } finally {
            await second.dispose();
          }
        });

      it(
        v40,
        async () => {
          await withTwoInstances(async (first, second) => {
            const grantA = granted(await first.acquireLease("run", "process-a", HELD_TTL_MS));
            expect(await second.acquireLease("run", "process-b", HELD_TTL_MS)).toEqual({
              acquired: false,
              holder: "process-a",
              expiresAt: grantA.expiresAt,
            });
            // The fence is checked against the shared lease, whichever instance writes.
            await second.write("position", "run/p", "a via b", grantA);
            expect(await first.read("position", "run/p")).toBe("a via b");
            // A stale copy of A's grant (A released, B took over) must be refused by both instances.
            const staleA = { ...grantA };
            await first.releaseLease(grantA);
            const grantB = granted(await second.acquireLease("run", "process-b", HELD_TTL_MS));
            expect(grantB.token).toBeGreaterThan(grantA.token);
            expectLeaseError(await captureError(first.renewLease(staleA, HELD_TTL_MS)), first);
            expectLeaseError(await captureError(first.write("position", "run/p", "stale a", staleA)), first);
            expectLeaseError(
              await captureError(second.write("position", "run/p", "stale a", staleA)),
              second,
            );
            expectLeaseError(
              await captureError(first.batch([{ op: "delete", entity: "position", key: "run/p" }], staleA)),
              first,
            );
            await first.write("position", "run/p", "b via a", grantB);
            expect(await second.read("position", "run/p")).toBe("b via a");
            await second.releaseLease(grantB);
            const grantA2 = granted(await first.acquireLease("run", "process-a", HELD_TTL_MS));
            expect(grantA2.token).toBeGreaterThan(grantB.token);
          });
        },
        timeout,
      );

      const isolationReason = options.noConcurrencyIsolation;
      (isolationReason === undefined ? it : it.skip)(
        isolationReason === undefined ? v41 : `${v41} (not applicable: ${isolationReason})`,
        async () => {
          await withTwoInstances(async (first, second) => {
            const contenders = (round: string) =>
              Array.from({ length: 8 }, (_, index) =>
                (index % 2 === 0 ? first : second).acquireLease("run", `${round}-${index}`, LONG_TTL_MS),
              );
            const free = await Promise.all(contenders("free"));
            const freeWinner = onlyWinner(free);
            for (const result of free) {
              if (!result.acquired) expect(result.holder).toBe(freeWinner.holder);
            }
            await sleep(PAST_LONG_TTL_MS);
            const takeover = await Promise.all(contenders("takeover"));
            const takeoverWinner = onlyWinner(takeover);
            expect(takeoverWinner.token).toBeGreaterThan(freeWinner.token);
            for (const result of takeover) {
              if (!result.acquired) expect(result.holder).toBe(takeoverWinner.holder);
            }
            await first.write("position", "run/p", 1, takeoverWinner);
            expectLeaseError(await captureError(second.write("position", "run/p", 2, freeWinner)), second);
            expect(await second.read("position", "run/p")).toBe(1);
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function granted(result: LeaseAcquireResult): ILeaseGrant {
  expect(result.acquired, `expected the lease to be granted, got ${JSON.stringify(result)}`).toBe(true);
  if (!result.acquired) throw new Error("unreachable");
  return result.grant;
}

function onlyWinner(results: ReadonlyArray<LeaseAcquireResult>): ILeaseGrant {
  const winners = results.flatMap((result) => (result.acquired ? [result.grant] : []));
  expect(winners, JSON.stringify(results)).toHaveLength(1);
  return winners[0] as ILeaseGrant;
}

function expectLeaseError(error: unknown, adapter: IPersistAdapterV2): void {
  expect(error, "expected the call to reject with BtError LEASE").toBeDefined();
  expect(BtError.isInstance(error), `expected a BtError, got ${String(error)}`).toBe(true);
  const btError = error as BtError;
  expect(btError.code, btError.message).toBe("LEASE");
  expect(btError.message.startsWith(`${adapter.name}: `), btError.message).toBe(true);
  expect(btError.adapter).toBe(adapter.name);
}

function expectPersistError(error: unknown, adapter: IPersistAdapterV2): void {
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
