// Every persistence adapter seen through contract v2. A v2 adapter is used as it is; a v1 adapter is
// wrapped: the v2 entities map onto v1's "signal" and "scheduled" entities in the layout bt 0.x wrote
// before v2 existed (cursor `<run>#cursor`, history `<run>#closed/<time>`, orders `#broker/<name>/<id>`),
// so a state folder written then is still read. Only the live keyspace (liveKeyspace.ts) uses this.
// A v1 adapter has no lease: the wrapper gives it a best-effort one in the record `<run>#lease`
// (read, then write: two processes starting in the same instant can both win; fenced writes re-read it).

import {
  assertPersistSpec,
  assertPersistTargetV2,
  BtError,
  type ILeaseGrant,
  type IPersistAdapter,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
  type LeaseAcquireResult,
  type PersistBatchOperation,
  type PersistBatchOperationV2,
  type PersistEntity,
  type PersistEntityV2,
  type PersistValue,
} from "@bt/core";
import { wallClock } from "./liveClock";

/** An adapter of either contract version. */
export type AnyPersistAdapter = IPersistAdapter | IPersistAdapterV2;

const BROKER_PREFIX = "#broker/";
const CLOSED_MARK = "#closed/";

/** Where a v2 (entity, key) lives in a v1 adapter. Run keys never contain "#" or "/" (persistKey encodes them). */
function v1Target(entity: PersistEntityV2, key: string): { entity: PersistEntity; key: string } {
  switch (entity) {
    case "position":
      return { entity: "signal", key };
    case "scheduled":
      return { entity: "scheduled", key };
    case "cursor":
      return { entity: "signal", key: `${key}#cursor` };
    case "lease":
      return { entity: "signal", key: `${key}#lease` };
    case "closed": {
      const separator = key.indexOf("/");
      return {
        entity: "signal",
        key:
          separator < 0
            ? `${key}${CLOSED_MARK}`
            : `${key.slice(0, separator)}${CLOSED_MARK}${key.slice(separator + 1)}`,
      };
    }
    case "order":
      return { entity: "signal", key: `${BROKER_PREFIX}${key}` };
    default: {
      const unreachable: never = entity;
      return unreachable;
    }
  }
}

/** The v2 key of a v1 key of `entity`'s v1 home, or null when that v1 key belongs to another v2 entity. */
function v2Key(entity: PersistEntityV2, v1Key: string): string | null {
  switch (entity) {
    case "scheduled":
      return v1Key;
    case "position":
      return v1Key.includes("#") ? null : v1Key;
    case "cursor":
      return !v1Key.startsWith("#") && v1Key.endsWith("#cursor") ? v1Key.slice(0, -"#cursor".length) : null;
    case "lease":
      return !v1Key.startsWith("#") && v1Key.endsWith("#lease") ? v1Key.slice(0, -"#lease".length) : null;
    case "closed": {
      const mark = v1Key.indexOf(CLOSED_MARK);
      return mark <= 0 ? null : `${v1Key.slice(0, mark)}/${v1Key.slice(mark + CLOSED_MARK.length)}`;
    }
    case "order":
      return v1Key.startsWith(BROKER_PREFIX) ? v1Key.slice(BROKER_PREFIX.length) : null;
    default: {
      const unreachable: never = entity;
      return unreachable;
    }
  }
}

function v2EntityOf(corruption: { entity: PersistEntity; key: string }): PersistEntityV2 {
  if (corruption.entity === "scheduled") return "scheduled";
  const candidates: PersistEntityV2[] = ["order", "closed", "cursor", "lease", "position"];
  return candidates.find((entity) => v2Key(entity, corruption.key) !== null) ?? "position";
}

interface ILeaseRecord {
  holder: string;
  token: number;
  expiresAt: number;
}

function leaseRecordOf(value: PersistValue | null): ILeaseRecord | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const { holder, token, expiresAt } = value;
  if (typeof holder !== "string" || typeof token !== "number" || typeof expiresAt !== "number") return null;
  return { holder, token, expiresAt };
}

function wrapV1(adapter: IPersistAdapter): IPersistAdapterV2 {
  const leaseTarget = (key: string) => v1Target("lease", key);
  const readLease = async (key: string) => {
    const target = leaseTarget(key);
    return leaseRecordOf(await adapter.read(target.entity, target.key));
  };
  const writeLease = (key: string, record: ILeaseRecord) => {
    const target = leaseTarget(key);
    return adapter.write(target.entity, target.key, { ...record });
  };
  const lost = (grant: ILeaseGrant, why: string) =>
    new BtError(
      "LEASE",
      `${adapter.name}: lease ${grant.key} of ${grant.holder} (token ${grant.token}) ${why}`,
      {
        adapter: adapter.name,
        field: "lease",
        value: grant.key,
      },
    );
  /** A fenced write goes ahead only while `fence` is still the lease on record. */
  const checkFence = async (fence: ILeaseGrant | undefined) => {
    if (fence === undefined) return;
    const record = await readLease(fence.key);
    if (record === null) throw lost(fence, "is gone (the store was emptied?)");
    if (record.token !== fence.token || record.holder !== fence.holder) {
      throw lost(fence, `was taken over by ${record.holder} (token ${record.token})`);
    }
  };
  const toV1 = (operation: PersistBatchOperationV2): PersistBatchOperation => {
    const target = v1Target(operation.entity, operation.key);
    return operation.op === "write"
      ? { op: "write", ...target, value: operation.value }
      : { op: "delete", ...target };
  };
  return {
    name: adapter.name,
    specVersion: 2,
    capabilities: adapter.capabilities,
    waitForInit: () => adapter.waitForInit(),
    read(entity, key) {
      assertPersistTargetV2(adapter.name, entity, key);
      const target = v1Target(entity, key);
      return adapter.read(target.entity, target.key);
    },
    async write(entity, key, value: PersistValue, fence) {
      assertPersistTargetV2(adapter.name, entity, key);
      await checkFence(fence);
      const target = v1Target(entity, key);
      return adapter.write(target.entity, target.key, value);
    },
    async delete(entity, key, fence) {
      assertPersistTargetV2(adapter.name, entity, key);
      await checkFence(fence);
      const target = v1Target(entity, key);
      return adapter.delete(target.entity, target.key);
    },
    async list(entity, prefix = "") {
      assertPersistTargetV2(adapter.name, entity, undefined, prefix);
      // v1 can only list a whole entity: the price of an adapter without prefix listing.
      const keys: string[] = [];
      for (const v1Key of await adapter.list(entity === "scheduled" ? "scheduled" : "signal")) {
        const key = v2Key(entity, v1Key);
        if (key?.startsWith(prefix)) keys.push(key);
      }
      return keys.sort();
    },
    async batch(operations, fence) {
      await checkFence(fence);
      return adapter.batch(operations.map(toV1));
    },
    async acquireLease(key, holder, ttlMs): Promise<LeaseAcquireResult> {
      const now = wallClock.now();
      const record = await readLease(key);
      if (record !== null && record.holder !== holder && record.expiresAt > now) {
        return { acquired: false, holder: record.holder, expiresAt: record.expiresAt };
      }
      const grant: ILeaseGrant = { key, holder, token: (record?.token ?? 0) + 1, expiresAt: now + ttlMs };
      await writeLease(key, grant);
      return { acquired: true, grant };
    },
    async renewLease(grant, ttlMs) {
      await checkFence(grant);
      const renewed: ILeaseGrant = { ...grant, expiresAt: wallClock.now() + ttlMs };
      await writeLease(grant.key, renewed);
      return renewed;
    },
    async releaseLease(grant) {
      const record = await readLease(grant.key);
      if (record === null || record.token !== grant.token || record.holder !== grant.holder) return;
      await writeLease(grant.key, { ...record, expiresAt: 0 });
    },
    corruptions: (): IPersistCorruptionV2[] =>
      adapter.corruptions().map((corruption) => {
        const entity = v2EntityOf(corruption);
        return { ...corruption, entity, key: v2Key(entity, corruption.key) ?? corruption.key };
      }),
    dispose: () => adapter.dispose(),
  };
}

const views = new WeakMap<IPersistAdapter, IPersistAdapterV2>();

/**
 * The adapter as contract v2 (a v1 adapter wrapped in its legacy layout; the same wrapper for the same
 * adapter every time).
 * @throws BtError PERSIST for an unsupported specVersion.
 */
export function persistV2(adapter: AnyPersistAdapter): IPersistAdapterV2 {
  assertPersistSpec(adapter);
  if (adapter.specVersion === 2) return adapter;
  let view = views.get(adapter);
  if (view === undefined) {
    view = wrapV1(adapter);
    views.set(adapter, view);
  }
  return view;
}
