// The real sample files of ../shared/data/formats (real Binance candles in the formats users bring). Facts
// asserted here were read off the files independently (unzip / python's csv and json, and the June csv.gz
// for the feather file), not off this package's readers. The files carry no licence, so they stay in
// shared/ (see its README) and are not copied into the repository: where that folder is absent the suite
// says so in one line and is skipped; the in-repo format tests (formatReaders.test.ts) still run.

import { existsSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { createFileExchange, readCandleFile } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";
import { SHARED_DATA, tempDir } from "./testFiles";

const FORMATS = join(SHARED_DATA, "formats");
const present = existsSync(join(FORMATS, "BTC_USDT-1h.feather"));
if (!present) console.log(`exchange-file: ${FORMATS} is absent; the real-format tests are skipped`);

const JUNE_1 = Date.UTC(2025, 5, 1);
const JUNE_2 = Date.UTC(2025, 5, 2);

function row(file: Awaited<ReturnType<typeof readCandleFile>>, index: number): number[] {
  const { timestamp, open, high, low, close, volume } = file.columns;
  return [timestamp, open, high, low, close, volume].map((column) => column[index]!);
}

describe.skipIf(!present)("real files of ../shared/data/formats", () => {
  it("Binance daily zip BTCUSDT-1m-2025-06-01.zip: 1,440 rows, ms times, no header", async () => {
    const file = await readCandleFile(join(FORMATS, "BTCUSDT-1m-2025-06-01.zip"));
    expect(file.columns.timestamp.length).toBe(1_440);
    expect(row(file, 0)).toEqual([JUNE_1, 104591.88, 104647.11, 104591.88, 104647.11, 10.71688]);
    expect(row(file, 1_439)).toEqual([JUNE_2 - 60_000, 105595.94, 105642.93, 105595.94, 105642.93, 7.84812]);
    expect(file.gaps).toEqual([]);
  });

  it("Binance µs CSV BTCUSDT-1m-2025-06-02.csv: 1,440 rows, microseconds detected", async () => {
    const file = await readCandleFile(join(FORMATS, "BTCUSDT-1m-2025-06-02.csv"));
    expect(file.columns.timestamp.length).toBe(1_440);
    expect(row(file, 0)).toEqual([JUNE_2, 105642.93, 105647.78, 105584.75, 105603.23, 8.64703]);
    expect(row(file, 1_439)).toEqual([
      Date.UTC(2025, 5, 3) - 60_000,
      105824.46,
      105857.99,
      105824.45,
      105857.99,
      4.67507,
    ]);
  });

  it("freqtrade json ETH_USDT-5m.json: 497 rows of 5m", async () => {
    const file = await readCandleFile(join(FORMATS, "ETH_USDT-5m.json"), { interval: "5m" });
    expect(file.columns.timestamp.length).toBe(497);
    expect(row(file, 0)).toEqual([1751241600000, 2500.09, 2505.66, 2500.0, 2500.61, 5795.955]);
    expect(row(file, 496)).toEqual([1751390400000, 2426.05, 2431.4, 2424.98, 2431.09, 797.5307]);
    expect(file.gaps).toEqual([]);
  });

  it("freqtrade feather BTC_USDT-1h.feather (LZ4, date = timestamp[ns, UTC]): 8,996 rows from 2023-01-01", async () => {
    const file = await readCandleFile(join(FORMATS, "BTC_USDT-1h.feather"), { interval: "1h" });
    expect(file.columns.timestamp.length).toBe(8_996);
    expect(file.columns.timestamp[0]).toBe(Date.UTC(2023, 0, 1));
    expect(new Date(file.columns.timestamp[8_995]!).toISOString().slice(0, 10)).toBe("2024-01-10");
  });

  it("freqtrade feather BTC_USDT-1m.feather: 43,199 rows, its 2025-06-01 17:20 candle equals the June CSV's", async () => {
    const file = await readCandleFile(join(FORMATS, "BTC_USDT-1m.feather"));
    expect(file.columns.timestamp.length).toBe(43_199);
    // From ../shared/data/BTCUSDT-1m-2025-06.csv.gz, line of 1748798400000 (read with python's gzip).
    expect(row(file, 0)).toEqual([1748798400000, 105137.2, 105137.21, 105120.41, 105121.96, 2.14669]);
    expect(file.priceDecimals).toBe(2);
  });

  it("a folder of all of them: freqtrade and Binance names give BTCUSDT / ETHUSDT with their intervals", async () => {
    const dir = await tempDir();
    for (const name of [
      "BTCUSDT-1m-2025-06-01.zip",
      "BTCUSDT-1m-2025-06-02.csv",
      "BTC_USDT-1h.feather",
      "ETH_USDT-5m.json",
    ]) {
      await copyFile(join(FORMATS, name), join(dir, name));
    }
    const exchange = createFileExchange({ dir });
    expect(await exchange.listSymbols()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(await exchange.intervalsOf("BTCUSDT")).toEqual(["1m", "1h"]);
    expect(await exchange.intervalsOf("ETH/USDT")).toEqual(["5m"]);
    // The zip and the µs CSV join into two days of 1m with no gap.
    expect((await exchange.getColumns("BTCUSDT", "1m")).timestamp.length).toBe(2_880);
    // The only gap is the feather file's one missing hour (2023-01-01 00:00 → 2024-01-10 20:00 is 8,997 hours).
    expect(
      (await exchange.getGaps("BTCUSDT")).map((gap) => [gap.file.endsWith(".feather"), gap.missingCandles]),
    ).toEqual([[true, 1]]);
    // 1h is the feather file's own; 4h is aggregated from the finest interval that divides it (1m).
    expect((await exchange.getColumns("BTCUSDT", "1h")).timestamp.length).toBe(8_996);
    expect((await exchange.getColumns("BTCUSDT", "4h")).timestamp.length).toBe(12);
    const fifteen = await exchange.getCandles("ETHUSDT", "15m", new Date(1751241600000), 2);
    expect(fifteen.map((candle) => candle.open)).toEqual([2500.09, expect.any(Number)]);
  });
});
