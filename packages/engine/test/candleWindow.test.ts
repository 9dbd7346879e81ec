// The candle window a strategy reads: getCandleColumns (zero-copy column views, the fast path) returns
// exactly getCandles' candles and never the forming one, in the store and beyond it; getCandles' objects
// are frozen and shared between overlapping windows; a synchronous getSignal works (no promise needed).

import {
  alignDown,
  type CandleInterval,
  type ICandleData,
  type IStrategySchema,
  intervalToMs,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { getCandleColumns, getCandles, type ICandleColumnsView } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, T0, wigglyCandles } from "./helpers";

const DAY = 1440;

/** The columns of `view` as candle records (to compare with getCandles). */
function recordsOf(view: ICandleColumnsView): ICandleData[] {
  const records: ICandleData[] = [];
  for (let index = 0; index < view.length; index++) {
    records.push({
      timestamp: view.timestamp[index] as number,
      open: view.open[index] as number,
      high: view.high[index] as number,
      low: view.low[index] as number,
      close: view.close[index] as number,
      volume: view.volume[index] as number,
    });
  }
  return records;
}

async function backtest(strategy: IStrategySchema, minutes: number, warmupMinutes = DAY) {
  const engine = createTestEngine();
  engine.addExchange(memoryExchange("mem", { BTCUSDT: wigglyCandles(T0 - DAY * MINUTE, DAY + minutes) }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + minutes * MINUTE),
  });
  engine.addStrategy(strategy);
  const results = await collect(
    engine.Backtest.run(
      "BTCUSDT",
      { strategyName: strategy.strategyName, exchangeName: "mem", frameName: "f" },
      { warmupMinutes },
    ),
  );
  return { engine, results };
}

describe("getCandleColumns", () => {
  it("equals getCandles at every call, every interval asked, and never holds the forming candle", async () => {
    const intervals: Array<[CandleInterval, number]> = [
      ["1m", 22],
      ["5m", 7],
      ["15m", 4],
      ["1h", 3],
    ];
    const problems: string[] = [];
    let checks = 0;
    await backtest(
      {
        strategyName: "probe",
        interval: "1m",
        getSignal: async (symbol, when) => {
          for (const [interval, limit] of intervals) {
            const view = await getCandleColumns(symbol, interval, limit);
            const candles = await getCandles(symbol, interval, limit);
            expect(recordsOf(view)).toEqual(candles);
            expect(view.length).toBe(limit);
            const stepMs = intervalToMs(interval);
            const lastMs = view.timestamp[view.length - 1] as number;
            if (lastMs !== alignDown(when.getTime(), interval) - stepMs) {
              problems.push(`${interval} at ${when.toISOString()}: last candle ${lastMs}`);
            }
            for (const openMs of view.timestamp) {
              if (openMs + stepMs > when.getTime()) problems.push(`${interval}: ${openMs} not closed`);
            }
            checks++;
          }
          return null;
        },
      },
      130,
    );
    expect(checks).toBe(130 * intervals.length);
    expect(problems).toEqual([]);
  });

  it("a view stays the same after later calls (valid for as long as it is kept)", async () => {
    const kept: Array<{ view: ICandleColumnsView; closes: number[] }> = [];
    await backtest(
      {
        strategyName: "keeper",
        interval: "1m",
        getSignal: async (symbol) => {
          const view = await getCandleColumns(symbol, "1m", 5);
          kept.push({ view, closes: Array.from(view.close) });
          return null;
        },
      },
      30,
    );
    expect(kept).toHaveLength(30);
    for (const { view, closes } of kept) expect(Array.from(view.close)).toEqual(closes);
    // Consecutive windows move by one candle.
    expect(kept[1]?.closes.slice(0, 4)).toEqual(kept[0]?.closes.slice(1));
  });

  it("beyond the preloaded warm-up it asks the exchange, with the same candles as getCandles", async () => {
    let checks = 0;
    const { engine } = await backtest(
      {
        strategyName: "deep",
        interval: "15m",
        getSignal: async (symbol, when) => {
          const view = await getCandleColumns(symbol, "1m", 40);
          expect(recordsOf(view)).toEqual(await getCandles(symbol, "1m", 40));
          expect(view.length).toBe(40);
          expect(view.timestamp[39]).toBe(when.getTime() - MINUTE);
          checks++;
          return null;
        },
      },
      30,
      10,
    );
    expect(checks).toBe(2);
    expect(engine.Backtest.getData("BTCUSDT", "deep").problems.problems).toEqual([]);
  });

  it("rejects outside a run (CONTEXT) and for a bad interval or limit (VALIDATION)", async () => {
    await expect(getCandleColumns("BTCUSDT", "1m", 5)).rejects.toMatchObject({ code: "CONTEXT" });
    const seen: unknown[] = [];
    await backtest(
      {
        strategyName: "bad",
        interval: "15m",
        getSignal: async (symbol) => {
          for (const [interval, limit] of [
            ["7m", 5],
            ["1m", 0],
            ["1m", 2.5],
            ["1m", Number.NaN],
          ] as const) {
            seen.push(
              await getCandleColumns(symbol, interval as CandleInterval, limit).then(
                () => "resolved",
                (error: { code?: string }) => error.code,
              ),
            );
          }
          return null;
        },
      },
      15,
    );
    expect(seen).toEqual(["VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION"]);
  });
});

describe("getCandles objects", () => {
  it("are frozen, and overlapping windows share them (only the array is new)", async () => {
    const windows: ICandleData[][] = [];
    await backtest(
      {
        strategyName: "sharer",
        interval: "1m",
        getSignal: async (symbol) => {
          const candles = await getCandles(symbol, "1m", 22);
          expect(Object.isFrozen(candles[0])).toBe(true);
          expect(() => {
            (candles[0] as { close: number }).close = 1;
          }).toThrow(TypeError);
          windows.push(candles);
          return null;
        },
      },
      40,
    );
    expect(windows).toHaveLength(40);
    for (let index = 1; index < windows.length; index++) {
      const before = windows[index - 1] as ICandleData[];
      const after = windows[index] as ICandleData[];
      expect(after).not.toBe(before);
      expect(after[0]).toBe(before[1]);
      expect(after[20]).toBe(before[21]);
    }
  });

  it("a window larger than the object ring still returns the right candles", async () => {
    const checks: boolean[] = [];
    await backtest(
      {
        strategyName: "wide",
        interval: "1m",
        getSignal: async (symbol, when) => {
          const wide = await getCandles(symbol, "1m", 1400);
          const narrow = await getCandles(symbol, "1m", 3);
          checks.push(
            wide.length === 1400 &&
              wide.every((candle, index) => candle.timestamp === when.getTime() - (1400 - index) * MINUTE) &&
              narrow.every(
                (candle, index) =>
                  candle === wide[1397 + index] || candle.close === wide[1397 + index]?.close,
              ),
          );
          return null;
        },
      },
      5,
    );
    expect(checks).toEqual([true, true, true, true, true]);
  });
});

describe("synchronous getSignal", () => {
  /** Long after a close above the previous one, read from the test's own copy of the data; sync or async. */
  const trend = (strategyName: string, sync: boolean): IStrategySchema => {
    const raw = wigglyCandles(T0 - DAY * MINUTE, DAY + 3 * DAY);
    const decide = (when: Date) => {
      const index = (when.getTime() - raw[0]!.timestamp) / MINUTE;
      const previous = raw[index - 2];
      const last = raw[index - 1];
      if (previous === undefined || last === undefined || last.close <= previous.close) return null;
      return {
        position: "long" as const,
        priceTakeProfit: last.close * 1.01,
        priceStopLoss: last.close * 0.99,
        minuteEstimatedTime: 120,
      };
    };
    return {
      strategyName,
      interval: "5m",
      getSignal: (sync
        ? (_symbol: string, when: Date) => decide(when)
        : async (_symbol: string, when: Date) => decide(when)) as IStrategySchema["getSignal"],
    };
  };

  it("returns plain values (no promise) and trades exactly like the async one", async () => {
    const sync = await backtest(trend("sync", true), 3 * DAY);
    const asynchronous = await backtest(trend("async", false), 3 * DAY);
    // The same results but for the strategy's name (in the results and in the signal ids).
    const strip = (results: typeof sync.results, name: string) =>
      JSON.parse(JSON.stringify(results).replaceAll(`"${name}"`, '""').replaceAll(name, "")) as unknown;
    expect(sync.results.length).toBeGreaterThan(5);
    expect(strip(sync.results, "sync")).toEqual(strip(asynchronous.results, "async"));
    const data = sync.engine.Backtest.getData("BTCUSDT", "sync");
    expect(data.problems.getSignalCalls).toBeGreaterThan(100);
    expect(data.problems.getSignalFailures).toBe(0);
  });

  it("a synchronous throw is counted as a getSignal failure and the run goes on", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { BTCUSDT: wigglyCandles(T0 - DAY * MINUTE, DAY + 60) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    let calls = 0;
    engine.addStrategy({
      strategyName: "thrower",
      interval: "15m",
      getSignal: (() => {
        calls++;
        throw new Error("sync boom");
      }) as IStrategySchema["getSignal"],
    });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "thrower", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 30 },
      ),
    );
    expect(calls).toBe(4);
    const problems = engine.Backtest.getData("BTCUSDT", "thrower").problems;
    expect(problems.getSignalCalls).toBe(4);
    expect(problems.getSignalFailures).toBe(4);
  });
});
