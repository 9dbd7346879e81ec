// Shared fixtures of the optimizer tests: ranges inside the bundled January 2025 candles, a paged
// source, a schema factory and canned model answers (good, broken, forbidden).

import { fileURLToPath } from "node:url";
import type { IOptimizerRange, IOptimizerSchema, IOptimizerSource } from "../src/index";

/** The bundled sample candles (BTCUSDT and ETHUSDT, 1m, January 2025). */
export const DATA_DIR = fileURLToPath(new URL("../../../examples/data", import.meta.url));
/** Where tests write generated files: inside the package, so @bt/engine resolves from them. */
export const GENERATED_DIR = fileURLToPath(new URL("./.generated", import.meta.url));

export const RANGE_TRAIN: IOptimizerRange[] = [
  {
    note: "first week",
    startDate: new Date("2025-01-02T00:00:00Z"),
    endDate: new Date("2025-01-09T00:00:00Z"),
  },
  {
    note: "second week",
    startDate: new Date("2025-01-09T00:00:00Z"),
    endDate: new Date("2025-01-16T00:00:00Z"),
  },
];
export const RANGE_TEST: IOptimizerRange = {
  note: "test week",
  startDate: new Date("2025-01-20T00:00:00Z"),
  endDate: new Date("2025-01-27T00:00:00Z"),
};

/** A source of `total` numbered rows that records its fetch calls. */
export function pagedSource(
  total: number,
  name = "numbers",
): IOptimizerSource<{ n: number }> & { calls: number[] } {
  const calls: number[] = [];
  return {
    name,
    calls,
    fetch({ limit, offset }) {
      calls.push(offset);
      return Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, index) => ({
        n: offset + index,
      }));
    },
  };
}

/** A schema with two training ranges, one small source and a fixed prompt; `overrides` replace fields. */
export function testSchema(overrides: Partial<IOptimizerSchema> = {}): IOptimizerSchema {
  return {
    optimizerName: "jan",
    rangeTrain: RANGE_TRAIN,
    rangeTest: RANGE_TEST,
    source: [pagedSource(3)],
    pageLimit: 10,
    getPrompt: (symbol, _messages, range) =>
      `Write one strategy idea for ${symbol} trained on ${range.note}.`,
    ...overrides,
  };
}

/** An answer wrapping `code` in a ```ts fence with some prose around it. */
export function fenced(code: string): string {
  return `Here is my idea.\n\n\`\`\`ts\n${code}\n\`\`\`\n\nIt buys breakouts.`;
}

/** A long breakout on 15m candles. */
export const BREAKOUT_IDEA = `{
  interval: "15m",
  warmupCandles: 21,
  note: "breakout above the 20-candle high",
  getSignal: async (symbol) => {
    const candles = await getCandles(symbol, "15m", 21);
    if (candles.length < 21) return null;
    const high = Math.max(...candles.slice(0, -1).map((candle) => candle.high));
    const price = await getAveragePrice(symbol);
    if (price <= high) return null;
    return { position: "long", priceTakeProfit: price * 1.01, priceStopLoss: price * 0.995, minuteEstimatedTime: 240 };
  },
}`;

/** A short mean reversion on 1h columns. */
export const REVERSION_IDEA = `{
  interval: "1h",
  warmupCandles: 24,
  getSignal: async (symbol) => {
    const columns = await getCandleColumns(symbol, "1h", 24);
    if (columns.length < 24) return null;
    let sum = 0;
    for (const close of columns.close) sum += close;
    const mean = sum / columns.length;
    const price = await getAveragePrice(symbol);
    if (price < mean * 1.005) return null;
    return { position: "short", priceTakeProfit: price * 0.99, priceStopLoss: price * 1.006, minuteEstimatedTime: 360 };
  },
}`;

/** A type error: an unknown position. */
export const SIDEWAYS_IDEA = BREAKOUT_IDEA.replace('position: "long"', 'position: "sideways"');
/** A type error: an unknown function. */
export const UNKNOWN_FUNCTION_IDEA = BREAKOUT_IDEA.replace(
  "await getAveragePrice(symbol)",
  "await getMarketPrice(symbol)",
);
