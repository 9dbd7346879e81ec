import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { BtError } from "@bt/core";
import { readCandleFile } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { FIXTURES, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);

describe("readJsonCandles", () => {
  it("reads an array of objects with ISO times", async () => {
    const file = await readCandleFile(join(FIXTURES, "SOLUSDT-1h.json"), { interval: "1h" });
    expect(Array.from(file.columns.timestamp)).toEqual([JAN_1, JAN_1 + 3_600_000, JAN_1 + 7_200_000]);
    expect(Array.from(file.columns.low)).toEqual([189.9, 190.7, 190.2]);
    expect(Array.from(file.columns.volume)).toEqual([5120.5, 4300, 6001.25]);
    expect(file.priceDecimals).toBe(1);
    expect(file.volumeDecimals).toBe(2);
  });

  it("reads JSON Lines of arrays with numbers as strings, gzip-compressed", async () => {
    const dir = await tempDir();
    const path = join(dir, "DOGEUSDT-1m.jsonl.gz");
    const { readFile } = await import("node:fs/promises");
    await writeFile(path, gzipSync(await readFile(join(FIXTURES, "DOGEUSDT-1m.jsonl"))));
    const file = await readCandleFile(path);
    expect(Array.from(file.columns.timestamp)).toEqual([JAN_1, JAN_1 + 60_000]);
    expect(Array.from(file.columns.close)).toEqual([0.3305, 0.3302]);
    expect(file.priceDecimals).toBe(4);
  });

  it("honours a key mapping", async () => {
    const dir = await tempDir();
    const path = join(dir, "X.json");
    await writeFile(path, JSON.stringify([{ t0: JAN_1, a: 1, b: 2, c: 0.5, d: 1.5, e: 10 }]));
    const file = await readCandleFile(path, {
      columns: { timestamp: "t0", open: "a", high: "b", low: "c", close: "d", volume: "e" },
    });
    expect(Array.from(file.columns.high)).toEqual([2]);
  });

  it("names the item of an invalid candle in an array", async () => {
    const dir = await tempDir();
    const path = join(dir, "X.json");
    const good = { timestamp: JAN_1, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1 };
    await writeFile(path, JSON.stringify([good, { ...good, timestamp: JAN_1 + 60_000, high: 0.4 }]));
    const error = await readCandleFile(path).catch((reason: unknown) => reason);
    expect(BtError.isInstance(error)).toBe(true);
    expect((error as BtError).message).toContain(`${path} item 2:`);
    expect((error as BtError).field).toBe("high");
  });

  it("names the line of an invalid JSON Lines row, including unparsable lines", async () => {
    const dir = await tempDir();
    const path = join(dir, "X.jsonl");
    await writeFile(path, `[${JAN_1},1,2,0.5,1.5,1]\n\n[${JAN_1 + 60_000},1,2,0.5,1.5\n`);
    const error = await readCandleFile(path).catch((reason: unknown) => reason);
    expect(BtError.isInstance(error) && error.code === "CANDLES").toBe(true);
    expect((error as BtError).message).toContain(`${path}:3: invalid JSON`);
  });

  it("rejects a missing volume as not a number", async () => {
    const dir = await tempDir();
    const path = join(dir, "X.json");
    await writeFile(path, JSON.stringify([{ timestamp: JAN_1, open: 1, high: 2, low: 0.5, close: 1.5 }]));
    const error = await readCandleFile(path).catch((reason: unknown) => reason);
    expect((error as BtError).field).toBe("volume");
  });
});
