// A state folder written by bt before contract v2 (records under <dir>/signal/ and <dir>/scheduled/)
// is never read by the v2 layout: waitForInit refuses it loudly unless legacyV1 is "ignore".
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BtError, persistKey } from "@bt/core";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { afterAll, describe, expect, it } from "vitest";

const scratch = mkdtempSync(join(tmpdir(), "bt-persist-fs-legacy-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(join(scratch, "case-"));

/** Writes a record file exactly as the v1 adapter did: `<dir>/<entity>/<file>` holding the v1 envelope. */
function writeV1Record(dir: string, entity: string, key: string, value: unknown): string {
  mkdirSync(join(dir, entity), { recursive: true });
  const path = join(dir, entity, keyToFileName(key));
  writeFileSync(path, JSON.stringify({ v: 1, entity, key, value }));
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!BtError.isInstance(error)) throw new Error(`expected a BtError, got ${String(error)}`);
  return error;
}

describe("fs adapter over a v1 layout (legacyV1)", () => {
  it("refuses to start over v1 signal/scheduled records, naming the folder, the count and the first records", async () => {
    const dir = freshDir();
    const open = persistKey("BTCUSDT", "sma-cross", "binance");
    const paths = [
      writeV1Record(dir, "signal", open, { priceOpen: 42_000 }),
      writeV1Record(dir, "signal", `${open}#cursor`, { at: 1 }),
      writeV1Record(dir, "scheduled", "ethusdt:b:c", { priceOpen: 3_000 }),
      writeV1Record(dir, "scheduled", "solusdt:b:c", { priceOpen: 100 }),
    ];
    const texts = paths.map((path) => readFileSync(path, "utf8"));
    const persist = createFsPersist({ dir });
    const error = await rejection(persist.waitForInit());
    expect(error.code).toBe("PERSIST");
    expect(error.adapter).toBe("fs");
    expect(error.field).toBe("legacyV1");
    const signalFiles = [keyToFileName(open), keyToFileName(`${open}#cursor`)].sort();
    expect(error.message).toBe(
      `fs: ${dir} holds 4 records of persistence contract v1 (written by bt before contract v2: signal/${signalFiles[0]}, signal/${signalFiles[1]}, scheduled/${keyToFileName("ethusdt:b:c")}, …); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 folders away (signal/, scheduled/) once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    );
    expect(error.value).toMatchObject({ count: 4 });
    // The first read rejects the same way, and nothing was created or touched.
    await expect(persist.read("position", open)).rejects.toThrow(
      /^fs: .* holds 4 records of persistence contract v1/,
    );
    await expect(persist.write("position", open, 1)).rejects.toThrow(/contract v1/);
    expect(readdirSync(dir).sort()).toEqual(["scheduled", "signal"]);
    expect(paths.map((path) => readFileSync(path, "utf8"))).toEqual(texts);
    await persist.dispose();
  });

  it("names a single record in the singular", async () => {
    const dir = freshDir();
    writeV1Record(dir, "scheduled", "x:y:z", { priceOpen: 1 });
    await expect(createFsPersist({ dir }).waitForInit()).rejects.toThrow(
      `fs: ${dir} holds 1 record of persistence contract v1 (written by bt before contract v2: scheduled/${keyToFileName("x:y:z")}); `,
    );
  });

  it('with legacyV1 "ignore" starts, works on v2 data, and leaves the v1 records as they were', async () => {
    const dir = freshDir();
    const path = writeV1Record(dir, "signal", "btcusdt:a:b", { priceOpen: 1 });
    const text = readFileSync(path, "utf8");
    const persist = createFsPersist({ dir, legacyV1: "ignore" });
    await persist.waitForInit();
    expect(await persist.read("position", "btcusdt:a:b")).toBeNull();
    await persist.write("position", "btcusdt:a:b", { v2: true });
    expect(await persist.read("position", "btcusdt:a:b")).toEqual({ v2: true });
    expect(await persist.list("position")).toEqual(["btcusdt:a:b"]);
    expect(persist.corruptions()).toEqual([]);
    await persist.dispose();
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(readdirSync(join(dir, "signal"))).toEqual([keyToFileName("btcusdt:a:b")]);
  });

  it("starts over v2 data only, empty v1 folders, and v1 entities that never held live state", async () => {
    const dir = freshDir();
    const first = createFsPersist({ dir });
    await first.waitForInit();
    await first.write("position", "run", { open: true });
    await first.write("scheduled", "run", { at: 1 });
    await first.dispose();
    mkdirSync(join(dir, "signal", ".quarantine"), { recursive: true });
    mkdirSync(join(dir, "scheduled"));
    writeFileSync(join(dir, "signal", ".tmp-leftover"), "{");
    writeV1Record(dir, "risk", "r", { exposure: 1 });
    writeV1Record(dir, "partial", "p", { filled: 1 });
    writeV1Record(dir, "candle", "c", [1, 2]);
    const second = createFsPersist({ dir });
    await second.waitForInit();
    expect(await second.read("position", "run")).toEqual({ open: true });
    expect(await second.list("scheduled")).toEqual(["run"]);
    await second.dispose();
    expect(readdirSync(join(dir, "signal")).sort()).toEqual([".quarantine", ".tmp-leftover"]);
  });

  it("rejects an unknown legacyV1 value when created", () => {
    expect(() => createFsPersist({ dir: freshDir(), legacyV1: "skip" as "ignore" })).toThrow(
      /^fs: legacyV1 must be "refuse" or "ignore", got "skip"$/,
    );
  });
});
