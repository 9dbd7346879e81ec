// The run's writer lease: one live process per (exchange, symbol, strategy) and store. Taken before the
// restore, renewed every third of its ttl, passed as the fence of every write, released on a clean stop.
// A restart on the same host after a crash waits out the dead process's lease instead of refusing.

import { hostname } from "node:os";
import { BtError, type ILeaseGrant, type ILogger, type IPersistAdapterV2 } from "@bt/core";

/** What the lease needs from its run. */
export interface IRunLeaseParams {
  store: IPersistAdapterV2;
  /** The run's key (runKeys(identity).run). */
  key: string;
  ttlMs: number;
  logger: ILogger;
  /** "Live <strategy> on <symbol>", the subject of messages. */
  what: string;
  source: Record<string, unknown>;
  /** True once the run is stopping: no more waiting for a dead holder. */
  stopped: () => boolean;
  /** The lease was taken over (or the store lost it): the run must end with `error`. */
  onLost: (error: BtError) => void;
  /** A renewal failed for another reason (retried at the next heartbeat). */
  onRenewError: (error: unknown) => void;
}

/**
 * `bytes` random bytes as hex, from the Web Crypto global: Node loads its crypto module on first use
 * there, so importing the engine (a backtest, every sweep worker) does not load it (≈ 3.5 ms).
 */
export function randomHex(bytes: number): string {
  let hex = "";
  for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(bytes))) {
    hex += byte.toString(16).padStart(2, "0");
  }
  return hex;
}

/** The identity a lease is held under: host, process and a random part (two runs of one process differ). */
function leaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomHex(4)}`;
}

/** True when `holder` (a leaseHolder()) names another process of this host that no longer exists. */
function isDeadLocalHolder(holder: string): boolean {
  const [host, pidText] = holder.split(":");
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A held run lease: its current grant (the fence of every write), the heartbeat, the release. */
export class RunLease {
  private lost = false;
  private readonly heartbeat: ReturnType<typeof setInterval>;

  private constructor(
    private readonly params: IRunLeaseParams,
    /** The current grant; renewed in place by the heartbeat. */
    public grant: ILeaseGrant,
  ) {
    this.heartbeat = setInterval(() => this.renew(), Math.max(1, Math.floor(params.ttlMs / 3)));
    this.heartbeat.unref?.();
  }

  /**
   * Takes the lease; waits up to one ttl when its holder is a process of this host that has exited.
   * @throws BtError LEASE naming the holder when another process holds it.
   */
  static async take(params: IRunLeaseParams): Promise<RunLease> {
    const { store, key, ttlMs, logger, what, source } = params;
    const holder = leaseHolder();
    let acquired = await store.acquireLease(key, holder, ttlMs);
    if (!acquired.acquired && isDeadLocalHolder(acquired.holder)) {
      // The dead holder's lease runs out within one ttl on the store's clock, so poll rather than compute;
      // the takeover gets a higher fencing token.
      logger.info(
        `${what}: lease ${key} is still held by ${acquired.holder}, a process of this host that has exited; waiting up to ${ttlMs} ms for it to expire`,
        source,
      );
      const giveUpAt = Date.now() + ttlMs + 1_000;
      while (!acquired.acquired && Date.now() < giveUpAt && !params.stopped()) {
        await realSleep(Math.min(1_000, Math.max(10, Math.floor(ttlMs / 4))));
        acquired = await store.acquireLease(key, holder, ttlMs);
      }
    }
    if (!acquired.acquired) {
      throw new BtError(
        "LEASE",
        `${what}: the store ${store.name} is held by ${acquired.holder} (lease ${key} until ${new Date(acquired.expiresAt).toISOString()}); another process runs this strategy, so this one does not start`,
        { field: "lease", value: acquired.holder, adapter: store.name },
      );
    }
    logger.info(`lease ${key} held by ${holder} (token ${acquired.grant.token})`, source);
    return new RunLease(params, acquired.grant);
  }

  private renew(): void {
    if (this.lost) return;
    const held = this.grant;
    this.params.store.renewLease(held, this.params.ttlMs).then(
      (renewed) => {
        if (this.grant === held) this.grant = renewed;
      },
      (error: unknown) => {
        if (BtError.isInstance(error) && error.code === "LEASE") {
          this.lost = true;
          this.params.onLost(error);
        } else {
          this.params.onRenewError(error);
        }
      },
    );
  }

  /** Stops the heartbeat and, when `release`, gives the lease up (never one that was lost: it is another's). */
  async end(release: boolean): Promise<void> {
    clearInterval(this.heartbeat);
    if (release && !this.lost) await this.params.store.releaseLease(this.grant);
  }
}
