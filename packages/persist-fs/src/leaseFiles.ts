// Leases of the file adapter: lock files with a heartbeat, `<dir>/v2/lease/.lease-<token>-<key file name>`,
// each holding `{ key, holder, token, expiresAt }`; the file with the highest token is the lease. A new
// token is published with link(2) from a complete, fsynced temp file, which fails when the name exists, so
// two processes (or two adapters of one process) can never both create token N: the free acquire and the
// takeover of an expired lease are both race-safe. Renew and release rewrite the holder's own token file
// (temp + rename). Clock: this process's `Date.now()` (processes sharing a folder share the host clock).

import { link, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  BtError,
  type ILeaseGrant,
  type LeaseAcquireResult,
  leaseFenceRefusal,
  leaseLostReason,
} from "@bt/core";
import { keyToFileName } from "./keyFileName";
import { tempFileName } from "./tempFileName";

/** The lease operations of one lease folder. */
export interface ILeaseFiles {
  acquire(key: string, holder: string, ttlMs: number): Promise<LeaseAcquireResult>;
  renew(grant: ILeaseGrant, ttlMs: number): Promise<ILeaseGrant>;
  release(grant: ILeaseGrant): Promise<void>;
  /** Throws BtError LEASE unless `fence` is the current, unexpired grant of its lease. */
  checkFence(fence: ILeaseGrant): Promise<void>;
}

interface IStoredLease {
  key: string;
  holder: string;
  token: number;
  expiresAt: number;
}

const LEASE_PREFIX = ".lease-";
const LEASE_NAME = /^\.lease-([1-9][0-9]*)-(.+)$/;
// A reader that loses a race with a takeover's cleanup (the file it listed is gone) lists again.
const MAX_READ_ATTEMPTS = 20;
// A lost link race (another process published the token first) is retried on the new state.
const MAX_ACQUIRE_ATTEMPTS = 10;

/** The lease lock files of `directory` (the lease entity folder), for adapter `name`. */
export function createLeaseFiles(
  name: string,
  directory: string,
  syncDirectory: (path: string) => Promise<void>,
  now: () => number,
): ILeaseFiles {
  const locks = new Map<string, Promise<void>>();

  function fail(message: string, cause: unknown): never {
    throw new BtError("PERSIST", `${name}: ${message}: ${(cause as Error).message}`, {
      adapter: name,
      cause,
    });
  }

  function refuse(message: string, field: string, grant: ILeaseGrant): never {
    throw new BtError("LEASE", `${name}: ${message}`, { adapter: name, field, value: grant });
  }

  /** Runs `task` after earlier lease tasks on the same key in this adapter (other processes race via link). */
  function serialised<T>(fileName: string, task: () => Promise<T>): Promise<T> {
    const previous = locks.get(fileName) ?? Promise.resolve();
    const result = previous.then(task);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    locks.set(fileName, settled);
    void settled.then(() => {
      if (locks.get(fileName) === settled) locks.delete(fileName);
    });
    return result;
  }

  async function tokensOf(fileName: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      return fail(`cannot list leases in ${directory}`, error);
    }
    const tokens: number[] = [];
    for (const entry of names) {
      const match = LEASE_NAME.exec(entry);
      if (match !== null && match[2] === fileName) tokens.push(Number(match[1]));
    }
    return tokens.sort((a, b) => a - b);
  }

  /** The current lease of `key` (highest token), undefined when none was ever taken. */
  async function current(key: string, fileName: string): Promise<IStoredLease | undefined> {
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const token = (await tokensOf(fileName)).at(-1);
      if (token === undefined) return undefined;
      let text: string;
      try {
        text = await readFile(join(directory, leaseFileName(token, fileName)), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        return fail(`cannot read lease ${JSON.stringify(key)}`, error);
      }
      const stored = parseLease(text);
      // An unreadable lease file is never trusted as live: it counts as expired, so a takeover (with a
      // higher token) repairs it.
      return stored !== undefined && stored.key === key && stored.token === token
        ? stored
        : { key, holder: "", token, expiresAt: 0 };
    }
    return fail(`cannot read lease ${JSON.stringify(key)}`, new Error("it kept changing hands"));
  }

  async function writeTemp(lease: IStoredLease): Promise<string> {
    const temp = join(directory, tempFileName());
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(JSON.stringify(lease), "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  /** Publishes `lease` under its token unless that token exists: true when this call created it. */
  async function createExclusive(fileName: string, lease: IStoredLease): Promise<boolean> {
    let temp: string | undefined;
    try {
      temp = await writeTemp(lease);
      await link(temp, join(directory, leaseFileName(lease.token, fileName)));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      return fail(`cannot create lease ${JSON.stringify(lease.key)}`, error);
    } finally {
      if (temp !== undefined) await rm(temp, { force: true }).catch(() => undefined);
      await syncDirectory(directory);
    }
  }

  /** Rewrites the holder's own token file (renew, release). */
  async function replace(fileName: string, lease: IStoredLease): Promise<void> {
    let temp: string | undefined;
    try {
      temp = await writeTemp(lease);
      await rename(temp, join(directory, leaseFileName(lease.token, fileName)));
      temp = undefined;
      await syncDirectory(directory);
    } catch (error) {
      return fail(`cannot update lease ${JSON.stringify(lease.key)}`, error);
    } finally {
      if (temp !== undefined) await rm(temp, { force: true }).catch(() => undefined);
    }
  }

  /** Removes the token files below `token` (superseded leases). */
  async function removeOlder(fileName: string, token: number): Promise<void> {
    for (const older of await tokensOf(fileName)) {
      if (older < token) await rm(join(directory, leaseFileName(older, fileName)), { force: true });
    }
  }

  async function acquireOnce(key: string, fileName: string, holder: string, ttlMs: number) {
    const lease = await current(key, fileName);
    const at = now();
    if (lease !== undefined && lease.holder !== "" && at < lease.expiresAt) {
      return { acquired: false as const, holder: lease.holder, expiresAt: lease.expiresAt };
    }
    const next: IStoredLease = { key, holder, token: (lease?.token ?? 0) + 1, expiresAt: at + ttlMs };
    if (!(await createExclusive(fileName, next))) return undefined;
    // A listing that missed a higher token (removed meanwhile as superseded) could have let this create a
    // lower one: the highest token is the lease, so check that it is ours.
    const after = await current(key, fileName);
    if (after === undefined || after.token !== next.token) {
      await rm(join(directory, leaseFileName(next.token, fileName)), { force: true });
      return undefined;
    }
    await removeOlder(fileName, next.token);
    return { acquired: true as const, grant: { ...next } };
  }

  return {
    acquire(key, holder, ttlMs) {
      const fileName = keyToFileName(key);
      return serialised(fileName, async (): Promise<LeaseAcquireResult> => {
        for (let attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS; attempt++) {
          const result = await acquireOnce(key, fileName, holder, ttlMs);
          if (result !== undefined) return result;
        }
        const lease = await current(key, fileName);
        if (lease !== undefined && lease.holder !== "") {
          return { acquired: false, holder: lease.holder, expiresAt: lease.expiresAt };
        }
        return fail(
          `cannot acquire lease ${JSON.stringify(key)}`,
          new Error("too many concurrent takeovers"),
        );
      });
    },

    renew(grant, ttlMs) {
      const fileName = keyToFileName(grant.key);
      return serialised(fileName, async () => {
        const lease = await current(grant.key, fileName);
        const lost = leaseLostReason(lease, grant);
        if (lost !== undefined)
          refuse(`lease ${JSON.stringify(grant.key)} cannot be renewed: ${lost}`, "grant", grant);
        const renewed: IStoredLease = {
          key: grant.key,
          holder: grant.holder,
          token: grant.token,
          expiresAt: now() + ttlMs,
        };
        await replace(fileName, renewed);
        // A takeover that raced this renewal (it read the lease as expired) wins: its token is higher.
        const after = await current(grant.key, fileName);
        const lostMeanwhile = leaseLostReason(after, grant);
        if (lostMeanwhile !== undefined) {
          refuse(`lease ${JSON.stringify(grant.key)} cannot be renewed: ${lostMeanwhile}`, "grant", grant);
        }
        return { ...grant, expiresAt: renewed.expiresAt };
      });
    },

    release(grant) {
      const fileName = keyToFileName(grant.key);
      return serialised(fileName, async () => {
        const lease = await current(grant.key, fileName);
        if (leaseLostReason(lease, grant) !== undefined) return;
        // The file (and its token) stays, so the next holder gets a higher token.
        await replace(fileName, { key: grant.key, holder: "", token: grant.token, expiresAt: 0 });
      });
    },

    async checkFence(fence) {
      const lease = await current(fence.key, keyToFileName(fence.key));
      const refusal = leaseFenceRefusal(lease, fence, now());
      if (refusal !== undefined) {
        refuse(`fenced write refused on lease ${JSON.stringify(fence.key)}: ${refusal}`, "fence", fence);
      }
    },
  };
}

function leaseFileName(token: number, fileName: string): string {
  return `${LEASE_PREFIX}${token}-${fileName}`;
}

function parseLease(text: string): IStoredLease | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<IStoredLease> | null;
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      typeof parsed.key === "string" &&
      typeof parsed.holder === "string" &&
      typeof parsed.token === "number" &&
      typeof parsed.expiresAt === "number"
    ) {
      return { key: parsed.key, holder: parsed.holder, token: parsed.token, expiresAt: parsed.expiresAt };
    }
  } catch {
    // Falls through: an unreadable lease file.
  }
  return undefined;
}
