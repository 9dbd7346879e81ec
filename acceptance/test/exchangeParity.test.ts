// Issue 3 acceptance: the engine backtests the bundled sample data through @bt/exchange-file, and the
// same candles served by a local Binance REST server through @bt/exchange-ccxt (real ccxt, real HTTP),
// with identical results.

import { fileURLToPath } from "node:url";
import type { ICandleData, IExchangeSchema, IStrategySchema, IStrategyTickResult } from "@bt/core";
import { createEngine, getCandles } from "@bt/engine";
import { createCcxtExchange } from "@bt/exchange-ccxt";
import { createFileExchange, readCandleFile } from "@bt/exchange-file";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BinanceServer,
  localBinanceOptions,
  type SeriesCandle,
  startBinanceServer,
} from "../../packages/exchange-ccxt/test/binanceServer";

const DATA_DIR = fileURLToPath(new URL("../../examples/data/", import.meta.url));
const FRAME_START = Date.UTC(2025, 0, 4);
const FRAME_END = Date.UTC(2025, 0, 11);

/** A small SMA crossover on 15m candles: long when the fast average crosses above the slow one. */
const smaCrossover: IStrategySchema = {
  strategyName: "sma-cross",
  interval: "15m",
  getSignal: async (symbol) => {
    const candles: ICandleData[] = await getCandles(symbol, "15m", 21);
    const mean = (from: number, to: number) =>
      candles.slice(from, to).reduce((sum, candle) => sum + candle.close, 0) / (to - from);
    const fastNow = mean(candles.length - 5, candles.length);
    const slowNow = mean(candles.length - 20, candles.length);
    const fastBefore = mean(candles.length - 6, candles.length - 1);
    const slowBefore = mean(candles.length - 21, candles.length - 1);
    const price = candles.at(-1)?.close ?? 0;
    if (fastBefore <= slowBefore && fastNow > slowNow) {
      return {
        position: "long",
        priceTakeProfit: price * 1.01,
        priceStopLoss: price * 0.99,
        minuteEstimatedTime: 240,
      };
    }
    if (fastBefore >= slowBefore && fastNow < slowNow) {
      return {
        position: "short",
        priceTakeProfit: price * 0.99,
        priceStopLoss: price * 1.01,
        minuteEstimatedTime: 240,
      };
    }
    return null;
  },
};

async function backtest(exchange: IExchangeSchema): Promise<IStrategyTickResult[]> {
  const engine = createEngine();
  engine.addExchange({ ...exchange, exchangeName: "binance" });
  engine.addStrategy(smaCrossover);
  engine.addFrame({
    frameName: "week",
    interval: "1m",
    startDate: new Date(FRAME_START),
    endDate: new Date(FRAME_END),
  });
  const results: IStrategyTickResult[] = [];
  for await (const result of engine.Backtest.run("BTCUSDT", {
    strategyName: "sma-cross",
    exchangeName: "binance",
    frameName: "week",
  })) {
    results.push(result);
  }
  return results;
}

let server: BinanceServer;
let binanceApiUrls: Record<string, string>;

beforeAll(async () => {
  const { columns } = await readCandleFile(`${DATA_DIR}BTCUSDT-1m-2025-01.csv.gz`);
  const series: SeriesCandle[] = Array.from(columns.timestamp, (openTime, index) => ({
    openTime,
    open: columns.open[index] as number,
    high: columns.high[index] as number,
    low: columns.low[index] as number,
    close: columns.close[index] as number,
    volume: columns.volume[index] as number,
  }));
  server = await startBinanceServer({ seriesStartMs: series[0]?.openTime, series: { BTCUSDT: series } });
  const ccxt = await import("ccxt");
  binanceApiUrls = new ccxt.binance().urls.api as unknown as Record<string, string>;
});
afterAll(() => server?.close());

describe("exchange parity on the bundled sample data", () => {
  it("backtests identically through @bt/exchange-file and through @bt/exchange-ccxt on a local Binance", async () => {
    const fromFiles = await backtest(createFileExchange({ dir: DATA_DIR }));
    const fromCcxt = await backtest(
      createCcxtExchange({
        exchangeId: "binance",
        options: { ...localBinanceOptions(server.origin, binanceApiUrls), enableRateLimit: false },
        backoffMs: 1,
      }),
    );

    const closed = fromFiles.filter((result) => result.action === "closed");
    // The scenario must exercise the engine: several trades, both exit kinds.
    expect(closed.length).toBeGreaterThanOrEqual(5);
    expect(new Set(closed.map((result) => result.closeReason)).size).toBeGreaterThanOrEqual(2);
    // Candles really came over HTTP, in several pages of at most 1,000.
    expect(server.count("/api/v3/klines")).toBeGreaterThanOrEqual(10);

    expect(fromCcxt).toEqual(fromFiles);
  });
});
