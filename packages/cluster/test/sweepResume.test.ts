// Resumed sweeps: entries of an earlier run are not run again, progress starts at their number, and the
// result ranks exactly like a fresh run, on every single-machine runner; bad resume entries are named.

import { fileURLToPath } from "node:url";
import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import {
  type ISweepEntry,
  type ISweepProgress,
  type ISweepResult,
  runSweep,
  runSweepSequential,
} from "../src/index.ts";
import fixtureCandles, { FRAME_START_MS, WARMUP_MINUTES } from "./fixtures/candles.ts";
import smaStrategy, { type ISmaParams } from "./fixtures/smaStrategy.ts";

const strategyModule = fileURLToPath(new URL("./fixtures/smaStrategy.ts", import.meta.url));
const frame = { frameName: "day", startMs: FRAME_START_MS, endMs: FRAME_START_MS + 86_400_000 };
const columns = { BTCUSDT: fixtureCandles("BTCUSDT"), ETHUSDT: fixtureCandles("ETHUSDT") };
const base = {
  params: { fast: [3, 5, 8], slow: [13, 21] },
  symbols: ["BTCUSDT", "ETHUSDT"],
  frame,
  backtest: { warmupMinutes: WARMUP_MINUTES },
  columns,
};
const execArgv = ["--conditions=@bt/source"];

/** What must not depend on resuming: everything but the wall time and the resumed count. */
function comparable(result: ISweepResult) {
  return { metric: result.metric, frame: result.frame, symbols: result.symbols, count: result.backtestCount };
}

/** Every other entry of each symbol, in ranking order (so not in parameter-set order). */
function someEntries(result: ISweepResult): ISweepEntry[] {
  return result.symbols.flatMap((symbol) => symbol.ranking.filter((_, index) => index % 2 === 0));
}

describe("resumed sweeps", () => {
  it("sequential: runs only the missing pairs, counts the resumed ones, ranks like a fresh run", async () => {
    let calls = 0;
    const factory = (params: ISmaParams) => {
      calls++;
      return smaStrategy(params);
    };
    const fresh = await runSweepSequential({ ...base, strategy: { name: "sma", factory } });
    expect(calls).toBe(12);
    expect(JSON.stringify(fresh.symbols)).toMatch(/"tradeCount":[1-9]/);
    const resume = someEntries(fresh);
    expect(resume).toHaveLength(6);
    calls = 0;
    const progress: ISweepProgress[] = [];
    const resumed = await runSweepSequential({
      ...base,
      strategy: { name: "sma", factory },
      resume,
      onProgress: (event) => progress.push(event),
    });
    expect(calls).toBe(6);
    expect(progress.map((event) => event.completed)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(progress.every((event) => event.total === 12)).toBe(true);
    const resumedPairs = new Set(resume.map((entry) => `${entry.symbol} ${entry.strategyName}`));
    expect(
      progress.some((event) => resumedPairs.has(`${event.entry.symbol} ${event.entry.strategyName}`)),
    ).toBe(false);
    expect(resumed.resumedCount).toBe(6);
    expect(fresh.resumedCount).toBe(0);
    expect(comparable(resumed)).toEqual(comparable(fresh));

    calls = 0;
    const all = await runSweepSequential({
      ...base,
      strategy: { name: "sma", factory },
      resume: fresh.symbols.flatMap((symbol) => symbol.ranking),
    });
    expect(calls).toBe(0);
    expect(comparable(all)).toEqual(comparable(fresh));
  });

  it("threads: the same ranking from a resumed run as from a fresh one", async () => {
    const fresh = await runSweepSequential({ ...base, strategy: { name: "sma", factory: smaStrategy } });
    const progress: number[] = [];
    const resumed = await runSweep({
      ...base,
      strategy: { name: "sma", module: strategyModule },
      threads: 2,
      execArgv,
      resume: someEntries(fresh),
      onProgress: (event) => progress.push(event.completed),
    });
    expect(progress.sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(comparable(resumed)).toEqual(comparable(fresh));
    const everything = await runSweep({
      ...base,
      strategy: { name: "sma", module: strategyModule },
      threads: 2,
      execArgv,
      resume: fresh.symbols.flatMap((symbol) => symbol.ranking),
    });
    expect(comparable(everything)).toEqual(comparable(fresh));
  });

  it("rejects resume entries that are not part of the sweep, naming them", async () => {
    const fresh = await runSweepSequential({
      ...base,
      params: { fast: [3], slow: [13] },
      symbols: ["BTCUSDT"],
      strategy: { name: "sma", factory: smaStrategy },
    });
    const entry = fresh.symbols[0]?.ranking[0] as ISweepEntry;
    const cases: Array<[Partial<ISweepEntry>[], RegExp, string]> = [
      [
        [{ ...entry, strategyName: "sma[fast=4,slow=13]" }],
        /"sma\[fast=4,slow=13\]" is not one of this sweep's parameter sets/,
        "resume[0].strategyName",
      ],
      [
        [{ ...entry, symbol: "SOLUSDT" }],
        /symbol "SOLUSDT" is not one of this sweep's symbols/,
        "resume[0].symbol",
      ],
      [
        [{ ...entry, frameName: "feb" }],
        /frame "feb" is not this sweep's frame "day"/,
        "resume[0].frameName",
      ],
      [[entry, entry], /resume\[1\].*given twice/, "resume[1]"],
    ];
    for (const [resume, message, field] of cases) {
      const run = runSweepSequential({
        ...base,
        params: { fast: [3], slow: [13] },
        symbols: ["BTCUSDT"],
        strategy: { name: "sma", factory: smaStrategy },
        resume: resume as ISweepEntry[],
      });
      const error = await run.catch((caught: unknown) => caught);
      expect(BtError.isInstance(error)).toBe(true);
      expect((error as BtError).code).toBe("VALIDATION");
      expect((error as BtError).message).toMatch(message);
      expect((error as BtError).field).toBe(field);
    }
  });
});
