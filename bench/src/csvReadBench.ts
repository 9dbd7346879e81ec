// Throughput of @bt/exchange-file's CSV reader: writes ~1M rows of Binance kline CSV (12 columns, µs open
// times, as in 2025+ dumps) from the seeded generator to a temp file, times readCandleFile, removes the file.
// Run alone: pnpm exec tsx --conditions @bt/source bench/src/csvReadBench.ts

import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { readCandleFile } from "@bt/exchange-file";
import { generateCandleColumns } from "./candleGenerator";

const ROWS = 1_000_000;
const ROWS_PER_WRITE = 10_000;

/** Writes `count` seeded 1m candles as a Binance kline CSV (no header, µs open and close times). */
export async function writeBinanceCsv(path: string, count: number): Promise<void> {
  const columns = generateCandleColumns({
    seed: 20250101,
    startMs: Date.UTC(2025, 0, 1),
    count,
    startPrice: 94_000,
  });
  const output = createWriteStream(path);
  for (let from = 0; from < count; from += ROWS_PER_WRITE) {
    let text = "";
    for (let index = from; index < Math.min(count, from + ROWS_PER_WRITE); index++) {
      const openUs = columns.timestamp[index]! * 1000;
      const volume = columns.volume[index]!;
      const close = columns.close[index]!;
      text += `${openUs},${columns.open[index]!.toFixed(2)},${columns.high[index]!.toFixed(2)},${columns.low[index]!.toFixed(2)},${close.toFixed(2)},${volume.toFixed(8)},${openUs + 59_999_999},${(volume * close).toFixed(8)},${1000 + (index % 977)},${(volume / 2).toFixed(8)},${((volume / 2) * close).toFixed(8)},0\n`;
    }
    if (!output.write(text)) await new Promise<void>((resolve) => output.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    output.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/**
 * Measures the CSV reader on ~1M Binance-format rows.
 * @returns candles read per second (best of 3 reads) and the number of candles read.
 */
export async function runCsvReadBench(): Promise<{ csvCandlesPerSecond: number; csvCandles: number }> {
  const directory = await mkdtemp(join(tmpdir(), "bt-csv-bench-"));
  try {
    const path = join(directory, "BTCUSDT-1m-bench.csv");
    await writeBinanceCsv(path, ROWS);
    let bestMs = Number.POSITIVE_INFINITY;
    let candles = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = performance.now();
      const file = await readCandleFile(path, { format: "binance" });
      const elapsedMs = performance.now() - started;
      candles = file.columns.timestamp.length;
      if (candles !== ROWS) throw new Error(`csvReadBench: read ${candles} candles, expected ${ROWS}`);
      bestMs = Math.min(bestMs, elapsedMs);
    }
    return { csvCandlesPerSecond: Math.round(candles / (bestMs / 1000)), csvCandles: candles };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Rows of the CSV whose load peak RSS is measured: BENCH_CSV_ROWS, default 2,500,000 (10,000,000 ≈ 1.3 GB). */
export function csvLoadRows(): number {
  const configured = Number(process.env.BENCH_CSV_ROWS);
  return Number.isInteger(configured) && configured > 0 ? configured : 2_500_000;
}

/** Peak memory of loading one CSV file into columns (measured in a child process of its own). */
export interface ICsvLoadResult {
  rows: number;
  fileBytes: number;
  /** Bytes of the six Float64 columns of the loaded candles: rows × 6 × 8. */
  columnBytes: number;
  ms: number;
  /** RSS of the child just before the read (node, tsx, the modules), MB. */
  baselineRssMb: number;
  peakRssMb: number;
  /** Peak RSS / columnBytes. */
  peakRssRatio: number;
  /**
   * (Peak RSS − baseline RSS) / columnBytes: what the load itself needed, in units of the data's size;
   * the target's figure (on a small file the process's own RSS would dominate the plain ratio).
   */
  peakRssGrowthRatio: number;
}

/** Reads `path` (Binance CSV) with readCandleFile and reports the process's peak RSS; run it in a fresh child. */
export async function measureCsvLoad(path: string, fileBytes: number): Promise<ICsvLoadResult> {
  const baselineRssBytes = process.memoryUsage().rss;
  const started = performance.now();
  const file = await readCandleFile(path, { format: "binance" });
  const ms = performance.now() - started;
  const rows = file.columns.timestamp.length;
  const columnBytes = rows * 6 * Float64Array.BYTES_PER_ELEMENT;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return {
    rows,
    fileBytes,
    columnBytes,
    ms: Math.round(ms),
    baselineRssMb: Math.round(baselineRssBytes / 1_048_576),
    peakRssMb: Math.round(peakRssBytes / 1_048_576),
    peakRssRatio: Math.round((peakRssBytes / columnBytes) * 100) / 100,
    peakRssGrowthRatio: Math.round(((peakRssBytes - baselineRssBytes) / columnBytes) * 100) / 100,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runCsvReadBench()));
}
