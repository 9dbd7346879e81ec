import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEAD_SHARE, MIN_TASK_CANDLES, scheduleSweepTasks, sweepCandleCount } from "../src/sweepSchedule.ts";

describe("scheduleSweepTasks", () => {
  it("covers every run once, largest task first, the first wave at most HEAD_SHARE of the work, the tail small", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        (candles, paramSetCount, threads) => {
          const symbols = candles.map((count, index) => ({ symbol: `S${index}`, candles: count }));
          const tasks = scheduleSweepTasks({ symbols, paramSetCount, threads });
          const runs = tasks.flatMap((task) => task.indices.map((index) => `${task.symbol}#${index}`));
          expect(new Set(runs).size).toBe(runs.length);
          expect(runs.length).toBe(symbols.length * paramSetCount);
          const candlesOf = (symbol: string) =>
            (symbols.find((candidate) => candidate.symbol === symbol) as { candles: number }).candles;
          const total = symbols.reduce((sum, symbol) => sum + symbol.candles * paramSetCount, 0);
          for (const [position, task] of tasks.entries()) {
            if (position > 0) {
              expect(task.size).toBeLessThanOrEqual((tasks[position - 1] as { size: number }).size);
            }
            expect(task.indices).toEqual([...task.indices].sort((left, right) => left - right));
            expect(task.size).toBe(task.indices.length * candlesOf(task.symbol));
            // No task is more than a thread's part of the first wave (or one run).
            expect(task.size <= (total * HEAD_SHARE) / threads || task.indices.length === 1).toBe(true);
          }
          // The sweep ends on a small task: at most the tail floor, or one run.
          const last = tasks[tasks.length - 1] as { symbol: string; size: number; indices: number[] };
          const floorSize = Math.min(total / (threads * 8), MIN_TASK_CANDLES);
          expect(last.size < 2 * floorSize || last.indices.length === 1 || tasks.length <= threads).toBe(
            true,
          );
        },
      ),
    );
  });

  it("cuts 32 equal 30-day runs on 2 threads into 6 tasks: 12 + 12, then four of 2 (regression: 13 tasks, 7 of them single runs)", () => {
    const symbols = [{ symbol: "BTCUSDT", candles: 46_080 }];
    const tasks = scheduleSweepTasks({ symbols, paramSetCount: 32, threads: 2 });
    expect(tasks.map((task) => task.indices.length)).toEqual([12, 12, 2, 2, 2, 2]);
    expect(tasks.flatMap((task) => task.indices).sort((left, right) => left - right)).toEqual(
      Array.from({ length: 32 }, (_, index) => index),
    );
    // The first two tasks sample the whole grid (a grid's costly corner is not all in one task).
    expect(tasks[0]?.indices).toEqual([1, 4, 6, 9, 12, 14, 17, 20, 22, 25, 28, 30]);
    expect(tasks[1]?.indices).toEqual([0, 3, 7, 8, 11, 15, 16, 19, 23, 24, 27, 31]);
    // One thread: few tasks (each builds an engine), still a few progress reports.
    expect(
      scheduleSweepTasks({ symbols, paramSetCount: 32, threads: 1 }).map((task) => task.indices.length),
    ).toEqual([24, 4, 2, 2]);
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
