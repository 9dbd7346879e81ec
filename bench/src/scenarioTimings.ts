// What one child process of the bench measures: a bt scenario or one of its floors, timed from the
// first exchange call (bt) or from the floor's first step to the last result; data generation is not
// timed. Each child runs one measurement once, cold, as a user would.

import { createColumnExchange } from "@bt/cluster";
import type { IStrategySchema } from "@bt/core";
import * as engineModule from "@bt/engine";
import { createEngine } from "@bt/engine";
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

/** One timed run in a child process. */
export interface ITimedRun {
  name: string;
  ms: number;
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

/** Times bt on `scenario` (public engine API, the column exchange). */
export async function timeBtScenario(scenario: BtScenario): Promise<ITimedRun> {
  const minutes = minutesOf(scenario);
  const columns = benchColumns(BENCH_SEED, minutes);
  const started = performance.now();
  if (scenario === "year15m" || scenario === "year1m") {
    const results = await runSmaBacktest({
      seed: BENCH_SEED,
      minutes,
      interval: scenario === "year15m" ? "15m" : "1m",
      columns,
    });
    const ms = performance.now() - started;
    const trades = results.filter((result) => result.action === "closed").length;
    return { name: scenario, ms, candles: minutes, trades, peakRssMb: peakRssMb() };
  }
  if (scenario === "year1mEveryMinute") {
    const { calls, crossings } = await runEveryMinuteBacktest({ seed: BENCH_SEED, minutes, columns });
    const ms = performance.now() - started;
    if (calls !== minutes) throw new Error(`year1mEveryMinute: getSignal ran ${calls} times`);
    return { name: scenario, ms, candles: minutes, trades: 0, calls, crossings, peakRssMb: peakRssMb() };
  }
  const result = await runSmaWalker({ seed: BENCH_SEED, minutes, strategyCount: 10, columns });
  const ms = performance.now() - started;
  const trades = result.results.reduce((sum, entry) => sum + (entry.stats?.tradeCount ?? 0), 0);
  return { name: scenario, ms, candles: minutes * 10, trades, peakRssMb: peakRssMb() };
}

/** Times year15m with MANAGED_RULES (trailing stop and TP ladder) on every signal; counts its partial exits. */
export async function timeManagedScenario(): Promise<ITimedRun> {
  const columns = benchColumns(BENCH_SEED, YEAR_MINUTES);
  const started = performance.now();
  const results = await runSmaBacktest({
    seed: BENCH_SEED,
    minutes: YEAR_MINUTES,
    interval: "15m",
    columns,
    managed: true,
  });
  const ms = performance.now() - started;
  const trades = results.filter((result) => result.action === "closed").length;
  const partials = results.filter(
    (result) => result.action === "updated" && result.update.kind === "partial",
  ).length;
  if (partials === 0) throw new Error(`${MANAGED_SCENARIO}: no partial exit, the rules did not run`);
  return {
    name: MANAGED_SCENARIO,
    ms,
    candles: YEAR_MINUTES,
    trades,
    calls: partials,
    peakRssMb: peakRssMb(),
  };
}

/** Times one floor variant of `scenario` on the same candles. */
export async function timeFloor(scenario: FloorScenario, variant: FloorVariant): Promise<ITimedRun> {
  const minutes = minutesOf(scenario);
  const columns = benchColumns(BENCH_SEED, minutes);
  const started = performance.now();
  const result = await runFloor(scenario, variant, columns, minutes);
  const ms = performance.now() - started;
  return {
    name: `${scenario}:${variant}`,
    ms,
    candles: scenario === "walker10" ? minutes * 10 : minutes,
    trades: result.trades,
    calls: result.calls,
    ...(result.crossings === undefined ? {} : { crossings: result.crossings }),
    peakRssMb: peakRssMb(),
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
  const started = performance.now();
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
  const ms = performance.now() - started;
  return {
    name: "year1mEveryMinute:btColumnView",
    ms,
    candles: minutes,
    trades: 0,
    calls,
    crossings,
    peakRssMb: peakRssMb(),
  };
}
