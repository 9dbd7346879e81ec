// Group commit of directory fsyncs: after a rename, the directory entry is durable only once the
// directory itself is fsynced. Concurrent writers in one directory share one fsync instead of queuing
// one each; a caller never returns before an fsync that started after its rename has finished.

import { open } from "node:fs/promises";

/** Coalesces fsync calls on one directory. */
export class DirectorySync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  /** Resolves after an fsync of the directory that started after this call. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // The running fsync may predate the caller's rename: wait for the next one, shared by all waiters.
    const next = this.running.then(
      () => this.start(),
      () => this.start(),
    );
    this.queued = next;
    return next;
  }

  private start(): Promise<void> {
    this.queued = undefined;
    const run = fsyncDirectory(this.path).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
