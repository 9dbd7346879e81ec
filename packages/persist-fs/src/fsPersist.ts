// The embedded file adapter (contract v2): one JSON file per record under <dir>/v2/<entity>/<encoded key>.json.
// Writes go temp file → fsync → rename → fsync(directory), so a kill at any instant leaves the old or
// the new record. Corrupted files are moved to <dir>/v2/<entity>/.quarantine/, reported, never used.
// Leases are lock files in <dir>/v2/lease/ (leaseFiles.ts); a fenced write checks the lease first.

import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  assertLeaseGrant,
  assertLeaseRequest,
  assertLeaseTtl,
  assertLegacyV1Policy,
  assertPersistable,
  assertPersistTargetV2,
  BtError,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
  type LegacyV1Policy,
  PERSIST_ENTITIES_V2,
  type PersistBatchOperationV2,
  type PersistEntityV2,
  type PersistValue,
} from "@bt/core";
import { DirectorySync } from "./directorySync";
import { fileNameMayHoldPrefix, fileNameToKey, keyToFileName, RECORD_EXTENSION } from "./keyFileName";
import { createLeaseFiles } from "./leaseFiles";
import { refuseLegacyV1Records } from "./legacyV1Records";
import { isDeadTempFile, TEMP_PREFIX, tempFileName } from "./tempFileName";

/** Options of createFsPersist. */
export interface IFsPersistOptions {
  /** Root directory of the records; created if missing. */
  dir: string;
  /** Receives warnings (a quarantined file); default `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Records of the v1 layout (bt before contract v2) of the live entities in `dir` (`signal/`,
   * `scheduled/`): "refuse" (default) makes `waitForInit` throw, since v2 never reads them and an open
   * position there would be lost; "ignore" starts anyway. The v1 files are never touched.
   */
  legacyV1?: LegacyV1Policy;
  /** The lease clock in epoch ms (expiresAt and expiry checks); default `Date.now`. */
  now?: () => number;
}

const NAME = "fs";
// Version 2: records of contract v2 entities; a v1 envelope is never served as a v2 record.
const RECORD_VERSION = 2;
const QUARANTINE_DIR = ".quarantine";
const LAYOUT_DIR = "v2";

interface IRecordEnvelope {
  v: typeof RECORD_VERSION;
  entity: PersistEntityV2;
  key: string;
  value: PersistValue;
}

type ParsedRecord = { ok: true; envelope: IRecordEnvelope } | { ok: false; reason: string };

/**
 * Creates the crash-safe file adapter (contract v2) rooted at `dir`; batches are applied in order, not
 * atomically. `list(entity, prefix)` reads the entity's folder and decodes the file names; only the
 * records whose name cannot be decoded (hashed names) and may match the prefix are opened.
 * @example
 * const persist = createFsPersist({ dir: "./dump/persist" });
 * await persist.waitForInit();
 * await persist.write("position", `run-1/${persistKey("BTCUSDT", "my-strategy", "binance")}`, row);
 * await persist.list("position", "run-1/");
 */
export function createFsPersist(options: IFsPersistOptions): IPersistAdapterV2 {
  assertLegacyV1Policy(NAME, options.legacyV1);
  const root = resolve(options.dir);
  const legacyV1 = options.legacyV1 ?? "refuse";
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const found: IPersistCorruptionV2[] = [];
  const directorySyncs = new Map<string, DirectorySync>();
  const keyLocks = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<unknown>>();
  let initPromise: Promise<void> | undefined;
  let disposed = false;

  // Contract v2 records live under <dir>/v2/, apart from a v1 layout in the same folder (left untouched).
  const layoutRoot = join(root, LAYOUT_DIR);
  const entityDir = (entity: PersistEntityV2) => join(layoutRoot, entity);
  const leases = createLeaseFiles(NAME, entityDir("lease"), syncDirectory, options.now ?? (() => Date.now()));

  function fail(message: string, details: { cause?: unknown; field?: string; value?: unknown } = {}): never {
    throw new BtError("PERSIST", `${NAME}: ${message}`, { adapter: NAME, ...details });
  }

  function checkTarget(entity: PersistEntityV2, key?: string, prefix?: string): void {
    if (disposed) fail("adapter is disposed");
    assertPersistTargetV2(NAME, entity, key, prefix);
  }

  function syncDirectory(path: string): Promise<void> {
    let sync = directorySyncs.get(path);
    if (!sync) {
      sync = new DirectorySync(path);
      directorySyncs.set(path, sync);
    }
    return sync.sync();
  }

  /** Runs `task` after every earlier task on the same record file (in this process). */
  function withKeyLock<T>(entity: PersistEntityV2, fileName: string, task: () => Promise<T>): Promise<T> {
    const lockId = `${entity}/${fileName}`;
    const previous = keyLocks.get(lockId) ?? Promise.resolve();
    const result = previous.then(task);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    keyLocks.set(lockId, settled);
    void settled.then(() => {
      if (keyLocks.get(lockId) === settled) keyLocks.delete(lockId);
    });
    return track(result);
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  function parseRecord(text: string, entity: PersistEntityV2, fileName: string): ParsedRecord {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, reason: `invalid JSON (${(error as Error).message})` };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { ok: false, reason: "not a record envelope" };
    }
    const envelope = parsed as Partial<IRecordEnvelope>;
    if (envelope.v !== RECORD_VERSION) return { ok: false, reason: `unknown envelope version ${envelope.v}` };
    if (envelope.entity !== entity) return { ok: false, reason: `envelope entity is ${envelope.entity}` };
    if (typeof envelope.key !== "string" || keyToFileName(envelope.key) !== fileName) {
      return { ok: false, reason: "envelope key does not match the file name" };
    }
    if (!("value" in envelope)) return { ok: false, reason: "envelope has no value" };
    return { ok: true, envelope: envelope as IRecordEnvelope };
  }

  /** Moves a bad record file aside (unless it was replaced meanwhile) and reports it. */
  async function quarantine(entity: PersistEntityV2, fileName: string, reason: string, key?: string) {
    const directory = entityDir(entity);
    const source = join(directory, fileName);
    const quarantineDir = join(directory, QUARANTINE_DIR);
    const target = join(quarantineDir, `${fileName}.${Date.now()}-${randomUUID().slice(0, 8)}.corrupt`);
    await mkdir(quarantineDir, { recursive: true });
    try {
      await rename(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      fail(`cannot quarantine ${source}: ${(error as Error).message}`, { cause: error });
    }
    await syncDirectory(directory);
    const corruption: IPersistCorruptionV2 = {
      entity,
      key: key ?? fileNameToKey(fileName) ?? fileName,
      reason,
      quarantinedAs: target,
    };
    found.push(corruption);
    warn(`${NAME}: corrupted record ${source} (${reason}) moved to ${target}; it will not be used`);
  }

  /** Reads and validates one record file; a bad one is quarantined and yields null. */
  async function loadRecord(entity: PersistEntityV2, fileName: string, key?: string) {
    const path = join(entityDir(entity), fileName);
    const text = await readText(path);
    if (text === null) return null;
    const parsed = parseRecord(text, entity, fileName);
    if (parsed.ok) return parsed.envelope;
    // Re-check under the record's lock so a concurrent good write is never quarantined.
    return withKeyLock(entity, fileName, async () => {
      const again = await readText(path);
      if (again === null) return null;
      const reparsed = parseRecord(again, entity, fileName);
      if (reparsed.ok) return reparsed.envelope;
      await quarantine(entity, fileName, reparsed.reason, key);
      return null;
    });
  }

  async function readText(path: string): Promise<string | null> {
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      return fail(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  async function writeRecord(entity: PersistEntityV2, key: string, text: string): Promise<void> {
    const directory = entityDir(entity);
    const target = join(directory, keyToFileName(key));
    const temp = join(directory, tempFileName());
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      await syncDirectory(directory);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      fail(`write ${entity} ${JSON.stringify(key)} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async function deleteRecord(entity: PersistEntityV2, key: string): Promise<void> {
    const directory = entityDir(entity);
    try {
      await rm(join(directory, keyToFileName(key)), { force: true });
      await syncDirectory(directory);
    } catch (error) {
      fail(`delete ${entity} ${JSON.stringify(key)} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  function encode(entity: PersistEntityV2, key: string, value: PersistValue, path?: string): string {
    assertPersistable(value, NAME, path);
    const envelope: IRecordEnvelope = { v: RECORD_VERSION, entity, key, value };
    return JSON.stringify(envelope);
  }

  async function initialise(): Promise<void> {
    try {
      // Before anything is created: a refused start leaves the folder as it was.
      if (legacyV1 === "refuse") await refuseLegacyV1Records(NAME, root);
      await mkdir(layoutRoot, { recursive: true });
      for (const entity of PERSIST_ENTITIES_V2) await mkdir(entityDir(entity), { recursive: true });
      await syncDirectory(root);
      await syncDirectory(layoutRoot);
      for (const entity of PERSIST_ENTITIES_V2) await scanEntity(entity);
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      fail(`cannot initialise ${root}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Removes temp files a crash left behind (only provably dead ones) and quarantines bad records. */
  async function scanEntity(entity: PersistEntityV2): Promise<void> {
    const directory = entityDir(entity);
    let removedTemp = false;
    for (const fileName of await readdir(directory)) {
      if (fileName.startsWith(TEMP_PREFIX)) {
        // A dead temp file is a write that never reached its rename: the crash lost it, the old record
        // stands. A live process's temp file (another adapter on this folder) is about to be renamed: kept.
        if (await isRemovableTemp(join(directory, fileName), fileName)) {
          await rm(join(directory, fileName), { force: true });
          removedTemp = true;
        }
      } else if (!fileName.startsWith(".") && fileName.endsWith(RECORD_EXTENSION)) {
        await loadRecord(entity, fileName);
      }
    }
    if (removedTemp) await syncDirectory(directory);
  }

  async function isRemovableTemp(path: string, fileName: string): Promise<boolean> {
    try {
      const { mtimeMs } = await stat(path);
      return isDeadTempFile(fileName, Date.now() - mtimeMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false; // renamed meanwhile
      throw error;
    }
  }

  function checkFence(fence: ILeaseGrant | undefined): void {
    if (fence !== undefined) assertLeaseGrant(NAME, fence, "fence");
  }

  /** Writes or deletes one record under its key lock, after the fence (if any) proved to be current. */
  function applyRecord(
    entity: PersistEntityV2,
    key: string,
    text: string | undefined,
    fence: ILeaseGrant | undefined,
  ): Promise<void> {
    return withKeyLock(entity, keyToFileName(key), async () => {
      // Check then rename: not atomic across processes. A takeover only starts after expiresAt, so the
      // window is a write that starts just before its lease expires and lands just after (renew early).
      if (fence !== undefined) await leases.checkFence(fence);
      if (text === undefined) await deleteRecord(entity, key);
      else await writeRecord(entity, key, text);
    });
  }

  async function ready(): Promise<void> {
    if (disposed) fail("adapter is disposed");
    await adapter.waitForInit();
  }

  const adapter: IPersistAdapterV2 = {
    name: NAME,
    specVersion: 2,
    capabilities: { atomicBatch: false },

    waitForInit() {
      if (disposed) {
        return Promise.reject(new BtError("PERSIST", `${NAME}: adapter is disposed`, { adapter: NAME }));
      }
      if (!initPromise) {
        initPromise = track(initialise());
        // A failed init may be retried by the next call.
        initPromise.catch(() => {
          initPromise = undefined;
        });
      }
      return initPromise;
    },

    async read(entity, key) {
      checkTarget(entity, key);
      await ready();
      const envelope = await track(loadRecord(entity, keyToFileName(key), key));
      return envelope === null ? null : envelope.value;
    },

    async write(entity, key, value, fence) {
      checkTarget(entity, key);
      const text = encode(entity, key, value);
      checkFence(fence);
      // Tracked from the start, so a dispose() issued right after still waits for this write.
      await track(
        (async () => {
          await ready();
          await applyRecord(entity, key, text, fence);
        })(),
      );
    },

    async delete(entity, key, fence) {
      checkTarget(entity, key);
      checkFence(fence);
      await track(
        (async () => {
          await ready();
          await applyRecord(entity, key, undefined, fence);
        })(),
      );
    },

    async list(entity, prefix = "") {
      checkTarget(entity, undefined, prefix);
      await ready();
      const keys: string[] = [];
      const directory = entityDir(entity);
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        return fail(`cannot list ${directory}: ${(error as Error).message}`, { cause: error });
      }
      for (const fileName of names) {
        // Skips temp files, the quarantine folder and names that cannot hold a key with this prefix.
        if (!fileNameMayHoldPrefix(fileName, prefix)) continue;
        const decoded = fileNameToKey(fileName);
        if (decoded !== undefined) {
          if (decoded.startsWith(prefix)) keys.push(decoded);
          continue;
        }
        // A hashed name: only the record itself knows its key.
        const envelope = await loadRecord(entity, fileName);
        if (envelope?.key.startsWith(prefix)) keys.push(envelope.key);
      }
      return keys.sort();
    },

    async batch(operations: ReadonlyArray<PersistBatchOperationV2>, fence?: ILeaseGrant) {
      // Validate every operation before touching a file, so an invalid batch writes nothing.
      const texts = operations.map((operation, index) => {
        checkTarget(operation.entity, operation.key);
        return operation.op === "write"
          ? encode(operation.entity, operation.key, operation.value, `operations[${index}].value`)
          : undefined;
      });
      checkFence(fence);
      const apply = async () => {
        await ready();
        // Every step is fenced: a stale fence is refused at the first one, before anything is written,
        // and a lease lost in the middle stops the rest of the batch.
        for (const [index, operation] of operations.entries()) {
          await applyRecord(operation.entity, operation.key, texts[index], fence);
        }
      };
      await track(apply());
    },

    async acquireLease(key, holder, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseRequest(NAME, key, holder, ttlMs);
      await ready();
      return track(leases.acquire(key, holder, ttlMs));
    },

    async renewLease(grant, ttlMs) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      assertLeaseTtl(NAME, ttlMs);
      await ready();
      return track(leases.renew(grant, ttlMs));
    },

    async releaseLease(grant) {
      if (disposed) fail("adapter is disposed");
      assertLeaseGrant(NAME, grant, "grant");
      await ready();
      await track(leases.release(grant));
    },

    corruptions() {
      return [...found];
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      // Let writes already issued reach the disk before the adapter goes away.
      await Promise.allSettled([...inFlight]);
    },
  };
  return adapter;
}
