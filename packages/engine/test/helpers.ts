// Test helpers: hand-made 1m candle series, an in-memory exchange schema over them, and a test engine
// that fails its test on any listenError the test did not ask for (an `expect` failing inside a
// strategy's getSignal is routed to listenError and would otherwise pass silently).

import type { CandleInterval, ICandleData, IExchangeSchema } from "@bt/core";
import { onTestFinished } from "vitest";
import { createEngine, type IEngine, type IEngineOptions } from "../src/index";

export const MINUTE = 60_000;
export const T0 = Date.UTC(2025, 0, 1);

/** Flat candles (o = h = l = c = price) from `startMs`, one per entry; volume 1 unless given. */
export function flatCandles(startMs: number, prices: number[], volumes: number[] = []): ICandleData[] {
  return prices.map((price, index) => ({
    timestamp: startMs + index * MINUTE,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: volumes[index] ?? 1,
  }));
}

/** Minute-indexed prices: `price(m)` for minutes m in [from, to) relative to T0. */
export function series(
  from: number,
  to: number,
  price: (minute: number) => number,
  volume?: (minute: number) => number,
) {
  const prices: number[] = [];
  const volumes: number[] = [];
  for (let minute = from; minute < to; minute++) {
    prices.push(price(minute));
    volumes.push(volume ? volume(minute) : 1);
  }
  return flatCandles(T0 + from * MINUTE, prices, volumes);
}

/** Deterministic wiggly OHLCV candles (for look-ahead and aggregation tests). */
export function wigglyCandles(startMs: number, count: number): ICandleData[] {
  const candles: ICandleData[] = [];
  let price = 100;
  for (let index = 0; index < count; index++) {
    const open = price;
    const close = 100 + 10 * Math.sin(index / 37) + 3 * Math.sin(index / 5.3);
    const high = Math.max(open, close) + 0.5 + ((index * 7) % 5) / 10;
    const low = Math.min(open, close) - 0.5 - ((index * 3) % 5) / 10;
    candles.push({
      timestamp: startMs + index * MINUTE,
      open,
      high,
      low,
      close,
      volume: 1 + ((index * 13) % 7),
    });
    price = close;
  }
  return candles;
}

/** An exchange serving `candles` (1m) per symbol; records every getCandles call. */
export function memoryExchange(
  exchangeName: string,
  candlesBySymbol: Record<string, ICandleData[]>,
): IExchangeSchema & {
  calls: Array<{ symbol: string; interval: CandleInterval; since: number; limit: number }>;
} {
  const calls: Array<{ symbol: string; interval: CandleInterval; since: number; limit: number }> = [];
  return {
    exchangeName,
    calls,
    async getCandles(symbol, interval, since, limit) {
      calls.push({ symbol, interval, since: since.getTime(), limit });
      const all = candlesBySymbol[symbol] ?? [];
      if (interval !== "1m") throw new Error(`memoryExchange serves 1m only, asked ${interval}`);
      const from = all.findIndex((candle) => candle.timestamp >= since.getTime());
      return from === -1 ? [] : all.slice(from, from + limit);
    },
  };
}

/** Net pnl in percent as written in DESIGN.md (fee f and slippage s per side, defaults 0.1 / 0.1). */
export function designPnl(position: "long" | "short", open: number, close: number, f = 0.1, s = 0.1): number {
  if (position === "long") {
    const openAdjusted = open * (1 + s / 100);
    const closeAdjusted = close * (1 - s / 100);
    return ((closeAdjusted - openAdjusted) / openAdjusted) * 100 - f * (1 + closeAdjusted / openAdjusted);
  }
  const openAdjusted = open * (1 - s / 100);
  const closeAdjusted = close * (1 + s / 100);
  return ((openAdjusted - closeAdjusted) / openAdjusted) * 100 - f * (1 + closeAdjusted / openAdjusted);
}

/** Options of createTestEngine. */
export interface ITestEngineOptions extends IEngineOptions {
  /** The test expects listenError events and asserts them itself (default false: any error fails the test). */
  expectErrors?: boolean;
}

/**
 * createEngine() for a test: unless `expectErrors`, every listenError event is collected and the test
 * fails when it ends (after its listeners drained) naming each error. Call it inside a test or beforeEach.
 */
export function createTestEngine(options: ITestEngineOptions = {}): IEngine {
  const { expectErrors = false, ...engineOptions } = options;
  const engine = createEngine(engineOptions);
  if (expectErrors) return engine;
  const errors: Error[] = [];
  engine.listenError((error) => {
    errors.push(error);
  });
  onTestFinished(async () => {
    await engine.waitForListeners();
    if (errors.length > 0) {
      throw new Error(
        `listenError received ${errors.length} unexpected error(s):\n${errors.map((error) => `- ${error.message}`).join("\n")}`,
        { cause: errors[0] },
      );
    }
  });
  return engine;
}

/** Collects every result of an async generator. */
export async function collect<T>(generator: AsyncGenerator<T, unknown, undefined>): Promise<T[]> {
  const results: T[] = [];
  for await (const result of generator) results.push(result);
  return results;
}
