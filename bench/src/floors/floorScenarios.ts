// Which floors each bench scenario has, with the same strategies and candles as scenarios.ts.

import type { ICandleColumns } from "@bt/core";
import { BENCH_START_MS, walkerStrategyParams } from "../scenarios";
import { runEveryMinuteFloorAsync, runEveryMinuteFloorSync } from "./everyMinuteFloor";
import { type ISmaFloorStrategy, runSmaFloorAsync, runSmaFloorSync } from "./smaFloor";

/** A floor variant: sync, async (AsyncLocalStorage + await per getSignal), asyncColumns (async + column view). */
export type FloorVariant = "sync" | "async" | "asyncColumns";

/** Scenario names that have floors. */
export type FloorScenario = "year15m" | "year1m" | "year1mEveryMinute" | "walker10";

/** Which variants each scenario has. */
export const FLOOR_VARIANTS: Record<FloorScenario, FloorVariant[]> = {
  year15m: ["sync", "async"],
  year1m: ["sync", "async"],
  year1mEveryMinute: ["sync", "async", "asyncColumns"],
  walker10: ["sync", "async"],
};

const MINUTES_PER_INTERVAL = { "1m": 1, "5m": 5, "15m": 15 } as const;

/** The SMA strategies a scenario's floor runs (the walker: its 10 strategies in order). */
export function floorStrategies(scenario: Exclude<FloorScenario, "year1mEveryMinute">): ISmaFloorStrategy[] {
  if (scenario === "walker10") {
    return walkerStrategyParams(10).map((params) => ({
      intervalMinutes: MINUTES_PER_INTERVAL[params.interval],
      fast: params.fast,
      slow: params.slow,
      takeProfitPercent: params.takeProfitPercent,
      stopLossPercent: params.stopLossPercent,
    }));
  }
  return [
    {
      intervalMinutes: scenario === "year15m" ? 15 : 1,
      fast: 8,
      slow: 21,
      takeProfitPercent: 1.5,
      stopLossPercent: 1,
    },
  ];
}

/** Result of a floor run: trades (0 for every-minute), getSignal calls, crossings seen (every-minute). */
export interface IFloorRunResult {
  trades: number;
  calls: number;
  crossings?: number;
}

/** Runs one floor variant of `scenario` over `minutes` of `columns` (frame from BENCH_START_MS). */
export async function runFloor(
  scenario: FloorScenario,
  variant: FloorVariant,
  columns: Readonly<ICandleColumns>,
  minutes: number,
): Promise<IFloorRunResult> {
  const options = { columns, frameStartMs: BENCH_START_MS, minutes };
  if (scenario === "year1mEveryMinute") {
    const result =
      variant === "sync"
        ? runEveryMinuteFloorSync(options)
        : await runEveryMinuteFloorAsync(options, variant === "asyncColumns" ? "columns" : "objects");
    return { trades: 0, calls: result.calls, crossings: result.crossings };
  }
  if (variant === "asyncColumns") throw new Error(`floor ${scenario} has no asyncColumns variant`);
  const strategies = floorStrategies(scenario);
  return variant === "sync" ? runSmaFloorSync(options, strategies) : runSmaFloorAsync(options, strategies);
}
