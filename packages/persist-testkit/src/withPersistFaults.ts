// A fault-injecting wrapper around any IPersistAdapterV2, for engine crash and retry tests: it can "kill
// the process" after N record operations (records stay exactly as a kill at that instant leaves them),
// fail the next calls of one method (before or after applying them) and damage a stored record. Lease
// calls and fences are forwarded; a dead wrapper can no longer renew, so its lease expires.

import {
  assertPersistable,
  assertPersistTargetV2,
  BtError,
  type ILeaseGrant,
  type IPersistAdapterV2,
  type IPersistCorruptionV2,
  type PersistBatchOperationV2,
  type PersistEntityV2,
  type PersistValue,
} from "@bt/core";

/** The adapter methods a failure can be injected into. */
export type PersistMethodV2 =
  | "waitForInit"
  | "read"
  | "write"
  | "delete"
  | "list"
  | "batch"
  | "acquireLease"
  | "renewLease"
  | "releaseLease";

/** Options of withPersistFaults. */
export interface IPersistFaultOptions {
  /** Name used in error messages and declared by the wrapper; default the wrapped adapter's name. */
  name?: string;
  /**
   * Whether batches are applied atomically (default: what the wrapped adapter declares). `false` applies
   * a batch one operation at a time through write/delete, so a death can land between its steps; `true`
   * needs an atomic wrapped adapter.
   */
  atomicBatch?: boolean;
  /**
   * Record operations (writes and deletes; every step of a batch counts) allowed before the adapter
   * dies; from then on every call throws BtError PERSIST. An atomic batch that does not fit in the
   * remaining budget dies before any of it is applied. Default: never dies.
   */
  dieAfterOperations?: number;
  /** Called once, synchronously, at the moment the adapter dies. */
  onDeath?: () => void;
  /**
   * Damages the stored record of (entity, key) in the real backend, for `corrupt()`; default: the
   * wrapper simulates the damage itself (the record is quarantined on its next read, list or init).
   */
  corrupt?: (entity: PersistEntityV2, key: string) => Promise<void>;
}

/** How failNext fails the next calls of one method. */
export interface IFailNextOptions {
  /** How many consecutive calls fail (default 1). */
  times?: number;
  /** What the calls throw; default a retryable BtError PERSIST naming the method. */
  error?: unknown;
  /**
   * `false` (default): the call fails before it touches the store. `true`: the call is applied, then
   * throws, like a timeout after the server committed (an unknown outcome).
   */
  applied?: boolean;
}

/** The wrapped adapter plus its fault controls and counters. */
export interface IFaultyPersistV2 extends IPersistAdapterV2 {
  /** The adapter underneath. */
  readonly inner: IPersistAdapterV2;
  /** Record operations applied so far (writes and deletes, every batch step counted; fence refusals not). */
  readonly operations: number;
  /** True once the adapter died (budget spent or kill()). */
  readonly dead: boolean;
  /** Dies now: onDeath runs and every later call throws. */
  kill(): void;
  /** Makes the next `times` calls of `method` throw (see IFailNextOptions). */
  failNext(method: PersistMethodV2, options?: IFailNextOptions): void;
  /** Damages the stored record of (entity, key): it must be quarantined and reported, never used. */
  corrupt(entity: PersistEntityV2, key: string): Promise<void>;
}

interface IPendingFailure {
  remaining: number;
  error: unknown;
  applied: boolean;
}

/**
 * Wraps `adapter` with injectable faults; with no fault configured it behaves exactly like `adapter`
 * (it passes describePersistContractV2). Share the backing store (e.g. the `records` Map of
 * createMemoryPersistV2) between two wrappers to simulate a restart after a death.
 * @throws BtError PERSIST when `atomicBatch: true` is asked of a non-atomic adapter.
 * @example
 * const records = new Map<string, string>();
 * const persist = withPersistFaults(createMemoryPersistV2({ records }), { dieAfterOperations: 3 });
 * // … run until it dies, then "restart" on the same records:
 * const restarted = withPersistFaults(createMemoryPersistV2({ records }));
 */
export function withPersistFaults(
  adapter: IPersistAdapterV2,
  options: IPersistFaultOptions = {},
): IFaultyPersistV2 {
  const name = options.name ?? adapter.name;
  const atomicBatch = options.atomicBatch ?? adapter.capabilities.atomicBatch;
  if (atomicBatch && !adapter.capabilities.atomicBatch) {
    throw new BtError("PERSIST", `${name}: atomicBatch cannot be true over a non-atomic adapter`, {
      adapter: name,
      field: "atomicBatch",
      value: atomicBatch,
    });
  }
  const budget = options.dieAfterOperations;
  const failures = new Map<PersistMethodV2, IPendingFailure>();
  const damaged = new Set<string>();
  const found: IPersistCorruptionV2[] = [];
  let operations = 0;
  let dead = false;

  const recordId = (entity: PersistEntityV2, key: string) => `${entity}/${key}`;

  function die(): never {
    if (!dead) {
      dead = true;
      options.onDeath?.();
    }
    throw deathError();
  }

  function deathError(): BtError {
    return new BtError(
      "PERSIST",
      `${name}: the process is dead (killed after ${operations} record operations)`,
      {
        adapter: name,
      },
    );
  }

  function checkAlive(): void {
    if (dead) throw deathError();
  }

  /** Counts `steps` record operations, or dies when they do not fit in the budget. */
  function spend(steps: number): void {
    checkAlive();
    if (budget !== undefined && operations + steps > budget) die();
    operations += steps;
  }

  /** Runs a fenced record operation counted as `steps`; a fence refusal (nothing written) is not counted. */
  async function refundRefused(steps: number, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (BtError.isInstance(error) && error.code === "LEASE") operations -= steps;
      throw error;
    }
  }

  /** The injected failure of this call, if any: consumed here. */
  function takeFailure(method: PersistMethodV2): IPendingFailure | undefined {
    const failure = failures.get(method);
    if (failure === undefined) return undefined;
    failure.remaining--;
    if (failure.remaining <= 0) failures.delete(method);
    return failure;
  }

  /** Runs one call: alive check, injected failure before or after, then the call itself. */
  async function call<T>(method: PersistMethodV2, run: () => Promise<T>): Promise<T> {
    checkAlive();
    const failure = takeFailure(method);
    if (failure !== undefined && !failure.applied) throw failure.error;
    const result = await run();
    if (failure !== undefined) throw failure.error;
    return result;
  }

  /** Moves a simulated-damaged record aside (it is deleted underneath) and reports it. */
  async function quarantine(entity: PersistEntityV2, key: string): Promise<void> {
    const id = recordId(entity, key);
    if (!damaged.delete(id)) return;
    if ((await adapter.read(entity, key)) === null) return;
    await adapter.delete(entity, key);
    found.push({
      entity,
      key,
      reason: "damaged by withPersistFaults.corrupt()",
      quarantinedAs: `${name} fault quarantine ${id}`,
    });
  }

  async function quarantineAll(): Promise<void> {
    for (const id of [...damaged]) {
      const slash = id.indexOf("/");
      await quarantine(id.slice(0, slash) as PersistEntityV2, id.slice(slash + 1));
    }
  }

  async function applyWrite(
    entity: PersistEntityV2,
    key: string,
    value: PersistValue,
    fence: ILeaseGrant | undefined,
  ): Promise<void> {
    spend(1);
    await refundRefused(1, () => adapter.write(entity, key, value, fence));
    damaged.delete(recordId(entity, key));
  }

  async function applyDelete(
    entity: PersistEntityV2,
    key: string,
    fence: ILeaseGrant | undefined,
  ): Promise<void> {
    spend(1);
    await refundRefused(1, () => adapter.delete(entity, key, fence));
    damaged.delete(recordId(entity, key));
  }

  const wrapper: IFaultyPersistV2 = {
    name,
    specVersion: 2,
    capabilities: { ...adapter.capabilities, atomicBatch },
    inner: adapter,
    get operations() {
      return operations;
    },
    get dead() {
      return dead;
    },
    kill() {
      if (dead) return;
      dead = true;
      options.onDeath?.();
    },
    failNext(method, failOptions = {}) {
      failures.set(method, {
        remaining: failOptions.times ?? 1,
        applied: failOptions.applied ?? false,
        error:
          failOptions.error ??
          new BtError("PERSIST", `${name}: injected ${method} failure (withPersistFaults)`, {
            adapter: name,
            retryable: true,
          }),
      });
    },
    async corrupt(entity, key) {
      assertPersistTargetV2(name, entity, key);
      if (options.corrupt !== undefined) await options.corrupt(entity, key);
      else damaged.add(recordId(entity, key));
    },

    async waitForInit() {
      await call("waitForInit", async () => {
        await adapter.waitForInit();
        await quarantineAll();
      });
    },
    async read(entity, key) {
      assertPersistTargetV2(name, entity, key);
      return call("read", async () => {
        await quarantine(entity, key);
        return adapter.read(entity, key);
      });
    },
    async write(entity, key, value, fence) {
      assertPersistTargetV2(name, entity, key);
      assertPersistable(value, name);
      await call("write", () => applyWrite(entity, key, value, fence));
    },
    async delete(entity, key, fence) {
      assertPersistTargetV2(name, entity, key);
      await call("delete", () => applyDelete(entity, key, fence));
    },
    async list(entity, prefix = "") {
      assertPersistTargetV2(name, entity, undefined, prefix);
      return call("list", async () => {
        const keys = await adapter.list(entity, prefix);
        const bad = keys.filter((key) => damaged.has(recordId(entity, key)));
        for (const key of bad) await quarantine(entity, key);
        return bad.length === 0 ? keys : keys.filter((key) => !bad.includes(key));
      });
    },
    async batch(batchOperations: ReadonlyArray<PersistBatchOperationV2>, fence?: ILeaseGrant) {
      // Validated whole before anything is applied or counted, like every adapter does.
      for (const [index, operation] of batchOperations.entries()) {
        assertPersistTargetV2(name, operation.entity, operation.key);
        if (operation.op === "write") assertPersistable(operation.value, name, `operations[${index}].value`);
      }
      await call("batch", async () => {
        if (atomicBatch) {
          spend(batchOperations.length);
          await refundRefused(batchOperations.length, () => adapter.batch(batchOperations, fence));
          for (const operation of batchOperations) damaged.delete(recordId(operation.entity, operation.key));
          return;
        }
        // One operation at a time, so a death between two steps leaves the first one applied; each step is
        // fenced, so a stale fence is refused at the first step, before anything is written.
        for (const operation of batchOperations) {
          if (operation.op === "write") {
            await applyWrite(operation.entity, operation.key, operation.value, fence);
          } else {
            await applyDelete(operation.entity, operation.key, fence);
          }
        }
      });
    },
    async acquireLease(key, holder, ttlMs) {
      return call("acquireLease", () => adapter.acquireLease(key, holder, ttlMs));
    },
    async renewLease(grant, ttlMs) {
      return call("renewLease", () => adapter.renewLease(grant, ttlMs));
    },
    async releaseLease(grant) {
      await call("releaseLease", () => adapter.releaseLease(grant));
    },
    corruptions(): ReadonlyArray<IPersistCorruptionV2> {
      return [...adapter.corruptions(), ...found];
    },
    async dispose() {
      // Also after a death: the backing store stays, which is what a restart reads.
      await adapter.dispose();
    },
  };
  return wrapper;
}
