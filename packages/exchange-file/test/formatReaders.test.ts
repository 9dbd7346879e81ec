// Format tests on files made here (no ../shared needed): zip dumps (spot without header, futures with one),
// Arrow IPC files, CSV with a BOM / CRLF / µs / ns times, nonsense times, and skipped bad lines.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BtError } from "@bt/core";
import { createFileExchange, readCandleFile } from "@bt/exchange-file";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { binanceLines, simpleCandles, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);
const FUTURES_HEADER =
  "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n";

async function error(promise: Promise<unknown>): Promise<BtError> {
  const reason = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(BtError.isInstance(reason), `expected a BtError, got ${String(reason)}`).toBe(true);
  return reason as BtError;
}

describe("zip dumps", () => {
  it("reads a spot zip (no header) and a futures zip (header row) alike", async () => {
    const dir = await tempDir();
    const candles = simpleCandles(JAN_1, 5);
    await writeFile(
      join(dir, "ABC-1m-2025-01-01.zip"),
      zipSync({ "ABC-1m-2025-01-01.csv": strToU8(binanceLines(candles)) }),
    );
    await writeFile(
      join(dir, "FUT-1m-2025-01.zip"),
      zipSync({ "FUT-1m-2025-01.csv": strToU8(FUTURES_HEADER + binanceLines(candles)) }),
    );
    for (const name of ["ABC-1m-2025-01-01.zip", "FUT-1m-2025-01.zip"]) {
      const file = await readCandleFile(join(dir, name));
      expect(Array.from(file.columns.close)).toEqual(candles.map((candle) => candle.close));
      expect(Array.from(file.columns.timestamp)).toEqual(candles.map((candle) => candle.timestamp));
    }
  });

  it("names archive!entry:line of a bad row", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC-1m-2025-01.zip");
    await writeFile(
      path,
      zipSync({
        "ABC-1m-2025-01.csv": strToU8(
          `${FUTURES_HEADER}${binanceLines(simpleCandles(JAN_1, 2))}${JAN_1 + 120_000},1,2,0.5,oops,1\n`,
        ),
      }),
    );
    const thrown = await error(readCandleFile(path));
    expect(thrown.message).toBe(
      `exchange-file: ${path}!ABC-1m-2025-01.csv:4: close is not a number ("oops")`,
    );
    expect(thrown.field).toBe("close");
  });

  it("rejects a zip without a CSV naming the archive", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC-1m-2025-01.zip");
    await writeFile(path, zipSync({ "readme.txt": strToU8("x") }));
    expect((await error(readCandleFile(path))).message).toContain(`${path}: the archive holds no .csv file`);
  });
});

describe("Arrow IPC / feather", () => {
  it("reads int64 ns times and float columns (freqtrade's layout, uncompressed)", async () => {
    const dir = await tempDir();
    const candles = simpleCandles(JAN_1, 4).map((candle, index) => ({
      ...candle,
      timestamp: JAN_1 + index * 300_000,
    }));
    const table = tableFromArrays({
      date: BigInt64Array.from(candles, (candle) => BigInt(candle.timestamp) * 1_000_000n),
      open: Float64Array.from(candles, (candle) => candle.open),
      high: Float64Array.from(candles, (candle) => candle.high),
      low: Float64Array.from(candles, (candle) => candle.low),
      close: Float64Array.from(candles, (candle) => candle.close),
      volume: Float64Array.from(candles, (candle) => candle.volume),
    });
    const path = join(dir, "ABC_USDT-5m.feather");
    await writeFile(path, tableToIPC(table, "file"));
    const file = await readCandleFile(path, { interval: "5m" });
    expect(Array.from(file.columns.timestamp)).toEqual(candles.map((candle) => candle.timestamp));
    expect(Array.from(file.columns.high)).toEqual(candles.map((candle) => candle.high));
    // Served by the file exchange as symbol ABCUSDT at 5m, and 15m aggregated from it.
    const exchange = createFileExchange({ dir });
    expect(await exchange.intervalsOf("ABCUSDT")).toEqual(["5m"]);
    expect((await exchange.getColumns("ABCUSDT", "15m")).timestamp.length).toBe(1);
  });

  it("names the file and the missing column", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC_USDT-5m.feather");
    await writeFile(
      path,
      tableToIPC(tableFromArrays({ date: new Float64Array([JAN_1]), open: new Float64Array([1]) }), "file"),
    );
    const thrown = await error(readCandleFile(path));
    expect(thrown.message).toMatch(new RegExp(`${path}: no high column \\(columns: date, open\\)`));
    expect(thrown.field).toBe("columns.high");
  });
});

describe("CSV: BOM, CRLF, header or not, time units", () => {
  const candles = simpleCandles(JAN_1, 3);
  const header = "open_time,open,high,low,close,volume\n";
  const cases: Array<[string, string]> = [
    ["BOM, no header", `\ufeff${binanceLines(candles)}`],
    ["BOM, header", `\ufeff${header}${binanceLines(candles)}`],
    ["CRLF, no header", binanceLines(candles).replaceAll("\n", "\r\n")],
    ["BOM + CRLF, header", `\ufeff${header}${binanceLines(candles)}`.replaceAll("\n", "\r\n")],
    ["µs times", binanceLines(candles.map((candle) => ({ ...candle, timestamp: candle.timestamp * 1000 })))],
    [
      "ns times",
      binanceLines(candles.map((candle) => ({ ...candle, timestamp: candle.timestamp * 1_000_000 }))),
    ],
    ["s times", binanceLines(candles.map((candle) => ({ ...candle, timestamp: candle.timestamp / 1000 })))],
  ];
  for (const [name, text] of cases) {
    it(`${name}: all three candles, first one included (regression: a BOM dropped the first candle)`, async () => {
      const dir = await tempDir();
      const path = join(dir, "ABC-1m.csv");
      await writeFile(path, text);
      const file = await readCandleFile(path);
      expect(Array.from(file.columns.timestamp)).toEqual(candles.map((candle) => candle.timestamp));
      expect(Array.from(file.columns.open)).toEqual(candles.map((candle) => candle.open));
    });
  }

  it("a BOM before a JSON array is accepted", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC_USDT-1m.json");
    await writeFile(
      path,
      `\ufeff${JSON.stringify(candles.map((c) => [c.timestamp, c.open, c.high, c.low, c.close, c.volume]))}`,
    );
    expect((await readCandleFile(path)).columns.timestamp.length).toBe(3);
  });

  it("rejects a time no unit makes sense of, naming file, line and raw value", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC-1m.csv");
    await writeFile(path, `${binanceLines(candles)}12345,1,2,0.5,1,1\n`);
    const thrown = await error(readCandleFile(path));
    expect(thrown.message).toBe(
      `exchange-file: ${path}:4: open time ("12345") is not a valid time (epoch s, ms, µs or ns from 1973 on, or ISO-8601)`,
    );
    expect([thrown.field, thrown.value]).toEqual(["timestamp", "12345"]);
  });
});

describe("bad lines with onBadLine: 'skip'", () => {
  it("keeps the good rows and lists the bad ones as file:line with field and value", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC-1m.csv");
    const good = simpleCandles(JAN_1, 4);
    const lines = binanceLines(good).split("\n");
    lines.splice(2, 0, `${JAN_1 + 60_000},100,99,101,100,1`, "garbage");
    await writeFile(path, lines.join("\n"));
    const file = await readCandleFile(path, { onBadLine: "skip" });
    expect(Array.from(file.columns.timestamp)).toEqual(good.map((candle) => candle.timestamp));
    expect(file.badLineCount).toBe(2);
    expect(file.badLines.map((bad) => [bad.line, bad.field, bad.value])).toEqual([
      [3, "high", 99],
      [4, "columns", 1],
    ]);
    // The default still fails at the first bad line.
    expect((await error(readCandleFile(path))).message).toContain(`${path}:3: high 99 is below low 101`);
  });
});
