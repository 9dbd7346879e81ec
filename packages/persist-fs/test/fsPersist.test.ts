import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { BtError, PERSIST_ENTITIES } from "@bt/core";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { ODD_PERSIST_KEYS } from "@bt/persist-testkit";
import { afterAll, describe, expect, it } from "vitest";

const scratch = mkdtempSync(join(tmpdir(), "bt-persist-fs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(join(scratch, "case-"));

/** Every path below `dir`, relative to `root`; folders end with the separator. */
function walk(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [relative(root, path) + sep, ...walk(path, root)] : [relative(root, path)];
  });
}

describe("fs adapter layout and crash recovery", () => {
  it("stores one envelope file per record under <dir>/<entity>/<encoded key>.json", async () => {
    const dir = freshDir();
    const persist = createFsPersist({ dir });
    await persist.waitForInit();
    await persist.write("signal", "BTCUSDT:my strategy:binance", { priceOpen: 100 });
    const fileName = keyToFileName("BTCUSDT:my strategy:binance");
    expect(fileName).toMatch(/^BTCUSDT%3Amy%20strategy%3Abinance~[0-9a-f]{16}\.json$/);
    const envelope = JSON.parse(readFileSync(join(dir, "signal", fileName), "utf8"));
    expect(envelope).toEqual({
      v: 1,
      entity: "signal",
      key: "BTCUSDT:my strategy:binance",
      value: { priceOpen: 100 },
    });
    expect(readdirSync(join(dir, "signal"))).toEqual([fileName]);
    await persist.dispose();
  });

  it("odd keys never create files outside the root or below the entity folders", async () => {
    const parent = freshDir();
    const dir = join(parent, "root");
    const persist = createFsPersist({ dir });
    await persist.waitForInit();
    for (const entity of PERSIST_ENTITIES) {
      for (const key of ODD_PERSIST_KEYS) await persist.write(entity, key, { key });
    }
    expect(readdirSync(parent)).toEqual(["root"]);
    const entries = walk(dir);
    const folders = entries.filter((entry) => entry.endsWith(sep)).sort();
    expect(folders).toEqual(PERSIST_ENTITIES.map((entity) => `${entity}${sep}`).sort());
    const files = entries.filter((entry) => !entry.endsWith(sep));
    expect(files).toHaveLength(PERSIST_ENTITIES.length * ODD_PERSIST_KEYS.length);
    for (const file of files) {
      const [entity, name, ...rest] = file.split(sep);
      expect(rest).toEqual([]);
      expect(PERSIST_ENTITIES).toContain(entity);
      expect(name).toMatch(/^[A-Za-z0-9_%][A-Za-z0-9_.%-]*(~[0-9a-f]{16})?\.json$/);
      expect(Buffer.byteLength(name ?? "")).toBeLessThan(255);
    }
    await persist.dispose();
  });

  it("records survive a restart: a new adapter on the same folder reads and lists them", async () => {
    const dir = freshDir();
    const first = createFsPersist({ dir });
    await first.waitForInit();
    for (const key of ODD_PERSIST_KEYS) await first.write("scheduled", key, { key });
    await first.dispose();
    const second = createFsPersist({ dir });
    await second.waitForInit();
    expect(await second.list("scheduled")).toEqual([...ODD_PERSIST_KEYS].sort());
    for (const key of ODD_PERSIST_KEYS) expect(await second.read("scheduled", key)).toEqual({ key });
    expect(second.corruptions()).toEqual([]);
    await second.dispose();
  });

  it("quarantines corrupted files found on start, reports them with a warning and never uses them", async () => {
    const dir = freshDir();
    const setup = createFsPersist({ dir });
    await setup.waitForInit();
    for (const key of ["good", "broken-json", "wrong-envelope", "empty", "moved"]) {
      await setup.write("signal", key, { key });
    }
    await setup.dispose();
    const path = (key: string) => join(dir, "signal", keyToFileName(key));
    writeFileSync(path("broken-json"), '{"v":1,"entity":"signal","key":"broken-json","value":{"ke');
    writeFileSync(path("wrong-envelope"), JSON.stringify({ hello: "world" }));
    writeFileSync(path("empty"), "");
    // A valid envelope under another key's file name must not be served for that key.
    writeFileSync(path("moved"), readFileSync(path("good")));

    const warnings: string[] = [];
    const persist = createFsPersist({ dir, onWarning: (message) => warnings.push(message) });
    await persist.waitForInit();
    const corruptions = persist.corruptions();
    expect(corruptions.map((corruption) => corruption.key).sort()).toEqual(
      ["broken-json", "empty", "moved", "wrong-envelope"].sort(),
    );
    for (const corruption of corruptions) {
      expect(corruption.entity).toBe("signal");
      expect(corruption.reason.length).toBeGreaterThan(0);
      expect(corruption.quarantinedAs.startsWith(join(dir, "signal", ".quarantine"))).toBe(true);
      expect(statSync(corruption.quarantinedAs).isFile()).toBe(true);
    }
    expect(corruptions.find((c) => c.key === "broken-json")?.reason).toMatch(/invalid JSON/);
    expect(corruptions.find((c) => c.key === "moved")?.reason).toMatch(/key does not match/);
    expect(warnings).toHaveLength(4);
    for (const warning of warnings) expect(warning).toMatch(/^fs: corrupted record .* moved to /);
    for (const key of ["broken-json", "wrong-envelope", "empty", "moved"]) {
      expect(await persist.read("signal", key)).toBeNull();
    }
    expect(await persist.read("signal", "good")).toEqual({ key: "good" });
    expect(await persist.list("signal")).toEqual(["good"]);
    // The quarantined bytes are kept for inspection.
    const brokenCopy = corruptions.find((c) => c.key === "broken-json")?.quarantinedAs ?? "";
    expect(readFileSync(brokenCopy, "utf8")).toContain('"key":"broken-json"');
    await persist.dispose();
  });

  it("quarantines a record corrupted after start when it is read", async () => {
    const dir = freshDir();
    const warnings: string[] = [];
    const persist = createFsPersist({ dir, onWarning: (message) => warnings.push(message) });
    await persist.waitForInit();
    await persist.write("risk", "portfolio", { positions: 2 });
    writeFileSync(join(dir, "risk", keyToFileName("portfolio")), "garbage");
    expect(await persist.read("risk", "portfolio")).toBeNull();
    expect(persist.corruptions()).toHaveLength(1);
    expect(persist.corruptions()[0]).toMatchObject({ entity: "risk", key: "portfolio" });
    expect(warnings).toHaveLength(1);
    expect(readdirSync(join(dir, "risk"))).toEqual([".quarantine"]);
    await persist.write("risk", "portfolio", { positions: 3 });
    expect(await persist.read("risk", "portfolio")).toEqual({ positions: 3 });
    await persist.dispose();
  });

  it("removes temp files left by a crash on init and keeps the committed record", async () => {
    const dir = freshDir();
    const first = createFsPersist({ dir });
    await first.waitForInit();
    await first.write("signal", "k", { committed: true });
    await first.dispose();
    writeFileSync(join(dir, "signal", ".tmp-00000000-dead-beef"), '{"v":1,"entity":"signal","key":"k","val');
    const second = createFsPersist({ dir });
    await second.waitForInit();
    expect(readdirSync(join(dir, "signal"))).toEqual([keyToFileName("k")]);
    expect(await second.read("signal", "k")).toEqual({ committed: true });
    expect(second.corruptions()).toEqual([]);
    await second.dispose();
  });

  it("dispose waits for writes already issued, so they reach the disk", async () => {
    const dir = freshDir();
    const persist = createFsPersist({ dir });
    await persist.waitForInit();
    const pending = persist.write("signal", "last", { flushed: true });
    await persist.dispose();
    // Read the file directly, before awaiting the write itself.
    const envelope = JSON.parse(readFileSync(join(dir, "signal", keyToFileName("last")), "utf8"));
    expect(envelope.value).toEqual({ flushed: true });
    await pending;
    const reopened = createFsPersist({ dir });
    expect(await reopened.read("signal", "last")).toEqual({ flushed: true });
    await expect(persist.read("signal", "last")).rejects.toThrow(/^fs: adapter is disposed/);
    await reopened.dispose();
  });

  it("a failed write throws BtError PERSIST with the file-system error as cause", async () => {
    const dir = freshDir();
    const persist = createFsPersist({ dir });
    await persist.waitForInit();
    rmSync(join(dir, "partial"), { recursive: true });
    writeFileSync(join(dir, "partial"), "not a directory");
    const error = await persist.write("partial", "k", 1).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).code).toBe("PERSIST");
    expect((error as BtError).message).toMatch(/^fs: write partial "k" failed: /);
    expect(((error as BtError).cause as NodeJS.ErrnoException).code).toBe("ENOTDIR");
    await persist.dispose();
  });

  it("a root that cannot be created fails waitForInit with BtError PERSIST", async () => {
    const parent = freshDir();
    writeFileSync(join(parent, "file"), "x");
    const persist = createFsPersist({ dir: join(parent, "file", "root") });
    const error = await persist.waitForInit().catch((caught: unknown) => caught);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toMatch(/^fs: cannot initialise /);
    await persist.dispose();
  });
});
