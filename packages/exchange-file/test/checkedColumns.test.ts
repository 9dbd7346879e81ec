// The columns the readers hand out are marked checked (core's areCandleColumnsChecked) so the engine's loader
// can skip its second pass; a bad row is still reported with file and line exactly as before; large reads
// reserve their columns once (no regrowth, no trimming copy) and segment overflow stays exact.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { areCandleColumnsChecked, BtError, type ICandleColumns } from "@bt/core";
import { createFileExchange, readCandleFile } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { CandleColumnsBuilder } from "../src/candleColumnsBuilder";
import { binanceLines, simpleCandles, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;
const DAY = 86_400_000;

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(BtError.isInstance(error), `expected a BtError, got ${String(error)}`).toBe(true);
  return error as BtError;
}

function jsonRows(count: number): unknown[][] {
  return simpleCandles(JAN_1, count).map((candle) => [
    candle.timestamp,
    candle.open,
    candle.high,
    candle.low,
    candle.close,
    candle.volume,
  ]);
}

describe("columns handed out are marked checked", () => {
  it("by every reader: CSV, gzip CSV, JSON array, JSON Lines", async () => {
    const dir = await tempDir();
    const candles = simpleCandles(JAN_1, 40);
    const rows = jsonRows(40);
    const files: Record<string, string | Buffer> = {
      "A-1m.csv": binanceLines(candles),
      "B-1m.csv.gz": gzipSync(binanceLines(candles)),
      "C-1m.json": JSON.stringify(rows),
      "D-1m.jsonl": rows.map((row) => JSON.stringify(row)).join("\n"),
      "E-1m.json.gz": gzipSync(JSON.stringify(rows)),
    };
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(dir, name), content);
      const file = await readCandleFile(join(dir, name));
      expect(file.columns.timestamp.length, name).toBe(40);
      expect(areCandleColumnsChecked(file.columns), name).toBe(true);
    }
  });

  it("by getCandleColumns and getColumns('1m'), also for several files joined", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "BTCUSDT-1m-a.csv"), binanceLines(simpleCandles(JAN_1, 30)));
    await writeFile(join(dir, "BTCUSDT-1m-b.csv"), binanceLines(simpleCandles(JAN_1 + 30 * MINUTE, 30)));
    await writeFile(join(dir, "ETHUSDT-1m.csv"), binanceLines(simpleCandles(JAN_1, 10)));
    const exchange = createFileExchange({ dir });
    const joined = await exchange.getCandleColumns("BTCUSDT", JAN_1 + 5 * MINUTE, JAN_1 + 50 * MINUTE);
    expect(joined?.timestamp.length).toBe(45);
    expect(areCandleColumnsChecked(joined!)).toBe(true);
    expect(areCandleColumnsChecked(await exchange.getColumns("BTCUSDT", "1m"))).toBe(true);
    const single = await exchange.getCandleColumns("ETHUSDT", JAN_1, JAN_1 + DAY);
    expect(areCandleColumnsChecked(single!)).toBe(true);
    // An empty range is still a marked (empty) view.
    const empty = await exchange.getCandleColumns("ETHUSDT", JAN_1 + DAY, JAN_1 + 2 * DAY);
    expect(empty?.timestamp.length).toBe(0);
    expect(areCandleColumnsChecked(empty!)).toBe(true);
  });
});

describe("a bad row is reported with file and line exactly as before", () => {
  it("CSV: the message, field and value name the row", async () => {
    const dir = await tempDir();
    const path = join(dir, "X-1m.csv");
    const bad = `${JAN_1 + 2 * MINUTE},100,98,99,100,1,0,0,0,0,0,0\n`;
    await writeFile(
      path,
      binanceLines(simpleCandles(JAN_1, 2)) + bad + binanceLines(simpleCandles(JAN_1 + 3 * MINUTE, 2)),
    );
    const error = await rejection(readCandleFile(path));
    expect(error.code).toBe("CANDLES");
    expect(error.message).toBe(`exchange-file: ${path}:3: high 98 is below low 99`);
    expect(error.field).toBe("high");
    expect(error.value).toBe(98);
  });

  it("JSON array: the item is named", async () => {
    const dir = await tempDir();
    const path = join(dir, "X-1m.json");
    const rows = jsonRows(5);
    rows[3] = [JAN_1 + 3 * MINUTE, 100, 101, 99, 100, -1];
    await writeFile(path, JSON.stringify(rows));
    const error = await rejection(readCandleFile(path));
    expect(error.message).toBe(
      `exchange-file: ${path} item 4: volume must be a finite non-negative number, got -1`,
    );
    expect(error.field).toBe("volume");
  });

  it("a bad row far into a large file (past the first 1 MiB chunk, gzip) names its line", async () => {
    const dir = await tempDir();
    const path = join(dir, "X-1m.csv.gz");
    const count = 40_000;
    const bad = `${JAN_1 + count * MINUTE},abc,101,99,100,1,0,0,0,0,0,0\n`;
    await writeFile(path, gzipSync(binanceLines(simpleCandles(JAN_1, count)) + bad));
    const error = await rejection(readCandleFile(path));
    expect(error.message).toBe(`exchange-file: ${path}:${count + 1}: open is not a number ("abc")`);
  });
});

/** Bytes of one column holding exactly the rows. */
function exactColumnBytes(columns: ICandleColumns): number {
  return columns.timestamp.length * Float64Array.BYTES_PER_ELEMENT;
}

describe("large reads allocate their columns once", () => {
  it("a multi-MiB CSV (plain or gzip) ends in views of one reserved allocation per column, values intact", async () => {
    const dir = await tempDir();
    const count = 60_000;
    const candles = simpleCandles(JAN_1, count);
    const text = binanceLines(candles);
    await writeFile(join(dir, "X-1m.csv"), text);
    await writeFile(join(dir, "X-1m.csv.gz"), gzipSync(text));
    for (const name of ["X-1m.csv", "X-1m.csv.gz"]) {
      const { columns } = await readCandleFile(join(dir, name));
      expect(columns.timestamp.length, name).toBe(count);
      // One buffer per column, sized from the file size: at most 4/3 of the rows (never a doubled capacity).
      expect(columns.timestamp.buffer.byteLength, name).toBeLessThanOrEqual(
        (exactColumnBytes(columns) * 4) / 3,
      );
      expect(columns.close.buffer).not.toBe(columns.open.buffer);
      expect(columns.timestamp[count - 1]).toBe(candles[count - 1]!.timestamp);
      expect(columns.close[12_345]).toBe(candles[12_345]!.close);
      expect(areCandleColumnsChecked(columns)).toBe(true);
    }
  });

  it("a line longer than a read chunk (a 1.5 MiB header) is joined across chunks", async () => {
    const dir = await tempDir();
    const path = join(dir, "X-1m.csv");
    const header = `timestamp,open,high,low,close,volume,${"x".repeat(1_500_000)}\n`;
    const rows = simpleCandles(JAN_1, 3)
      .map((c) => `${c.timestamp},${c.open},${c.high},${c.low},${c.close},${c.volume},0\n`)
      .join("");
    await writeFile(path, header + rows);
    const { columns } = await readCandleFile(path);
    expect(Array.from(columns.timestamp)).toEqual([JAN_1, JAN_1 + MINUTE, JAN_1 + 2 * MINUTE]);
  });

  it("rows beyond the reserved capacity go to segments and come out exact-size, in order", () => {
    const builder = new CandleColumnsBuilder("memory", MINUTE, "report", "line", "error", 100);
    builder.reserve(1_000);
    const count = 200_000;
    for (let index = 0; index < count; index++) {
      const price = 100 + (index % 13);
      builder.push(JAN_1 + index * MINUTE, price, price + 1, price - 1, price, index % 7, index + 1);
    }
    const columns = builder.finish();
    expect(columns.timestamp.length).toBe(count);
    expect(columns.volume.buffer.byteLength).toBe(count * 8);
    let ordered = true;
    for (let index = 0; index < count; index++) {
      if (columns.timestamp[index] !== JAN_1 + index * MINUTE || columns.open[index] !== 100 + (index % 13)) {
        ordered = false;
      }
    }
    expect(ordered).toBe(true);
    expect(areCandleColumnsChecked(columns)).toBe(true);
  });

  it("a mostly empty reservation is trimmed to exact size", () => {
    const builder = new CandleColumnsBuilder("memory", MINUTE, "report");
    builder.reserve(100_000);
    for (let index = 0; index < 10; index++) builder.push(JAN_1 + index * MINUTE, 2, 3, 1, 2, 1, index + 1);
    const columns = builder.finish();
    expect(columns.high.buffer.byteLength).toBe(80);
    expect(Array.from(columns.high)).toEqual(Array(10).fill(3));
  });
});
