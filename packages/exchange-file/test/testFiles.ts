// Test helpers: real temp directories (no fs mocks), fixture paths, and Binance-format CSV text from candles.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ICandleData } from "@bt/core";
import { afterEach } from "vitest";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
export const SAMPLE_DATA = fileURLToPath(new URL("../../../examples/data/", import.meta.url));
export const SHARED_DATA = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));

const created: string[] = [];

/** A fresh temp directory, removed after the current test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "bt-exchange-file-"));
  created.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Binance kline CSV lines (12 columns, ms open times, no header) for `candles`. */
export function binanceLines(candles: ReadonlyArray<ICandleData>): string {
  return candles
    .map(
      (candle) =>
        `${candle.timestamp},${candle.open},${candle.high},${candle.low},${candle.close},${candle.volume},${candle.timestamp + 59_999},0,0,0,0,0\n`,
    )
    .join("");
}

/** `count` valid 1m candles from `startMs`, prices walking by ±1 around `price`. */
export function simpleCandles(startMs: number, count: number, price = 100): ICandleData[] {
  return Array.from({ length: count }, (_, index) => {
    const open = price + (index % 7) - 3;
    const close = price + ((index + 1) % 7) - 3;
    return {
      timestamp: startMs + index * 60_000,
      open,
      high: Math.max(open, close) + 0.5,
      low: Math.min(open, close) - 0.5,
      close,
      volume: 1 + (index % 5),
    };
  });
}
