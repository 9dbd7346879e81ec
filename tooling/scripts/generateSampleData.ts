// Writes the bundled SYNTHETIC sample data (examples/data/*.csv.gz): 1m candles for BTCUSDT and ETHUSDT over
// 2025-01-01..2025-01-31 from bench's seeded generator, in Binance kline CSV format (12 columns, no header,
// ms open times). Deterministic: re-running produces byte-identical files.
// Run: pnpm exec tsx --conditions @bt/source tooling/scripts/generateSampleData.ts

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { generateCandleColumns } from "../../bench/src/candleGenerator";

const START_MS = Date.UTC(2025, 0, 1);
const END_MS = Date.UTC(2025, 1, 1);
const MINUTE_MS = 60_000;

/** The bundled series: symbol, generator seed and parameters. Changing any of them changes the files. */
export const SAMPLE_SERIES = [
  {
    symbol: "BTCUSDT",
    seed: 20_250_101,
    startPrice: 94_000,
    annualVolatility: 0.5,
    baseVolume: 12,
    volumeDecimals: 5,
  },
  {
    symbol: "ETHUSDT",
    seed: 20_250_102,
    startPrice: 3_350,
    annualVolatility: 0.7,
    baseVolume: 350,
    volumeDecimals: 4,
  },
] as const;

/** Binance kline CSV text for one series: open_time,open,high,low,close,volume,close_time,quote_volume,trades,taker_buy_base,taker_buy_quote,ignore. */
function binanceCsv(series: (typeof SAMPLE_SERIES)[number]): string {
  const count = (END_MS - START_MS) / MINUTE_MS;
  const columns = generateCandleColumns({
    seed: series.seed,
    startMs: START_MS,
    count,
    startPrice: series.startPrice,
    annualVolatility: series.annualVolatility,
    baseVolume: series.baseVolume,
  });
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const openMs = columns.timestamp[index]!;
    const close = columns.close[index]!;
    const volume = Number(columns.volume[index]!.toFixed(series.volumeDecimals));
    // Derived columns keep the 12-column shape; trades and taker share follow the volume deterministically.
    const trades = Math.max(1, Math.round(volume * (series.symbol === "BTCUSDT" ? 90 : 4)));
    const takerBase = Number((volume * 0.5).toFixed(series.volumeDecimals));
    lines.push(
      [
        openMs,
        columns.open[index]!.toFixed(2),
        columns.high[index]!.toFixed(2),
        columns.low[index]!.toFixed(2),
        close.toFixed(2),
        volume.toFixed(series.volumeDecimals),
        openMs + MINUTE_MS - 1,
        (volume * close).toFixed(2),
        trades,
        takerBase.toFixed(series.volumeDecimals),
        (takerBase * close).toFixed(2),
        0,
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Writes every sample file into `directory` and returns their paths and sizes in bytes. */
export async function generateSampleData(directory: string): Promise<Array<{ path: string; bytes: number }>> {
  await mkdir(directory, { recursive: true });
  const written: Array<{ path: string; bytes: number }> = [];
  for (const series of SAMPLE_SERIES) {
    const path = join(directory, `${series.symbol}-1m-2025-01.csv.gz`);
    // Fixed gzip level and no file name/mtime in the header (zlib's default) keep the output byte-identical.
    const compressed = gzipSync(binanceCsv(series), { level: 9 });
    await writeFile(path, compressed);
    written.push({ path, bytes: compressed.length });
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const target = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "data");
  for (const { path, bytes } of await generateSampleData(target)) console.log(`${path}: ${bytes} bytes`);
}
