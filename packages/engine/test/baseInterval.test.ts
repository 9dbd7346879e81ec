// A backtest on an exchange whose finest candles are 1h (a folder of freqtrade 1h files, say): before, only
// 1m data could be backtested. The run prices on the 1h candles (the price at an hour is the close of the
// hour before), ticks once per hour, checks TP/SL on that price, says so in a warning, and refuses 1m
// candles with a message naming the base interval.

import { type CandleInterval, type ICandleData, type IExchangeSchema, SILENT_LOGGER } from "@bt/core";
import { describe, expect, it } from "vitest";
import { getCandles } from "../src/index";
import { collect, createTestEngine, T0 } from "./helpers";

const HOUR = 3_600_000;

/** Flat 1h candles (o = h = l = c) from T0 − 6 h, one per close given. */
function hourly(closes: number[]): ICandleData[] {
  return closes.map((close, index) => ({
    timestamp: T0 + (index - 6) * HOUR,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
  }));
}

/** An exchange with 1h candles only; records the intervals it is asked for. */
function hourlyExchange(candles: ICandleData[]): IExchangeSchema & { asked: CandleInterval[] } {
  const asked: CandleInterval[] = [];
  return {
    exchangeName: "hours",
    asked,
    getBaseInterval: () => "1h",
    async getCandles(_symbol, interval, since, limit) {
      asked.push(interval);
      if (interval !== "1h") return [];
      const from = candles.findIndex((candle) => candle.timestamp >= since.getTime());
      return from === -1 ? [] : candles.slice(from, from + limit);
    },
  };
}

function engineOn(exchange: IExchangeSchema, hours: number) {
  const warnings: string[] = [];
  const engine = createTestEngine({ expectErrors: true });
  engine.setLogger({ ...SILENT_LOGGER, warn: (message: string) => warnings.push(message) });
  engine.addExchange(exchange);
  engine.addFrame({
    frameName: "hours",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + hours * HOUR),
  });
  return { engine, warnings };
}

describe("a backtest on 1h candles only", () => {
  it("prices on the hour's previous close, checks TP/SL hourly and says so", async () => {
    // Hours −6…−1 at 100 (warm-up), then 100, 101, 102, 103, 104 …: price at hour h = close of hour h − 1.
    const closes = [100, 100, 100, 100, 100, 100, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109];
    const exchange = hourlyExchange(hourly(closes));
    const { engine, warnings } = engineOn(exchange, 10);
    const seen: number[] = [];
    engine.addStrategy({
      strategyName: "once",
      interval: "1h",
      warmupCandles: 3,
      getSignal: async (symbol) => {
        const candles = await getCandles(symbol, "1h", 3);
        seen.push(candles.length);
        return seen.length === 1
          ? { position: "long", priceTakeProfit: 102.5, priceStopLoss: 97, minuteEstimatedTime: 24 * 60 }
          : null;
      },
    });
    const results = await collect(
      engine.Backtest.run("BTCUSDT", { strategyName: "once", exchangeName: "hours", frameName: "hours" }),
    );
    // Opened at T0 at the close of hour −1 (100). The price at hour h is the close of hour h − 1: 100, 101,
    // 102 at hours 1…3, then 103 at hour 4, the first at or above 102.5: closed there, at the level.
    expect(results.map((result) => result.action)).toEqual(["opened", "closed"]);
    const opened = results[0];
    const closed = results[1];
    expect(opened?.action === "opened" && opened.signal.priceOpen).toBe(100);
    expect(
      closed?.action === "closed" && [closed.closeReason, closed.currentPrice, closed.timestamp],
    ).toEqual(["take_profit", 102.5, T0 + 4 * HOUR]);
    expect(seen[0]).toBe(3);
    expect(exchange.asked.every((interval) => interval === "1h")).toBe(true);
    expect(warnings.join("\n")).toMatch(/runs on 1h candles: exchange "hours" has no finer data/);
  });

  it("refuses 1m candles, naming the base interval", async () => {
    const exchange = hourlyExchange(hourly(new Array(20).fill(100)));
    const { engine } = engineOn(exchange, 5);
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    engine.addStrategy({
      strategyName: "minutes",
      interval: "1h",
      getSignal: async (symbol) => {
        await getCandles(symbol, "1m", 5);
        return null;
      },
    });
    await collect(
      engine.Backtest.run("BTCUSDT", { strategyName: "minutes", exchangeName: "hours", frameName: "hours" }),
    );
    await engine.waitForListeners();
    expect(errors[0]).toMatch(
      /1m candles of BTCUSDT do not exist in this backtest: exchange "hours" has 1h candles/,
    );
    expect(engine.Backtest.getData("BTCUSDT", "minutes").status).toBe("failed");
  });

  it("names the exchange and the value when getBaseInterval answers something else", async () => {
    const exchange = { ...hourlyExchange([]), getBaseInterval: () => "60m" as CandleInterval };
    const { engine } = engineOn(exchange, 5);
    engine.addStrategy({ strategyName: "x", interval: "1h", getSignal: () => null });
    await expect(
      collect(
        engine.Backtest.run("BTCUSDT", { strategyName: "x", exchangeName: "hours", frameName: "hours" }),
      ),
    ).rejects.toThrow(/exchange "hours" getBaseInterval\(BTCUSDT\) must return a candle interval, got "60m"/);
  });
});
