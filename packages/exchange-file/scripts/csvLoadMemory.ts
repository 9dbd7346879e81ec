// Peak memory of loading a large candle CSV: writes an N-row Binance kline CSV (12 columns, µs open times)
// to a temp dir, loads it with readCandleFile in a fresh child process and prints rows, column bytes and the
// child's peak RSS (process.resourceUsage().maxRSS), next to the RSS of a child that loads a 1-row file.
// Not a test (no timing assertion); the temp dir is removed at the end.
// Run: pnpm exec tsx --conditions @bt/source packages/exchange-file/scripts/csvLoadMemory.ts 10000000 [gzip]

import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { readCandleFile } from "../src/readCandleFile";

const ROWS_PER_WRITE = 20_000;
const MINUTE_MS = 60_000;

/** Writes `count` valid 1m candles as Binance kline CSV (no header, µs open and close times), gzip or plain. */
async function writeBinanceCsv(path: string, count: number, gzip = false): Promise<void> {
  const file = createWriteStream(path);
  const finished = new Promise<void>((resolve, reject) => {
    file.on("close", () => resolve());
    file.on("error", reject);
  });
  const output = gzip ? createGzip() : file;
  if (gzip) output.pipe(file);
  const startMs = Date.UTC(2020, 0, 1);
  let price = 9_000;
  for (let from = 0; from < count; from += ROWS_PER_WRITE) {
    let text = "";
    for (let index = from; index < Math.min(count, from + ROWS_PER_WRITE); index++) {
      // A deterministic walk: close moves by a few cents, high/low wrap the body.
      const open = price;
      const close = Math.max(1, open + ((index * 7919) % 41) / 10 - 2);
      const high = Math.max(open, close) + ((index * 31) % 13) / 10;
      const low = Math.max(0.01, Math.min(open, close) - ((index * 17) % 11) / 10);
      const volume = 1 + ((index * 104_729) % 100_000) / 1000;
      const openUs = (startMs + index * MINUTE_MS) * 1000;
      text += `${openUs},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${volume.toFixed(8)},${openUs + 59_999_999},${(volume * close).toFixed(8)},${1000 + (index % 977)},${(volume / 2).toFixed(8)},${((volume / 2) * close).toFixed(8)},0\n`;
      price = close;
    }
    if (!output.write(text)) await new Promise<void>((resolve) => output.once("drain", () => resolve()));
  }
  output.end();
  await finished;
}

interface IChildReport {
  rows: number;
  columnBytes: number;
  maxRssBytes: number;
  loadMs: number;
}

/** Child side: load one file, print what it cost. */
async function child(path: string): Promise<void> {
  const started = performance.now();
  const file = await readCandleFile(path, { format: "binance" });
  const loadMs = performance.now() - started;
  const { columns } = file;
  const columnBytes =
    columns.timestamp.byteLength +
    columns.open.byteLength +
    columns.high.byteLength +
    columns.low.byteLength +
    columns.close.byteLength +
    columns.volume.byteLength;
  const report: IChildReport = {
    rows: columns.timestamp.length,
    columnBytes,
    // maxRSS is in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    loadMs: Math.round(loadMs),
  };
  console.log(JSON.stringify(report));
}

/** Runs this script as a fresh child process on `path` (same loader flags as this process). */
function measure(path: string): IChildReport {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, [...process.execArgv, script, "--child", path], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const last = output.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as IChildReport;
}

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(0)} MB`;

async function main(): Promise<void> {
  const [first, second] = process.argv.slice(2);
  const gzip = second === "gzip";
  if (first === "--child" && second !== undefined) {
    await child(second);
    return;
  }
  const rows = Number(first ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`csvLoadMemory: rows must be an integer ≥ 1, got ${first}`);
  const directory = await mkdtemp(join(tmpdir(), "bt-csv-memory-"));
  try {
    const tiny = join(directory, "BASE-1m.csv");
    await writeBinanceCsv(tiny, 1);
    const path = join(directory, gzip ? "BTCUSDT-1m.csv.gz" : "BTCUSDT-1m.csv");
    await writeBinanceCsv(path, rows, gzip);
    const fileBytes = (await stat(path)).size;
    const base = measure(tiny);
    const loaded = measure(path);
    console.log(
      JSON.stringify({
        rows: loaded.rows,
        gzip,
        fileBytes,
        columnBytes: loaded.columnBytes,
        maxRssBytes: loaded.maxRssBytes,
        baseRssBytes: base.maxRssBytes,
        rssOverBasePerColumnByte: Number(
          ((loaded.maxRssBytes - base.maxRssBytes) / loaded.columnBytes).toFixed(3),
        ),
        loadMs: loaded.loadMs,
      }),
    );
    console.log(
      `${loaded.rows.toLocaleString("en-US")} rows, file ${megabytes(fileBytes)}, columns ${megabytes(loaded.columnBytes)}, ` +
        `peak RSS ${megabytes(loaded.maxRssBytes)} (a 1-row load: ${megabytes(base.maxRssBytes)}), load ${loaded.loadMs} ms`,
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
