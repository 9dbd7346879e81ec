// checkCandles, listCandleData and downloadCandles (the functions behind `bt data check|list|download`),
// on small files made here and an in-memory exchange.

import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BtError, type CandleInterval, type ICandleData, type IExchangeSchema } from "@bt/core";
import { checkCandles, downloadCandles, listCandleData, withCandleCache } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { binanceLines, simpleCandles, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
const MINUTE = 60_000;

function columnsOf(candles: ICandleData[]) {
  return {
    timestamp: Float64Array.from(candles, (candle) => candle.timestamp),
    open: Float64Array.from(candles, (candle) => candle.open),
    high: Float64Array.from(candles, (candle) => candle.high),
    low: Float64Array.from(candles, (candle) => candle.low),
    close: Float64Array.from(candles, (candle) => candle.close),
    volume: Float64Array.from(candles, (candle) => candle.volume),
  };
}

/** An in-memory exchange over `candles` per symbol, recording every request; `failAt` makes one request throw. */
function memoryExchange(candles: Record<string, ICandleData[]>, failAt?: number) {
  const requests: Array<{ symbol: string; sinceMs: number; limit: number }> = [];
  const exchange: IExchangeSchema = {
    exchangeName: "memory",
    async getCandles(symbol: string, _interval: CandleInterval, since: Date, limit: number) {
      requests.push({ symbol, sinceMs: since.getTime(), limit });
      if (failAt !== undefined && requests.length === failAt) throw new Error("HTTP 429 rate limited");
      return (candles[symbol] ?? []).filter((candle) => candle.timestamp >= since.getTime()).slice(0, limit);
    },
  };
  return { exchange, requests };
}

describe("checkCandles", () => {
  it("counts each kind of issue and details them in row order", () => {
    const candles = simpleCandles(JAN_1, 200).map((candle) => ({ ...candle }));
    candles.splice(10, 3); // gap of 3 minutes
    candles[20] = { ...candles[20]!, high: candles[20]!.low - 1 };
    candles[21] = { ...candles[21]!, open: -1 };
    candles[22] = { ...candles[22]!, volume: -2 };
    const body = candles[23]!;
    candles[23] = { ...body, low: Math.min(body.open, body.close) + 0.25 };
    for (let index = 100; index < 170; index++) candles[index] = { ...candles[index]!, volume: 0 };
    candles.splice(30, 0, { ...candles[29]! }); // duplicate
    const report = checkCandles(columnsOf(candles), "1m", { zeroVolumeRunCandles: 60 });
    expect(report.counts).toEqual({
      gap: 1,
      duplicate: 1,
      "out-of-order": 0,
      unaligned: 0,
      "bad-price": 1,
      "high-below-body": 1,
      "low-above-body": 1,
      "negative-volume": 1,
      "zero-volume-run": 1,
    });
    expect(report.ok).toBe(false);
    expect(report.missingCandles).toBe(3);
    expect(report.issues[0]).toEqual({
      kind: "gap",
      index: 10,
      fromMs: JAN_1 + 10 * MINUTE,
      toMs: JAN_1 + 13 * MINUTE,
      missingCandles: 3,
      missingMinutes: 3,
    });
    expect(report.issues.find((issue) => issue.kind === "zero-volume-run")).toMatchObject({ candles: 70 });
    expect(checkCandles(columnsOf(simpleCandles(JAN_1, 50)), "1m").ok).toBe(true);
  });

  it("finds out-of-order and unaligned times", () => {
    const candles = simpleCandles(JAN_1, 5);
    const report = checkCandles(
      columnsOf([
        candles[0]!,
        candles[2]!,
        candles[1]!,
        { ...candles[3]!, timestamp: candles[3]!.timestamp + 1 },
      ]),
      "1m",
    );
    expect(report.counts["out-of-order"]).toBe(1);
    expect(report.counts.unaligned).toBe(1);
  });
});

describe("listCandleData", () => {
  it("lists a folder of files and a cache's namespaces with first/last time, count and gaps", async () => {
    const dir = await tempDir();
    const withGap = simpleCandles(JAN_1, 100).filter((_, index) => index < 40 || index >= 45);
    await writeFile(join(dir, "ABC-1m-2025-01-01.csv"), binanceLines(withGap));
    const source = memoryExchange({ XYZ: simpleCandles(JAN_1, 2 * 1_440) });
    await downloadCandles(source.exchange, {
      symbols: ["XYZ"],
      interval: "1m",
      fromMs: JAN_1,
      toMs: JAN_1 + 2 * DAY_MS,
      cacheDir: dir,
      now: () => JAN_1 + 10 * DAY_MS,
    });
    const entries = await listCandleData(dir);
    expect(
      entries.map((entry) => [entry.source, entry.exchange, entry.symbol, entry.interval, entry.candles]),
    ).toEqual([
      ["files", "file", "ABC", "1m", 95],
      ["cache", "memory", "XYZ", "1m", 2_880],
    ]);
    expect(entries[0]).toMatchObject({
      firstAt: JAN_1,
      lastAt: JAN_1 + 99 * MINUTE,
      gaps: [
        { fromMs: JAN_1 + 40 * MINUTE, toMs: JAN_1 + 45 * MINUTE, missingCandles: 5, missingMinutes: 5 },
      ],
    });
    expect(entries[1]).toMatchObject({ files: 2, gaps: [], problems: [] });
  });
});

describe("downloadCandles", () => {
  const now = () => JAN_1 + 30 * DAY_MS;

  it("fills the cache in bounded batches that never ask past toMs; a cached exchange then needs no request", async () => {
    const cacheDir = await tempDir();
    const data = simpleCandles(JAN_1, 5 * 1_440);
    const source = memoryExchange({ "ABC/USDT": data });
    const progress: Array<[number, number]> = [];
    const result = await downloadCandles(source.exchange, {
      symbols: ["ABC/USDT"],
      interval: "1m",
      fromMs: JAN_1 + 3_600_000, // rounded down to the day
      toMs: JAN_1 + 3 * DAY_MS,
      cacheDir,
      batchCandles: 1_000,
      now,
      onProgress: ({ done, total }) => progress.push([done, total]),
    });
    expect(result.symbols).toEqual([
      {
        symbol: "ABCUSDT",
        fetchedDays: 3,
        cachedDays: 0,
        candles: 3 * 1_440,
        firstAt: JAN_1,
        lastAt: JAN_1 + 3 * DAY_MS - MINUTE,
        gaps: [],
      },
    ]);
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(source.requests.every((request) => request.limit <= 1_000)).toBe(true);
    expect(
      source.requests.every((request) => request.sinceMs + request.limit * MINUTE <= JAN_1 + 3 * DAY_MS),
    ).toBe(true);
    expect(result.requests).toBe(Math.ceil((3 * 1_440) / 1_000));
    // The cache format is withCandleCache's: those days are served without asking the source.
    const inner = memoryExchange({});
    const cached = withCandleCache({ ...inner.exchange, exchangeName: "memory" }, { dir: cacheDir, now });
    expect(await cached.getCandles("ABC/USDT", "1m", new Date(JAN_1 + DAY_MS), 1_440)).toEqual(
      data.slice(1_440, 2_880),
    );
    expect(inner.requests).toEqual([]);
  });

  it("resumes: days already cached are not fetched again; reports gaps in what it got", async () => {
    const cacheDir = await tempDir();
    const data = simpleCandles(JAN_1, 4 * 1_440).filter((_, index) => index < 1_500 || index >= 1_510);
    const options = { symbols: ["ABC"], interval: "1m" as const, fromMs: JAN_1, cacheDir, now };
    await downloadCandles(memoryExchange({ ABC: data }).exchange, { ...options, toMs: JAN_1 + 2 * DAY_MS });
    const second = memoryExchange({ ABC: data });
    const result = await downloadCandles(second.exchange, { ...options, toMs: JAN_1 + 4 * DAY_MS });
    expect(result.symbols[0]).toMatchObject({ fetchedDays: 2, cachedDays: 2, candles: 4 * 1_440 - 10 });
    expect(result.symbols[0]!.gaps).toEqual([
      {
        fromMs: JAN_1 + 1_500 * MINUTE,
        toMs: JAN_1 + 1_510 * MINUTE,
        missingCandles: 10,
        missingMinutes: 10,
      },
    ]);
    expect(second.requests.every((request) => request.sinceMs >= JAN_1 + 2 * DAY_MS)).toBe(true);
  });

  it("a failing batch stops with an error naming symbol and range, keeping the days saved before it", async () => {
    const cacheDir = await tempDir();
    const source = memoryExchange({ ABC: simpleCandles(JAN_1, 3 * 1_440) }, 3);
    const thrown = await downloadCandles(source.exchange, {
      symbols: ["ABC"],
      interval: "1m",
      fromMs: JAN_1,
      toMs: JAN_1 + 3 * DAY_MS,
      cacheDir,
      batchCandles: 1_000,
      now,
    }).catch((reason: unknown) => reason);
    expect(BtError.isInstance(thrown) && thrown.code === "EXCHANGE" && thrown.value === "ABC").toBe(true);
    expect((thrown as Error).message).toContain(
      "memory ABC 1m candles from 2025-01-02T09:20:00.000Z + 1000 × 1m failed",
    );
    expect((thrown as Error).message).toContain("HTTP 429");
    expect(await readdir(join(cacheDir, "memory", "ABC", "1m"))).toEqual(["2025-01-01.json"]);
  });
});
