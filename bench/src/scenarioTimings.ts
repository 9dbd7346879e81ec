// What one child process of the bench measures: a bt scenario or one of its floors, timed from the
// first exchange call (bt) or from the floor's first step to the last result; data generation is not
// timed. Each child runs its measurement cold, as a user would (`ms`, the figure the targets use), then
// again on the same candles until RUNS_PER_CHILD runs; `warmMs` is the median of the last WARM_RUNS of
// them, when V8 has compiled the hot code: the distance to the floors without the warm-up.

import { createColumnExchange } from "@bt/cluster";
import type { IStrategySchema } from "@bt/core";
import * as engineModule from "@bt/engine";
import { createEngine } from "@bt/engine";
import { median } from "./benchStats";
import { type FloorScenario, type FloorVariant, runFloor } from "./floors/floorScenarios";
import {
  BENCH_START_MS,
  BENCH_WARMUP_MINUTES,
  benchColumns,
  MINUTE_MS,
  runEveryMinuteBacktest,
  runSmaBacktest,
  runSmaWalker,
} from "./scenarios";

export const YEAR_MINUTES = 525_600;
export const WALKER_MINUTES = 30 * 1440;
export const BENCH_SEED = 20250101;

/** The bt scenarios, in the order each round runs them. */
export const BT_SCENARIOS = ["year15m", "year1m", "year1mEveryMinute", "walker10"] as const;
export type BtScenario = (typeof BT_SCENARIOS)[number];

/** Scenarios without floors, each compared with a bt scenario: a year at 15m with position rules vs year15m. */
export const MANAGED_SCENARIO = "year15mManaged" as const;

/**
 * Runs of a bt scenario or floor in one child process. bt's cold time comes mostly from V8 compiling its
 * hot code while the first runs go on (measured: about five runs before bt's times level off, two for a
 * floor's few functions); the last WARM_RUNS of RUNS_PER_CHILD give `warmMs`.
 */
export const RUNS_PER_CHILD = 8;
export const WARM_RUNS = 4;

/** One timed run in a child process. */
export interface ITimedRun {
  name: string;
  /** The first (cold) run. */
  ms: number;
  /**
   * Median of the last WARM_RUNS of RUNS_PER_CHILD runs of the same measurement in the same process (each
   * with a fresh engine, on the same candles).
   */
  warmMs: number;
  /** 1m candles the run covered (the walker: 30 days × 10 strategies). */
  candles: number;
  trades: number;
  calls?: number;
  crossings?: number;
  peakRssMb: number;
}

function minutesOf(scenario: BtScenario): number {
  return scenario === "walker10" ? WALKER_MINUTES : YEAR_MINUTES;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Times `run` cold, then again until RUNS_PER_CHILD runs; the peak RSS is read after the cold run, as a
 * user's one run would leave it. Every run must give the cold run's answer (`same`), or the bench stops.
 */
async function coldAndWarm<T>(
  label: string,
  run: () => Promise<T>,
  same: (a: T, b: T) => boolean,
): Promise<{ result: T; ms: number; warmMs: number; peakRssMb: number }> {
  const times: number[] = [];
  let started = performance.now();
  const result = await run();
  times.push(performance.now() - started);
  const rss = peakRssMb();
  for (let index = 2; index <= RUNS_PER_CHILD; index++) {
    started = performance.now();
    const again = await run();
    times.push(performance.now() - started);
    if (!same(result, again))
      throw new Error(`${label}: run ${index} in the process gave another answer than run 1`);
  }
  return { result, ms: times[0] as number, warmMs: median(times.slice(-WARM_RUNS)), peakRssMb: rss };
}

/** Times bt on `scenario` (public engine API, the column exchange). */
export async function timeBtScenario(scenario: BtScenario): Promise<ITimedRun> {
  const minutes = minutesOf(scenario);
  const columns = benchColumns(BENCH_SEED, minutes);
  const sameTrades = (a: { trades: number }, b: { trades: number }) => a.trades === b.trades;
  if (scenario === "year15m" || scenario === "year1m") {
    const timed = await coldAndWarm(
      scenario,
      async () => {
        const results = await runSmaBacktest({
          seed: BENCH_SEED,
          minutes,
          interval: scenario === "year15m" ? "15m" : "1m",
          columns,
        });
        return { trades: results.filter((result) => result.action === "closed").length };
      },
      sameTrades,
    );
    const { result, ...times } = timed;
    return { name: scenario, ...times, candles: minutes, trades: result.trades };
  }
  if (scenario === "year1mEveryMinute") {
    const timed = await coldAndWarm(
      scenario,
      () => runEveryMinuteBacktest({ seed: BENCH_SEED, minutes, columns }),
      (a, b) => a.calls === b.calls && a.crossings === b.crossings,
    );
    const { result, ...times } = timed;
    if (result.calls !== minutes) throw new Error(`year1mEveryMinute: getSignal ran ${result.calls} times`);
    return {
      name: scenario,
      ...times,
      candles: minutes,
      trades: 0,
      calls: result.calls,
      crossings: result.crossings,
    };
  }
  const timed = await coldAndWarm(
    scenario,
    async () => {
      const walk = await runSmaWalker({ seed: BENCH_SEED, minutes, strategyCount: 10, columns });
      return { trades: walk.results.reduce((sum, entry) => sum + (entry.stats?.tradeCount ?? 0), 0) };
    },
    sameTrades,
  );
  const { result, ...times } = timed;
  return { name: scenario, ...times, candles: minutes * 10, trades: result.trades };
}

/** Times year15m with MANAGED_RULES (trailing stop and TP ladder) on every signal; counts its partial exits. */
export async function timeManagedScenario(): Promise<ITimedRun> {
  const columns = benchColumns(BENCH_SEED, YEAR_MINUTES);
  const { result, ...times } = await coldAndWarm(
    MANAGED_SCENARIO,
    async () => {
      const results = await runSmaBacktest({
        seed: BENCH_SEED,
        minutes: YEAR_MINUTES,
        interval: "15m",
        columns,
        managed: true,
      });
      return {
        trades: results.filter((entry) => entry.action === "closed").length,
        partials: results.filter((entry) => entry.action === "updated" && entry.update.kind === "partial")
          .length,
      };
    },
    (a, b) => a.trades === b.trades && a.partials === b.partials,
  );
  if (result.partials === 0) throw new Error(`${MANAGED_SCENARIO}: no partial exit, the rules did not run`);
  return {
    name: MANAGED_SCENARIO,
    ...times,
    candles: YEAR_MINUTES,
    trades: result.trades,
    calls: result.partials,
  };
}

/** Times one floor variant of `scenario` on the same candles. */
export async function timeFloor(scenario: FloorScenario, variant: FloorVariant): Promise<ITimedRun> {
  const minutes = minutesOf(scenario);
  const columns = benchColumns(BENCH_SEED, minutes);
  const { result, ...times } = await coldAndWarm(
    `${scenario}:${variant}`,
    () => runFloor(scenario, variant, columns, minutes),
    (a, b) => a.trades === b.trades && a.calls === b.calls && a.crossings === b.crossings,
  );
  return {
    name: `${scenario}:${variant}`,
    ...times,
    candles: scenario === "walker10" ? minutes * 10 : minutes,
    trades: result.trades,
    calls: result.calls,
    ...(result.crossings === undefined ? {} : { crossings: result.crossings }),
  };
}

/** A column-view function of the engine, when it exports one (looked up by name, not imported). */
type ColumnView = (
  symbol: string,
  interval: "1m",
  limit: number,
) => Promise<{ close: ArrayLike<number> }> | { close: ArrayLike<number> };

/** The engine's strategy-facing column view (getCandleColumns), or undefined when it has none. */
export function engineColumnView(): ColumnView | undefined {
  const candidate = (engineModule as Record<string, unknown>).getCandleColumns;
  return typeof candidate === "function" ? (candidate as ColumnView) : undefined;
}

/**
 * year1mEveryMinute through the engine's column view instead of getCandles (only when the engine has one):
 * SMA(8/21) on the last 22 closes of the view on every minute.
 */
export async function timeEveryMinuteColumnView(): Promise<ITimedRun> {
  const view = engineColumnView();
  if (view === undefined) throw new Error("no column view");
  const minutes = YEAR_MINUTES;
  const columns = benchColumns(BENCH_SEED, minutes);
  const { result, ...times } = await coldAndWarm(
    "year1mEveryMinute:btColumnView",
    () => everyMinuteThroughColumns(view, columns, minutes),
    (a, b) => a.calls === b.calls && a.crossings === b.crossings,
  );
  return {
    name: "year1mEveryMinute:btColumnView",
    ...times,
    candles: minutes,
    trades: 0,
    calls: result.calls,
    crossings: result.crossings,
  };
}

/** One backtest of the every-minute SMA through `view`: getSignal calls and crossings. */
async function everyMinuteThroughColumns(
  view: ColumnView,
  columns: ReturnType<typeof benchColumns>,
  minutes: number,
): Promise<{ calls: number; crossings: number }> {
  const engine = createEngine();
  engine.addExchange(createColumnExchange("bench", { BTCUSDT: columns }));
  engine.addFrame({
    frameName: "frame",
    interval: "1m",
    startDate: new Date(BENCH_START_MS),
    endDate: new Date(BENCH_START_MS + minutes * MINUTE_MS),
  });
  let calls = 0;
  let crossings = 0;
  const strategy: IStrategySchema = {
    strategyName: "everyMinuteColumns",
    interval: "1m",
    getSignal: async (symbol) => {
      calls++;
      const { close } = await view(symbol, "1m", 22);
      const last = close.length - 1;
      if (last < 21) return null;
      let fastNow = 0;
      let slowNow = 0;
      let fastBefore = 0;
      let slowBefore = 0;
      for (let offset = 0; offset < 21; offset++) {
        const now = close[last - offset] as number;
        const before = close[last - offset - 1] as number;
        slowNow += now;
        slowBefore += before;
        if (offset < 8) {
          fastNow += now;
          fastBefore += before;
        }
      }
      if (fastNow / 8 > slowNow / 21 !== fastBefore / 8 > slowBefore / 21) crossings++;
      return null;
    },
  };
  engine.addStrategy(strategy);
  for await (const _ of engine.Backtest.run(
    "BTCUSDT",
    { strategyName: "everyMinuteColumns", exchangeName: "bench", frameName: "frame" },
    { warmupMinutes: BENCH_WARMUP_MINUTES },
  )) {
    // never trades
  }
  return { calls, crossings };
}
