// Objects the backtest loop reads on every run must share one V8 map across the runs of a walker or
// sweep; one map per run makes every hot read of them deoptimise at the next run, and the re-compiles
// cost each thread of a sweep tens of ms. %HaveSameMap (V8 natives, enabled at run time) checks it.

import { setFlagsFromString } from "node:v8";
import { allocateCandleColumns, DEFAULT_CONFIG, mergeConfig } from "@bt/core";
import { describe, expect, it } from "vitest";
import { withCount } from "../src/candles/candleStore";
import { createBacktestRunRecord } from "../src/run/backtestRecord";
import { emptyObjectArray } from "../src/run/objectArray";
import { SchemaRegistry } from "../src/schema/schemaRegistry";

setFlagsFromString("--allow-natives-syntax");
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean;

interface ITestSchema {
  name: string;
  [key: string]: unknown;
}

describe("one map per shape", () => {
  it("stored schemas of one shape share a map, however many shapes went through the registry's copy", () => {
    const registry = new SchemaRegistry<ITestSchema>(
      "test schema",
      "addTest",
      "name",
      () => undefined,
      (schema) => schema.name,
    );
    // Every kind of schema goes through the same copy site: make it see many shapes first.
    for (let shape = 0; shape < 8; shape++) registry.add({ name: `other${shape}`, [`field${shape}`]: shape });
    const names: string[] = [];
    for (let index = 0; index < 40; index++) {
      const made = { interval: "5m", getSignal: () => null };
      registry.add({ ...made, name: `strategy${index}` });
      names.push(`strategy${index}`);
      if (index % 5 === 0) registry.add({ name: `frame${index}`, interval: "1m", at: index });
    }
    const first = registry.get("strategy0", "test");
    const differing = names.filter((name) => !haveSameMap(first, registry.get(name, "test")));
    expect(differing).toEqual([]);
  });

  it("run records of every run share a map", () => {
    const records = Array.from({ length: 12 }, (_, index) =>
      createBacktestRunRecord({
        symbol: "BTCUSDT",
        strategyName: `s${index}`,
        exchangeName: "x",
        frameName: "f",
        periodStartMs: 1_700_000_000_000 + index,
        periodEndMs: 1_700_000_600_000,
        config: {} as never,
        account: {} as never,
        settings: { warmupMinutes: index, gapPolicy: "error", accountBalance: 1000, maxOpenPositions: 1 },
      }),
    );
    expect(records.filter((record) => !haveSameMap(records[0] as object, record))).toEqual([]);
  });

  it("configs merged from one base share a map, as do the column sets of stores", () => {
    const configs = Array.from({ length: 12 }, (_, index) =>
      mergeConfig(DEFAULT_CONFIG, { CC_PERCENT_FEE: index / 100 }),
    );
    expect(configs.filter((config) => !haveSameMap(configs[0] as object, config))).toEqual([]);
    const stores = Array.from({ length: 12 }, (_, index) => withCount(allocateCandleColumns(index), index));
    expect(stores.filter((columns) => !haveSameMap(stores[0] as object, columns))).toEqual([]);
  });

  it("a run's result arrays start with the map of a filled array of results", () => {
    const record = createBacktestRunRecord({
      symbol: "BTCUSDT",
      strategyName: "s",
      exchangeName: "x",
      frameName: "f",
      periodStartMs: 1_700_000_000_000,
      periodEndMs: 1_700_000_600_000,
      config: {} as never,
      account: {} as never,
      settings: { warmupMinutes: 0, gapPolicy: "error", accountBalance: 1000, maxOpenPositions: 1 },
    });
    const filled: object[] = [];
    filled.push({ action: "closed" });
    for (const empty of [record.closed, record.cancelled, record.scheduleEvents, emptyObjectArray()]) {
      expect(empty).toHaveLength(0);
      expect(haveSameMap(empty, filled)).toBe(true);
    }
  });
});
