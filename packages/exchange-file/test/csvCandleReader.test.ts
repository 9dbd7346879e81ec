import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { BtError } from "@bt/core";
import { readCandleFile, readCsvCandles } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { generateCandleColumns } from "../../../bench/src/candleGenerator";
import { binanceLines, FIXTURES, simpleCandles, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);

async function expectCandleError(
  promise: Promise<unknown>,
  expected: { file: string; line: number; field: string; text: RegExp },
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(BtError.isInstance(error), `expected a BtError, got ${String(error)}`).toBe(true);
  const btError = error as BtError;
  expect(btError.code).toBe("CANDLES");
  expect(btError.field).toBe(expected.field);
  expect(btError.message).toContain(expected.file);
  expect(btError.message).toContain(`${expected.file}:${expected.line}:`);
  expect(btError.message).toMatch(expected.text);
}

describe("readCsvCandles: Binance kline dumps", () => {
  it("reads a headerless dump with ms open times", async () => {
    const file = await readCandleFile(join(FIXTURES, "BTCUSDT-1m-2025-01-01.csv"));
    expect(Array.from(file.columns.timestamp)).toEqual([
      JAN_1,
      JAN_1 + 60_000,
      JAN_1 + 120_000,
      JAN_1 + 180_000,
    ]);
    expect(Array.from(file.columns.open)).toEqual([94000, 94034.55, 94054.01, 94177.09]);
    expect(Array.from(file.columns.high)).toEqual([94034.84, 94056.94, 94199.07, 94180]);
    expect(Array.from(file.columns.low)).toEqual([93989.4, 94028.27, 93965.02, 94100.5]);
    expect(Array.from(file.columns.close)).toEqual([94034.55, 94054.01, 94177.09, 94120.1]);
    expect(Array.from(file.columns.volume)).toEqual([4.56115, 8.87467, 12.43833, 0]);
    expect(file.gaps).toEqual([]);
    expect(file.priceDecimals).toBe(2);
    expect(file.volumeDecimals).toBe(8);
  });

  it("reads a dump with a header, CRLF line ends and µs open times (detected by magnitude)", async () => {
    const file = await readCandleFile(join(FIXTURES, "ETHUSDT-1m-2025-06-01-us.csv"), { format: "binance" });
    const june1 = Date.UTC(2025, 5, 1);
    expect(Array.from(file.columns.timestamp)).toEqual([june1, june1 + 60_000, june1 + 120_000]);
    expect(Array.from(file.columns.close)).toEqual([2500.9, 2501.75, 2502]);
    expect(Array.from(file.columns.volume)).toEqual([12.1234, 8.5, 3.25]);
  });

  it("reads gzip files (by extension) and gives the same candles as the plain file", async () => {
    const dir = await tempDir();
    const candles = simpleCandles(JAN_1, 50);
    await writeFile(join(dir, "X-1m.csv.gz"), gzipSync(binanceLines(candles)));
    await writeFile(join(dir, "X-1m.csv"), binanceLines(candles));
    const zipped = await readCandleFile(join(dir, "X-1m.csv.gz"));
    const plain = await readCandleFile(join(dir, "X-1m.csv"));
    expect(zipped.columns).toEqual(plain.columns);
    expect(Array.from(zipped.columns.close)).toEqual(candles.map((candle) => candle.close));
  });

  it("detects gzip by magic bytes when the name has no .gz", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "X-1m.csv"), gzipSync(binanceLines(simpleCandles(JAN_1, 3))));
    expect((await readCandleFile(join(dir, "X-1m.csv"))).columns.timestamp.length).toBe(3);
  });

  it("parses rows split across stream chunks exactly (a multi-MiB file equals the generator's values)", async () => {
    const dir = await tempDir();
    const count = 30_000;
    const columns = generateCandleColumns({ seed: 99, startMs: JAN_1, count, startPrice: 42_123.45 });
    let text = "";
    for (let index = 0; index < count; index++) {
      text += `${columns.timestamp[index]! * 1000},${columns.open[index]},${columns.high[index]},${columns.low[index]},${columns.close[index]},${columns.volume[index]},0,123456789.12345678,1,0,0,0\n`;
    }
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const path = join(dir, "BIG-1m.csv");
    await writeFile(path, text);
    const file = await readCsvCandles(path, { format: "binance" });
    expect(file.columns.timestamp).toEqual(columns.timestamp);
    expect(file.columns.open).toEqual(columns.open);
    expect(file.columns.high).toEqual(columns.high);
    expect(file.columns.low).toEqual(columns.low);
    expect(file.columns.close).toEqual(columns.close);
    expect(file.columns.volume).toEqual(columns.volume);
  });

  it("reads a last line without a trailing newline", async () => {
    const dir = await tempDir();
    const path = join(dir, "X-1m.csv");
    await writeFile(path, binanceLines(simpleCandles(JAN_1, 3)).trimEnd());
    expect((await readCandleFile(path)).columns.timestamp.length).toBe(3);
  });
});

describe("readCsvCandles: generic OHLCV CSV", () => {
  it("maps columns by header name with a custom delimiter and ISO dates without zone read as UTC", async () => {
    const file = await readCandleFile(join(FIXTURES, "EURUSD-5m-generic.csv"), {
      interval: "5m",
      delimiter: ";",
      columns: { timestamp: "date", volume: "vol" },
    });
    expect(Array.from(file.columns.timestamp)).toEqual([JAN_1, JAN_1 + 300_000, JAN_1 + 600_000]);
    expect(Array.from(file.columns.open)).toEqual([1.1045, 1.105, 1.1055]);
    expect(Array.from(file.columns.close)).toEqual([1.105, 1.1055, 1.1051]);
    expect(Array.from(file.columns.volume)).toEqual([1200, 800, 950]);
    expect(file.priceDecimals).toBe(4);
  });

  it("maps columns by index without a header, with epoch seconds", async () => {
    const dir = await tempDir();
    const path = join(dir, "custom.csv");
    const seconds = JAN_1 / 1000;
    await writeFile(path, `x,${seconds},10,12,9,11,5\nx,${seconds + 60},11,11.5,10.5,11,0.5\n`);
    const file = await readCsvCandles(path, {
      header: false,
      timeUnit: "s",
      columns: { timestamp: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 },
    });
    expect(Array.from(file.columns.timestamp)).toEqual([JAN_1, JAN_1 + 60_000]);
    expect(Array.from(file.columns.high)).toEqual([12, 11.5]);
  });

  it("rejects a name mapping on a file without header", async () => {
    const dir = await tempDir();
    const path = join(dir, "noheader.csv");
    await writeFile(path, binanceLines(simpleCandles(JAN_1, 2)));
    await expectCandleError(readCsvCandles(path, { header: false, columns: { timestamp: "time" } }), {
      file: path,
      line: 1,
      field: "columns",
      text: /no header/,
    });
  });
});

describe("readCsvCandles: validation names file, line, field and value", () => {
  const cases: Array<{ name: string; row: string; field: string; text: RegExp }> = [
    { name: "NaN price", row: "1735689780000,abc,101,99,100,1", field: "open", text: /open is not a number/ },
    { name: "negative price", row: "1735689780000,-5,101,-6,100,1", field: "open", text: /positive price/ },
    { name: "zero price", row: "1735689780000,100,101,0,100,1", field: "low", text: /positive price/ },
    {
      name: "high < low",
      row: "1735689780000,100,98,99,100,1",
      field: "high",
      text: /high 98 is below low 99/,
    },
    { name: "low above body", row: "1735689780000,100,102,100.5,101,1", field: "low", text: /above min/ },
    { name: "high below body", row: "1735689780000,100,100.5,99,101,1", field: "high", text: /below max/ },
    {
      name: "negative volume",
      row: "1735689780000,100,101,99,100,-1",
      field: "volume",
      text: /non-negative/,
    },
    {
      name: "duplicate time",
      row: "1735689720000,100,101,99,100,1",
      field: "timestamp",
      text: /duplicate open time/,
    },
    { name: "unordered time", row: "1735689660000,100,101,99,100,1", field: "timestamp", text: /unordered/ },
    {
      name: "unaligned time",
      row: "1735689781000,100,101,99,100,1",
      field: "timestamp",
      text: /not aligned/,
    },
    { name: "missing columns", row: "1735689780000,100,101", field: "columns", text: /at least 6 columns/ },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → BtError CANDLES at line 4`, async () => {
      const dir = await tempDir();
      const path = join(dir, "BAD-1m.csv");
      await writeFile(path, `${binanceLines(simpleCandles(JAN_1, 3))}${testCase.row}\n`);
      await expectCandleError(readCandleFile(path), { file: path, line: 4, ...testCase });
    });
  }

  it("counts the header as line 1", async () => {
    const dir = await tempDir();
    const path = join(dir, "BAD-1m.csv");
    await writeFile(
      path,
      `timestamp,open,high,low,close,volume\n${JAN_1},100,101,99,100,1\n${JAN_1 + 60_000},1,0.5,1,1,1\n`,
    );
    await expectCandleError(readCandleFile(path), { file: path, line: 3, field: "high", text: /below/ });
  });

  it("reports gaps by default and returns them", async () => {
    const dir = await tempDir();
    const path = join(dir, "GAP-1m.csv");
    const candles = simpleCandles(JAN_1, 10).filter((_, index) => index < 4 || index >= 7);
    await writeFile(path, binanceLines(candles));
    const file = await readCandleFile(path);
    expect(file.columns.timestamp.length).toBe(7);
    expect(file.gaps).toEqual([
      { file: path, line: 5, afterMs: JAN_1 + 3 * 60_000, beforeMs: JAN_1 + 7 * 60_000, missingCandles: 3 },
    ]);
  });

  it("throws at the first gap with onGap: 'error'", async () => {
    const dir = await tempDir();
    const path = join(dir, "GAP-1m.csv");
    const candles = simpleCandles(JAN_1, 10).filter((_, index) => index !== 5);
    await writeFile(path, binanceLines(candles));
    await expectCandleError(readCandleFile(path, { onGap: "error" }), {
      file: path,
      line: 6,
      field: "timestamp",
      text: /gap of 1 candle/,
    });
  });

  it("wraps a missing file in a BtError naming it", async () => {
    const dir = await tempDir();
    const path = join(dir, "MISSING-1m.csv");
    const error = await readCandleFile(path).catch((reason: unknown) => reason);
    expect(BtError.isInstance(error) && error.code === "CANDLES" && error.message.includes(path)).toBe(true);
  });
});
