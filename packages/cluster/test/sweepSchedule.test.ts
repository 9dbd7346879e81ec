import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scheduleSweepTasks, sweepCandleCount } from "../src/sweepSchedule.ts";

describe("scheduleSweepTasks", () => {
  it("covers every run once, largest task first, ending in single runs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        (candles, paramSetCount, threads) => {
          const symbols = candles.map((count, index) => ({ symbol: `S${index}`, candles: count }));
          const tasks = scheduleSweepTasks({ symbols, paramSetCount, threads });
          const runs = tasks.flatMap((task) => task.indices.map((index) => `${task.symbol}#${index}`));
          expect(new Set(runs).size).toBe(runs.length);
          expect(runs.length).toBe(symbols.length * paramSetCount);
          for (let index = 1; index < tasks.length; index++) {
            expect((tasks[index] as { size: number }).size).toBeLessThanOrEqual(
              (tasks[index - 1] as { size: number }).size,
            );
          }
          // Guided sizes: no task is more than half a thread's share of the whole sweep (or one run).
          const total = symbols.reduce((sum, symbol) => sum + symbol.candles * paramSetCount, 0);
          for (const task of tasks) {
            const one = (symbols.find((symbol) => symbol.symbol === task.symbol) as { candles: number })
              .candles;
            expect(task.size <= total / (threads * 2) || task.indices.length === 1 || task.size === one).toBe(
              true,
            );
          }
        },
      ),
    );
  });

  it("splits a sweep of 32 equal runs on 2 threads into shrinking tasks (regression: 8 tasks of 4, the last alone)", () => {
    const tasks = scheduleSweepTasks({
      symbols: [{ symbol: "BTCUSDT", candles: 1000 }],
      paramSetCount: 32,
      threads: 2,
    });
    expect(tasks.map((task) => task.indices.length)).toEqual([8, 6, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    expect(tasks.flatMap((task) => task.indices)).toEqual(Array.from({ length: 32 }, (_, index) => index));
  });

  it("puts the symbol with more candles first and keeps a fixed batchSize", () => {
    const symbols = [
      { symbol: "SHORT", candles: 100 },
      { symbol: "LONG", candles: 400 },
    ];
    expect(scheduleSweepTasks({ symbols, paramSetCount: 4, threads: 2 })[0]?.symbol).toBe("LONG");
    const fixed = scheduleSweepTasks({ symbols, paramSetCount: 5, threads: 2, batchSize: 2 });
    expect(fixed.map((task) => [task.symbol, task.indices])).toEqual([
      ["LONG", [0, 1]],
      ["LONG", [2, 3]],
      ["LONG", [4]],
      ["SHORT", [0, 1]],
      ["SHORT", [2, 3]],
      ["SHORT", [4]],
    ]);
  });

  it("estimates the candles a backtest walks, warm-up included", () => {
    const timestamp = Float64Array.from({ length: 100 }, (_, index) => index * 60_000);
    const columns = {
      timestamp,
      open: timestamp,
      high: timestamp,
      low: timestamp,
      close: timestamp,
      volume: timestamp,
    };
    expect(sweepCandleCount(columns, 50 * 60_000, 80 * 60_000, 10)).toBe(40);
    expect(sweepCandleCount(columns, 200 * 60_000, 300 * 60_000)).toBe(1);
  });
});
