import { existsSync } from "node:fs";
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BtError, type ICandleData } from "@bt/core";
import { createFileExchange } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { binanceLines, FIXTURES, SAMPLE_DATA, SHARED_DATA, simpleCandles, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);
const FEB_1 = Date.UTC(2025, 1, 1);

/** Reference aggregation written independently of the package: bucket by floor(t / step). */
function aggregateByHand(candles: ICandleData[], stepMs: number): ICandleData[] {
  const buckets = new Map<number, ICandleData[]>();
  for (const candle of candles) {
    const start = Math.floor(candle.timestamp / stepMs) * stepMs;
    buckets.set(start, [...(buckets.get(start) ?? []), candle]);
  }
  return [...buckets].map(([timestamp, group]) => ({
    timestamp,
    open: group[0]!.open,
    high: Math.max(...group.map((candle) => candle.high)),
    low: Math.min(...group.map((candle) => candle.low)),
    close: group[group.length - 1]!.close,
    volume: group.reduce((sum, candle) => sum + candle.volume, 0),
  }));
}

describe("createFileExchange", () => {
  it("maps <SYMBOL>-<interval>*.csv(.gz) files of a directory to symbols, case- and separator-insensitively", async () => {
    const exchange = createFileExchange({ dir: FIXTURES });
    expect(await exchange.listSymbols()).toEqual(["BTCUSDT", "DOGEUSDT", "ETHUSDT", "EURUSD", "SOLUSDT"]);
    const candles = await exchange.getCandles("btc/usdt", "1m", new Date(JAN_1 + 60_000), 2);
    expect(candles.map((candle) => candle.close)).toEqual([94054.01, 94177.09]);
    expect(exchange.exchangeName).toBe("file");
  });

  it("serves `limit` candles from `since` (inclusive), fewer at the end, none past the data", async () => {
    const dir = await tempDir();
    const candles = simpleCandles(JAN_1, 100);
    await writeFile(join(dir, "ABC-1m.csv"), binanceLines(candles));
    const exchange = createFileExchange({ dir, exchangeName: "local" });
    expect(await exchange.getCandles("ABC", "1m", new Date(JAN_1 + 10 * 60_000), 5)).toEqual(
      candles.slice(10, 15),
    );
    // An unaligned `since` starts at the next candle.
    expect(await exchange.getCandles("ABC", "1m", new Date(JAN_1 + 10 * 60_000 + 1), 2)).toEqual(
      candles.slice(11, 13),
    );
    expect(await exchange.getCandles("ABC", "1m", new Date(JAN_1 + 95 * 60_000), 50)).toEqual(
      candles.slice(95),
    );
    expect(await exchange.getCandles("ABC", "1m", new Date(JAN_1 + 100 * 60_000), 50)).toEqual([]);
    expect(await exchange.getCandles("ABC", "1m", new Date(JAN_1 - 3_600_000), 0)).toEqual([]);
  });

  it("getCandleColumns serves views of the 1m columns with open time in [fromMs, toMs)", async () => {
    const dir = await tempDir();
    const candles = simpleCandles(JAN_1, 100);
    await writeFile(join(dir, "ABC-1m.csv"), binanceLines(candles));
    await writeFile(
      join(dir, "XYZ-5m.csv"),
      binanceLines(
        simpleCandles(JAN_1, 10).map((candle, index) => ({ ...candle, timestamp: JAN_1 + index * 300_000 })),
      ),
    );
    const exchange = createFileExchange({ dir });
    const minute = 60_000;
    const rows = async (fromMs: number, toMs: number) => {
      const columns = await exchange.getCandleColumns("abc", fromMs, toMs);
      expect(columns).not.toBeNull();
      const { timestamp, open, high, low, close, volume } = columns!;
      expect([open, high, low, close, volume].every((column) => column.length === timestamp.length)).toBe(
        true,
      );
      return Array.from(timestamp, (ms, index) => ({
        timestamp: ms,
        open: open[index]!,
        high: high[index]!,
        low: low[index]!,
        close: close[index]!,
        volume: volume[index]!,
      }));
    };
    expect(await rows(JAN_1, JAN_1 + 100 * minute)).toEqual(candles);
    expect(await rows(JAN_1 + 10 * minute, JAN_1 + 15 * minute)).toEqual(candles.slice(10, 15));
    expect(await rows(JAN_1 + 10 * minute + 1, JAN_1 + 15 * minute + 1)).toEqual(candles.slice(11, 16));
    expect(await rows(JAN_1 + 99 * minute, JAN_1 + 500 * minute)).toEqual(candles.slice(99));
    expect(await rows(JAN_1 - 50 * minute, JAN_1 + minute)).toEqual(candles.slice(0, 1));
    expect(await rows(JAN_1 + 20 * minute, JAN_1 + 20 * minute)).toEqual([]);
    expect(await rows(JAN_1 + 30 * minute, JAN_1 + 20 * minute)).toEqual([]);
    expect(await rows(JAN_1 - 50 * minute, JAN_1)).toEqual([]);
    expect(await rows(JAN_1 + 100 * minute, JAN_1 + 200 * minute)).toEqual([]);
    // Views, not copies, of what getColumns holds.
    const whole = await exchange.getColumns("ABC", "1m");
    expect(
      (await exchange.getCandleColumns("ABC", JAN_1 + 5 * minute, JAN_1 + 9 * minute))!.close.buffer,
    ).toBe(whole.close.buffer);
    // Without 1m files there is nothing to serve column-wise; unknown symbols fail like getCandles.
    expect(await exchange.getCandleColumns("XYZ", JAN_1, JAN_1 + 50 * minute)).toBeNull();
    await expect(exchange.getCandleColumns("NOPE", JAN_1, JAN_1 + minute)).rejects.toMatchObject({
      code: "CANDLES",
    });
  });

  it("aggregates 1m files into higher intervals aligned to UTC, dropping partial edge buckets", async () => {
    const dir = await tempDir();
    // Starts at 00:07 and ends at 02:52 (166 minutes): the first and last 15m / 1h buckets are partial.
    const candles = simpleCandles(JAN_1 + 7 * 60_000, 166);
    await writeFile(join(dir, "ABC-1m.csv"), binanceLines(candles));
    const exchange = createFileExchange({ dir });
    const fifteen = await exchange.getCandles("ABC", "15m", new Date(0), 1_000);
    const expected15 = aggregateByHand(candles, 900_000).filter(
      (bucket) => bucket.timestamp >= JAN_1 + 900_000 && bucket.timestamp + 900_000 <= JAN_1 + 173 * 60_000,
    );
    expect(fifteen).toEqual(expected15);
    expect(fifteen[0]!.timestamp).toBe(JAN_1 + 900_000);
    const hours = await exchange.getCandles("ABC", "1h", new Date(0), 10);
    expect(hours).toEqual(
      aggregateByHand(candles, 3_600_000).filter((bucket) => bucket.timestamp === JAN_1 + 3_600_000),
    );
  });

  it("joins monthly files of one symbol in time order and reports the gap between them", async () => {
    const dir = await tempDir();
    const january = simpleCandles(JAN_1, 60);
    const later = simpleCandles(JAN_1 + 90 * 60_000, 30);
    await writeFile(join(dir, "ABC-1m-2025-02.csv"), binanceLines(later));
    await writeFile(join(dir, "ABC-1m-2025-01.csv"), binanceLines(january));
    const exchange = createFileExchange({ dir });
    expect(await exchange.getCandles("ABC", "1m", new Date(0), 1_000)).toEqual([...january, ...later]);
    const gaps = await exchange.getGaps("ABC");
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      afterMs: JAN_1 + 59 * 60_000,
      beforeMs: JAN_1 + 90 * 60_000,
      missingCandles: 30,
    });
  });

  it("rejects overlapping files naming both", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "ABC-1m-a.csv"), binanceLines(simpleCandles(JAN_1, 60)));
    await writeFile(join(dir, "ABC-1m-b.csv"), binanceLines(simpleCandles(JAN_1 + 30 * 60_000, 60)));
    const error = await createFileExchange({ dir })
      .getCandles("ABC", "1m", new Date(0), 1)
      .catch((reason: unknown) => reason);
    expect(BtError.isInstance(error) && error.code === "CANDLES").toBe(true);
    expect((error as Error).message).toMatch(/ABC-1m-b\.csv overlaps .*ABC-1m-a\.csv/);
  });

  it("takes explicit files per symbol", async () => {
    const exchange = createFileExchange({
      files: { "SOL/USDT": join(FIXTURES, "SOLUSDT-1h.json") },
      interval: "1h",
    });
    expect(
      (await exchange.getCandles("SOLUSDT", "1h", new Date(0), 10)).map((candle) => candle.close),
    ).toEqual([191.2, 191.9, 190.5]);
  });

  it("throws typed errors for an unknown symbol and an interval it cannot build", async () => {
    const exchange = createFileExchange({ dir: FIXTURES });
    const unknown = await exchange
      .getCandles("NOPE", "1m", new Date(0), 1)
      .catch((reason: unknown) => reason);
    expect(BtError.isInstance(unknown) && unknown.code === "CANDLES" && unknown.field === "symbol").toBe(
      true,
    );
    expect((unknown as Error).message).toContain(FIXTURES);
    const finer = await exchange
      .getCandles("EURUSD", "1m", new Date(0), 1)
      .catch((reason: unknown) => reason);
    expect(BtError.isInstance(finer) && finer.field === "interval").toBe(true);
    const badLimit = await exchange
      .getCandles("BTCUSDT", "1m", new Date(0), -1)
      .catch((reason: unknown) => reason);
    expect(BtError.isInstance(badLimit) && badLimit.code === "VALIDATION").toBe(true);
  });

  it("formats prices and quantities with the decimals seen in the file, or the configured ones", async () => {
    const inferred = createFileExchange({ dir: FIXTURES });
    expect(await inferred.formatPrice("BTCUSDT", 94_000.123456)).toBe("94000.12");
    expect(await inferred.formatQuantity("BTCUSDT", 0.1 + 0.2)).toBe("0.30000000");
    expect(await inferred.formatPrice("EURUSD", 1.234567)).toBe("1.2346");
    expect(await inferred.formatPrice("UNKNOWN", 1.5)).toBe("1.5");
    const configured = createFileExchange({
      dir: FIXTURES,
      priceDecimals: { BTCUSDT: 1 },
      quantityDecimals: 3,
    });
    expect(await configured.formatPrice("BTCUSDT", 94_000.16)).toBe("94000.2");
    expect(await configured.formatQuantity("ETHUSDT", 1.23456)).toBe("1.235");
  });

  it("loads each symbol once and serves repeated calls from memory", async () => {
    const dir = await tempDir();
    const path = join(dir, "ABC-1m.csv");
    await writeFile(path, binanceLines(simpleCandles(JAN_1, 10)));
    const exchange = createFileExchange({ dir });
    expect(await exchange.getCandles("ABC", "1m", new Date(0), 100)).toHaveLength(10);
    // Replacing the file after the first load does not change what this exchange serves.
    await writeFile(path, binanceLines(simpleCandles(JAN_1, 3)));
    expect(await exchange.getCandles("ABC", "1m", new Date(0), 100)).toHaveLength(10);
    const columns = await exchange.getColumns("ABC", "1m");
    expect(columns).toBe(await exchange.getColumns("ABC", "1m"));
  });

  it("reads the bundled synthetic sample data: 31 days of 1m for BTCUSDT and ETHUSDT, no gaps", async () => {
    const exchange = createFileExchange({ dir: SAMPLE_DATA });
    expect(await exchange.listSymbols()).toEqual(["BTCUSDT", "ETHUSDT"]);
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const columns = await exchange.getColumns(symbol, "1m");
      expect(columns.timestamp.length).toBe(31 * 1_440);
      expect(columns.timestamp[0]).toBe(JAN_1);
      expect(columns.timestamp[columns.timestamp.length - 1]).toBe(FEB_1 - 60_000);
      expect(await exchange.getGaps(symbol)).toEqual([]);
      expect((await exchange.getCandles(symbol, "1d", new Date(JAN_1), 100)).length).toBe(31);
    }
  });
});

const sharedFile = join(SHARED_DATA, "BTCUSDT-1m-2025-06.csv.gz");
const hasSharedData = existsSync(sharedFile);
if (!hasSharedData) console.log(`exchange-file: ${SHARED_DATA} is absent; the real-data test is skipped`);

describe("real Binance candles (../shared/data)", () => {
  it.skipIf(!hasSharedData)(
    "reads BTCUSDT June 2025 (header open_time_ms,…; 43,200 rows) — skipped when ../shared/data is absent",
    async () => {
      const dir = await tempDir();
      await copyFile(sharedFile, join(dir, "BTCUSDT-1m-2025-06.csv.gz"));
      const exchange = createFileExchange({ dir, onGap: "error" });
      const columns = await exchange.getColumns("BTCUSDT", "1m");
      expect(columns.timestamp.length).toBe(43_200);
      expect(columns.timestamp[0]).toBe(Date.UTC(2025, 5, 1));
      expect(columns.timestamp[43_199]).toBe(Date.UTC(2025, 6, 1) - 60_000);
      expect(await exchange.formatPrice("BTCUSDT", 100_000.123)).toBe("100000.12");
      const hours = await exchange.getCandles("BTCUSDT", "1h", new Date(Date.UTC(2025, 5, 1)), 1_000);
      expect(hours).toHaveLength(720);
    },
  );
});
