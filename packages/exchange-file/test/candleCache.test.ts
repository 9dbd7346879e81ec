import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CandleInterval, ICandleData, IExchangeSchema } from "@bt/core";
import { BtError } from "@bt/core";
import { createFileExchange, importCandles, withCandleCache } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { binanceLines, SAMPLE_DATA, simpleCandles, tempDir } from "./testFiles";

const JAN_1 = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
const AFTER_JANUARY = () => Date.UTC(2025, 2, 1);

/** A real inner exchange (files on disk) whose getCandles calls are counted. */
function counting(inner: IExchangeSchema): {
  exchange: IExchangeSchema;
  calls: Array<[string, string, number, number]>;
} {
  const calls: Array<[string, string, number, number]> = [];
  return {
    calls,
    exchange: {
      exchangeName: inner.exchangeName,
      getCandles(
        symbol: string,
        interval: CandleInterval,
        since: Date,
        limit: number,
      ): Promise<ICandleData[]> {
        calls.push([symbol, interval, since.getTime(), limit]);
        return inner.getCandles(symbol, interval, since, limit);
      },
    },
  };
}

/** The request pattern of a backtest: walk forward through the data `limit` candles at a time. */
async function walk(
  exchange: IExchangeSchema,
  symbol: string,
  interval: CandleInterval,
  fromMs: number,
  step: number,
) {
  const all: ICandleData[] = [];
  let sinceMs = fromMs;
  for (;;) {
    const chunk = await exchange.getCandles(symbol, interval, new Date(sinceMs), step);
    all.push(...chunk);
    if (chunk.length < step) return all;
    sinceMs = chunk[chunk.length - 1]!.timestamp + 1;
  }
}

describe("withCandleCache", () => {
  it("second identical run (new wrapper, same dir) makes zero inner calls and returns identical candles", async () => {
    const cacheDir = await tempDir();
    const source = createFileExchange({ dir: SAMPLE_DATA });
    const first = counting(source);
    const cachedFirst = withCandleCache(first.exchange, { dir: cacheDir, now: AFTER_JANUARY });
    const firstRun = await walk(cachedFirst, "BTCUSDT", "1m", JAN_1 + 3 * DAY_MS + 123_456, 5_000);
    const firstHours = await cachedFirst.getCandles("ETHUSDT", "1h", new Date(JAN_1), 100);
    expect(firstRun).toEqual(await walk(source, "BTCUSDT", "1m", JAN_1 + 3 * DAY_MS + 123_456, 5_000));
    expect(firstHours).toEqual(await source.getCandles("ETHUSDT", "1h", new Date(JAN_1), 100));
    expect(first.calls.length).toBeGreaterThan(0);
    // One request per day fetched: 28 days of 1m walked, 5 days of 1h (100 candles), plus the day after the data.
    expect(first.calls.every(([, , sinceMs]) => sinceMs % DAY_MS === 0)).toBe(true);

    const second = counting(source);
    const cachedSecond = withCandleCache(second.exchange, { dir: cacheDir, now: AFTER_JANUARY });
    expect(await walk(cachedSecond, "BTCUSDT", "1m", JAN_1 + 3 * DAY_MS + 123_456, 5_000)).toEqual(firstRun);
    expect(await cachedSecond.getCandles("ETHUSDT", "1h", new Date(JAN_1), 100)).toEqual(firstHours);
    expect(second.calls).toEqual([]);
  });

  it("offline: a cached day is served, a missing one fails at once naming the day, and the inner exchange is never asked", async () => {
    const cacheDir = await tempDir();
    const source = createFileExchange({ dir: SAMPLE_DATA });
    const filling = withCandleCache(source, { dir: cacheDir, now: AFTER_JANUARY });
    const day2 = await filling.getCandles("BTCUSDT", "1m", new Date(JAN_1 + DAY_MS), 1_440);
    const inner = counting(source);
    const offline = withCandleCache(inner.exchange, { dir: cacheDir, now: AFTER_JANUARY, offline: true });
    expect(await offline.getCandles("BTCUSDT", "1m", new Date(JAN_1 + DAY_MS), 1_440)).toEqual(day2);
    await expect(offline.getCandles("BTCUSDT", "1m", new Date(JAN_1), 10)).rejects.toThrow(
      /file BTCUSDT 1m candles of 2025-01-01 are not in the cache .* \(offline: the exchange is not asked\)/,
    );
    expect(inner.calls).toEqual([]);
  });

  it("stores one file per (cacheKey, symbol, interval, UTC day) and never caches the current day", async () => {
    const cacheDir = await tempDir();
    const dataDir = await tempDir();
    await writeFile(join(dataDir, "ABC-1m.csv"), binanceLines(simpleCandles(JAN_1, 2 * 1_440)));
    const inner = counting(createFileExchange({ dir: dataDir }));
    // "Now" is 2025-01-02 12:00: Jan 1 is final, Jan 2 is the current day.
    const now = () => JAN_1 + DAY_MS + DAY_MS / 2;
    const cached = withCandleCache(inner.exchange, { dir: cacheDir, cacheKey: "my-key", now });
    const candles = await cached.getCandles("abc", "1m", new Date(JAN_1), 2_000);
    expect(candles).toHaveLength(2_000);
    expect(await readdir(join(cacheDir, "my-key", "ABC", "1m"))).toEqual(["2025-01-01.json"]);
    const callsAfterFirst = inner.calls.length;
    await cached.getCandles("abc", "1m", new Date(JAN_1), 2_000);
    // Jan 1 comes from the cache; the current day is asked again.
    expect(inner.calls.slice(callsAfterFirst)).toEqual([["abc", "1m", JAN_1 + DAY_MS, 560]]);
  });

  for (const damage of [
    {
      name: "truncated file",
      reason: /not valid JSON/,
      apply: (text: string) => text.slice(0, text.length / 2),
    },
    {
      name: "changed volume",
      reason: /checksum mismatch/,
      apply: (text: string) => text.replace(",1],", ",2],"),
    },
    { name: "empty file", reason: /not valid JSON/, apply: () => "" },
  ]) {
    it(`quarantines a corrupt day file (${damage.name}), warns, refetches, never uses it`, async () => {
      const cacheDir = await tempDir();
      const dataDir = await tempDir();
      const original = simpleCandles(JAN_1, 1_440);
      await writeFile(join(dataDir, "ABC-1m.csv"), binanceLines(original));
      const source = createFileExchange({ dir: dataDir });
      await withCandleCache(source, { dir: cacheDir, now: AFTER_JANUARY }).getCandles(
        "ABC",
        "1m",
        new Date(JAN_1),
        10,
      );
      const dayDir = join(cacheDir, "file", "ABC", "1m");
      const path = join(dayDir, "2025-01-01.json");
      const text = await readFile(path, "utf8");
      const damaged = damage.apply(text);
      expect(damaged).not.toBe(text);
      await writeFile(path, damaged);

      const warnings: string[] = [];
      const inner = counting(source);
      const cached = withCandleCache(inner.exchange, {
        dir: cacheDir,
        now: AFTER_JANUARY,
        onWarning: (message) => warnings.push(message),
      });
      expect(await cached.getCandles("ABC", "1m", new Date(JAN_1), 1_440)).toEqual(original);
      expect(inner.calls).toHaveLength(1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(path);
      expect(warnings[0]).toMatch(damage.reason);
      const files = await readdir(dayDir);
      expect(files.filter((name) => name.includes(".corrupt-"))).toHaveLength(1);
      // The refetched day was rewritten intact and is valid again.
      expect(await readFile(path, "utf8")).toBe(text);
    });
  }

  it("refuses to store invalid candles from the inner exchange", async () => {
    const cacheDir = await tempDir();
    const broken: IExchangeSchema = {
      exchangeName: "broken",
      getCandles: async () => [{ timestamp: JAN_1, open: 10, high: 9, low: 8, close: 10, volume: 1 }],
    };
    const error = await withCandleCache(broken, { dir: cacheDir, now: AFTER_JANUARY })
      .getCandles("X", "1m", new Date(JAN_1), 5)
      .catch((reason: unknown) => reason);
    expect(BtError.isInstance(error) && error.code === "CANDLES").toBe(true);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it("importCandles fills the cache so a cached exchange needs no inner call for imported days", async () => {
    const cacheDir = await tempDir();
    const summary = await importCandles({ from: SAMPLE_DATA, cacheDir, exchangeName: "binance" });
    expect(summary).toEqual({
      files: 2,
      candles: 2 * 31 * 1_440,
      days: 62,
      symbols: ["BTCUSDT", "ETHUSDT"],
      problems: [],
      skipped: [],
      skippedCount: 0,
      ignored: [],
    });
    const source = createFileExchange({ dir: SAMPLE_DATA, exchangeName: "binance" });
    const inner = counting(source);
    const cached = withCandleCache(
      { ...inner.exchange, exchangeName: "binance" },
      { dir: cacheDir, now: AFTER_JANUARY },
    );
    const candles = await cached.getCandles("BTC/USDT", "1m", new Date(JAN_1 + 5 * DAY_MS), 3 * 1_440);
    expect(candles).toEqual(
      await source.getCandles("BTCUSDT", "1m", new Date(JAN_1 + 5 * DAY_MS), 3 * 1_440),
    );
    expect(inner.calls).toEqual([]);
  });

  it("importCandles fails on a bad line, naming file:line, and writes nothing (regression: the file was dropped, exit 0)", async () => {
    const from = await tempDir();
    const cacheDir = await tempDir();
    await writeFile(join(from, "ABC-1m.csv"), binanceLines(simpleCandles(JAN_1 + 600 * 60_000, 3_000)));
    await writeFile(join(from, "BAD-1m.csv"), "1735689600000,1,0.5,1,1,1\n1735689660000,1,2,0.5,1,x\n");
    await writeFile(join(from, "notes.txt"), "ignored");
    const error = await importCandles({ from, cacheDir }).catch((reason: unknown) => reason);
    expect(BtError.isInstance(error) && error.code === "CANDLES").toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("2 invalid row(s) in 1 file(s)");
    expect(message).toContain(`${join(from, "BAD-1m.csv")}:1: high 0.5 is below low 1 (high = 0.5)`);
    expect(message).toContain(`${join(from, "BAD-1m.csv")}:2: volume is not a number ("x") (volume = x)`);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it("importCandles with skipBad imports the rest, lists the skipped rows, and reports partial edge days", async () => {
    const from = await tempDir();
    const cacheDir = await tempDir();
    await writeFile(join(from, "ABC-1m.csv"), binanceLines(simpleCandles(JAN_1 + 600 * 60_000, 3_000)));
    await writeFile(join(from, "BAD-1m.csv"), "1735689600000,1,0.5,1,1,1\n");
    await writeFile(join(from, "ABC-1w.csv"), "ignored: unsupported interval");
    const summary = await importCandles({ from, cacheDir, skipBad: true });
    expect(summary.files).toBe(2);
    expect(summary.symbols).toEqual(["ABC"]);
    expect(summary.days).toBe(1);
    expect(summary.candles).toBe(1_440);
    expect(summary.skippedCount).toBe(1);
    expect(summary.skipped).toEqual([
      {
        file: join(from, "BAD-1m.csv"),
        line: 1,
        position: "line",
        field: "high",
        value: 0.5,
        reason: "high 0.5 is below low 1",
      },
    ]);
    expect(summary.ignored).toEqual([{ file: join(from, "ABC-1w.csv"), reason: "interval", detail: "1w" }]);
    expect(summary.problems).toEqual([
      `${join(from, "ABC-1w.csv")}: not imported (interval 1w is not supported)`,
      `1 invalid row(s) skipped, first: ${join(from, "BAD-1m.csv")}:1: high 0.5 is below low 1 (high = 0.5)`,
      "ABC 1m 2025-01-01: partial day (840 of 1440 candles) not imported",
      "ABC 1m 2025-01-03: partial day (720 of 1440 candles) not imported",
    ]);
  });
});
