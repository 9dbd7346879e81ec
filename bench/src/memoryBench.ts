// Bytes held per 1m candle once a year is loaded through the engine's public API. Run in a child with
// --expose-gc: after a full GC the process's heapUsed + external (typed-array stores are external memory)
// is read before the exchange exists and again inside the first getSignal of a backtest over the year
// (the candle store is loaded and alive then); the growth divided by 525,600 (the year's minutes; the
// 1,440 warm-up minutes loaded as well are in the growth) is the figure.
// - columns: the bench's column exchange (@bt/cluster) holding the generated columns. The engine keeps
//   views of them, so what is counted is the columns themselves plus the engine's price column.
// - objects: an exchange that serves ICandleData batches generated on demand and keeps nothing, so what is
//   counted is the engine's own copy of the year.

import { createColumnExchange } from "@bt/cluster";
import type { ICandleData, IExchangeSchema } from "@bt/core";
import { createEngine } from "@bt/engine";
import { generateCandles } from "./candleGenerator";
import { BENCH_START_MS, BENCH_WARMUP_MINUTES, benchColumns, MINUTE_MS } from "./scenarios";
import { BENCH_SEED, YEAR_MINUTES } from "./scenarioTimings";

/** Result of one memory measurement. */
export interface IMemoryResult {
  exchange: "columns" | "objects";
  /** 1m candles in the store: the year plus the warm-up day. */
  candlesLoaded: number;
  bytesHeld: number;
  bytesPerCandle: number;
  peakRssMb: number;
}

function heldBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory bench: run node with --expose-gc");
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** An exchange that generates each requested 1m batch from the seeded generator and keeps nothing. */
function onDemandObjectExchange(firstMs: number, endMs: number): IExchangeSchema {
  return {
    exchangeName: "bench",
    async getCandles(_symbol, _interval, since, limit): Promise<ICandleData[]> {
      const fromMs = Math.max(firstMs, Math.ceil(since.getTime() / MINUTE_MS) * MINUTE_MS);
      const count = Math.max(0, Math.min(limit, (endMs - fromMs) / MINUTE_MS));
      // A seed per batch: prices jump between batches, which no rule minds; only the bytes matter here.
      return generateCandles({ seed: BENCH_SEED + fromMs / MINUTE_MS, startMs: fromMs, count });
    },
  };
}

/** Loads a year into a fresh engine through `exchange` and measures what it holds. */
export async function measureCandleMemory(exchange: "columns" | "objects"): Promise<IMemoryResult> {
  const minutes = YEAR_MINUTES;
  const firstMs = BENCH_START_MS - BENCH_WARMUP_MINUTES * MINUTE_MS;
  const endMs = BENCH_START_MS + minutes * MINUTE_MS;
  const before = heldBytes();
  const engine = createEngine();
  engine.addExchange(
    exchange === "columns"
      ? createColumnExchange("bench", { BTCUSDT: benchColumns(BENCH_SEED, minutes) })
      : onDemandObjectExchange(firstMs, endMs),
  );
  engine.addFrame({
    frameName: "frame",
    interval: "1m",
    startDate: new Date(BENCH_START_MS),
    endDate: new Date(endMs),
  });
  let during: number | undefined;
  engine.addStrategy({
    strategyName: "measure",
    interval: "1d",
    getSignal: async () => {
      during ??= heldBytes();
      return null;
    },
  });
  for await (const _ of engine.Backtest.run(
    "BTCUSDT",
    { strategyName: "measure", exchangeName: "bench", frameName: "frame" },
    { warmupMinutes: BENCH_WARMUP_MINUTES },
  )) {
    // never trades
  }
  if (during === undefined) throw new Error("memory bench: getSignal never ran");
  const bytesHeld = during - before;
  return {
    exchange,
    candlesLoaded: BENCH_WARMUP_MINUTES + minutes,
    bytesHeld,
    bytesPerCandle: Math.round((bytesHeld / minutes) * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
