import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { LeaseAcquireResult } from "@bt/core";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const childScript = join(packageDir, "test", "fixtures", "acquireRace.ts");
const scratch = mkdtempSync(join(tmpdir(), "bt-persist-fs-lease-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const CONTENDERS = 6;

function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  for (const resolveFrom of [
    () => require.resolve("tsx"),
    () => createRequire(require.resolve("vitest/package.json")).resolve("tsx"),
  ]) {
    try {
      return pathToFileURL(resolveFrom()).href;
    } catch {}
  }
  throw new Error("persist-fs lease test: cannot resolve tsx to run the child processes");
}

/** Starts CONTENDERS processes that all call acquireLease("run") at the same instant. */
async function race(dir: string, round: string, ttlMs: number): Promise<LeaseAcquireResult[]> {
  const loader = tsxLoaderUrl();
  // Far enough ahead for every child to have started and initialised.
  const startAt = Date.now() + 2_500;
  const outputs = await Promise.all(
    Array.from({ length: CONTENDERS }, (_, index) =>
      run(
        process.execPath,
        [
          "--conditions",
          "@bt/source",
          "--import",
          loader,
          childScript,
          dir,
          `${round}-${index}`,
          String(startAt),
          String(ttlMs),
        ],
        { cwd: packageDir, timeout: 30_000 },
      ),
    ),
  );
  return outputs.map(({ stdout }) => JSON.parse(stdout.trim()) as LeaseAcquireResult);
}

function winnerOf(results: LeaseAcquireResult[]) {
  const winners = results.flatMap((result) => (result.acquired ? [result.grant] : []));
  expect(winners, JSON.stringify(results)).toHaveLength(1);
  const [winner] = winners;
  if (winner === undefined) throw new Error("unreachable");
  for (const result of results) if (!result.acquired) expect(result.holder).toBe(winner.holder);
  return winner;
}

describe("fs adapter leases", () => {
  it(`${CONTENDERS} processes racing for a free lease, then for a released one: exactly one wins each time`, async () => {
    const dir = mkdtempSync(join(scratch, "race-"));
    // Long ttls, so a child that starts late still finds the lease live (no timing in the outcome). A
    // released lease is taken over through the same token-numbered create as an expired one.
    const free = winnerOf(await race(dir, "free", 30_000));
    const releasing = createFsPersist({ dir });
    await releasing.releaseLease(free);
    await releasing.dispose();
    const takeover = winnerOf(await race(dir, "takeover", 30_000));
    expect(takeover.token).toBeGreaterThan(free.token);
    // Only the winning token file remains; the loser's temp files are gone.
    expect(readdirSync(join(dir, "v2", "lease"))).toEqual([
      `.lease-${takeover.token}-${keyToFileName("run")}`,
    ]);
    const persist = createFsPersist({ dir });
    await persist.write("position", "run/p", 1, takeover);
    await expect(persist.write("position", "run/p", 2, free)).rejects.toMatchObject({ code: "LEASE" });
    await persist.dispose();
  }, 60_000);

  it("a lease is a token-numbered lock file beside the records, invisible to list(); a damaged one is taken over", async () => {
    const dir = mkdtempSync(join(scratch, "layout-"));
    const persist = createFsPersist({ dir, onWarning: () => undefined });
    const first = await persist.acquireLease("run-1/BTCUSDT", "host:1:a", 30_000);
    if (!first.acquired) throw new Error("expected the lease");
    const leaseDir = join(dir, "v2", "lease");
    const file = join(leaseDir, `.lease-1-${keyToFileName("run-1/BTCUSDT")}`);
    expect(readdirSync(leaseDir)).toEqual([`.lease-1-${keyToFileName("run-1/BTCUSDT")}`]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      key: "run-1/BTCUSDT",
      holder: "host:1:a",
      token: 1,
      expiresAt: first.grant.expiresAt,
    });
    expect(await persist.list("lease")).toEqual([]);
    // A torn or foreign lease file is never trusted as live: it is taken over with a higher token.
    writeFileSync(file, '{"key":"run-1/BTC');
    const second = await persist.acquireLease("run-1/BTCUSDT", "host:2:b", 30_000);
    expect(second).toMatchObject({ acquired: true, grant: { holder: "host:2:b", token: 2 } });
    expect(readdirSync(leaseDir)).toEqual([`.lease-2-${keyToFileName("run-1/BTCUSDT")}`]);
    await expect(persist.write("position", "run-1/p", 1, first.grant)).rejects.toThrow(
      /^fs: fenced write refused on lease "run-1\/BTCUSDT": held by "host:2:b" with token 2, the fence has token 1/,
    );
    // A restart (a new adapter on the folder) keeps the lease and its token.
    await persist.dispose();
    const restarted = createFsPersist({ dir });
    expect(await restarted.acquireLease("run-1/BTCUSDT", "host:3:c", 1_000)).toMatchObject({
      acquired: false,
      holder: "host:2:b",
    });
    await restarted.dispose();
  });
});
