// A backtest that is the only open sequential run passes its context without AsyncLocalStorage (on Node 20
// an entered storage costs every await a promise hook); two backtests at once still use the storage, and
// both kinds see their own instant, across awaits.

import type { AsyncLocalStorage } from "node:async_hooks";
import { CONTEXT_SLOT_KEY, type IContextFrame } from "@bt/context";
import type { IStrategySchema } from "@bt/core";
import { describe, expect, it } from "vitest";
import { getCandles, getDate } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, T0, wigglyCandles } from "./helpers";

/** The process-wide AsyncLocalStorage of @bt/context (read from its globalThis slot). */
function contextStorage(): AsyncLocalStorage<IContextFrame> {
  const slot = (
    globalThis as unknown as Record<symbol, { value: { storage: AsyncLocalStorage<IContextFrame> } }>
  )[Symbol.for(CONTEXT_SLOT_KEY)];
  if (slot === undefined) throw new Error("no context slot");
  return slot.value.storage;
}

/** A strategy recording, at each call, whether the storage held its frame, and checking its instant. */
function recordingStrategy(strategyName: string, stored: boolean[]): IStrategySchema {
  return {
    strategyName,
    interval: "15m",
    getSignal: async (symbol, when) => {
      await getCandles(symbol, "15m", 4);
      await new Promise((resolve) => setImmediate(resolve));
      stored.push(contextStorage().getStore() !== undefined);
      expect(getDate().getTime()).toBe(when.getTime());
      return null;
    },
  };
}

function engineWith(strategies: IStrategySchema[]) {
  const engine = createTestEngine();
  engine.addExchange(memoryExchange("mem", { BTCUSDT: wigglyCandles(T0 - 100 * MINUTE, 1_300) }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 1_200 * MINUTE),
  });
  for (const strategy of strategies) engine.addStrategy(strategy);
  return engine;
}

const run = (engine: ReturnType<typeof engineWith>, strategyName: string) =>
  collect(
    engine.Backtest.run(
      "BTCUSDT",
      { strategyName, exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 100 },
    ),
  );

describe("the context of a lone backtest", () => {
  it("is not entered into AsyncLocalStorage; outside its calls there is none", async () => {
    const stored: boolean[] = [];
    const engine = engineWith([recordingStrategy("lone", stored)]);
    await run(engine, "lone");
    expect(stored.length).toBe(80);
    expect(stored.every((inStorage) => !inStorage)).toBe(true);
    expect(() => getDate()).toThrow(/No execution context/);
  });

  it("two backtests at once enter the storage, each seeing its own instant", async () => {
    const first: boolean[] = [];
    const second: boolean[] = [];
    const engine = engineWith([recordingStrategy("a", first), recordingStrategy("b", second)]);
    await Promise.all([run(engine, "a"), run(engine, "b")]);
    expect(first.length).toBe(80);
    expect(second.length).toBe(80);
    // The second run opened while the first was running: every call of it is in the storage, and the first
    // run's calls are from that moment on (its calls before, made alone, are not).
    expect(second.every(Boolean)).toBe(true);
    const alone = first.indexOf(true);
    expect(alone).toBeGreaterThanOrEqual(0);
    expect(first.slice(alone).every(Boolean)).toBe(true);
    expect(first.length - alone).toBeGreaterThan(70);
  });
});
