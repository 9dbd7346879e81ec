// Events: invalid signals reach listenValidation and never execute, a throwing getSignal reaches
// listenError and the run goes on, listeners run in order one at a time, a throwing listener never
// stops the run, Once variants fire once, every listen returns an unsubscribe.

import { describe, expect, it } from "vitest";
import type { IValidationEvent } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

function setup(getSignal: (symbol: string, when: Date) => Promise<unknown>, expectErrors = false) {
  const engine = createTestEngine({ expectErrors });
  engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 60, (m) => (m < 30 ? 100 : 103)) }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 60 * MINUTE),
  });
  engine.addStrategy({ strategyName: "s", interval: "5m", getSignal: getSignal as never });
  const run = () =>
    collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "s", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 5 },
      ),
    );
  return { engine, run };
}

describe("events", () => {
  it("an invalid signal emits listenValidation with every problem and never executes", async () => {
    const { engine, run } = setup(async () => ({
      position: "long",
      priceTakeProfit: 99,
      priceStopLoss: 101,
      minuteEstimatedTime: 60,
    }));
    const events: IValidationEvent[] = [];
    engine.listenValidation((event) => {
      events.push(event);
    });
    const results = await run();
    await engine.waitForListeners();
    expect(results).toEqual([]);
    expect(events).toHaveLength(12); // once per 5m boundary
    expect(events[0]!.timestamp).toBe(T0);
    expect(events[0]!.problems.map((problem) => problem.field)).toEqual(["priceTakeProfit", "priceStopLoss"]);
    expect(events[0]!.problems[0]!.message).toMatch(/priceTakeProfit 99 must be above the current price 100/);
  });

  it("a throwing getSignal reaches listenError and the run continues", async () => {
    let calls = 0;
    const { engine, run } = setup(async () => {
      calls++;
      if (calls === 1) throw new Error("boom at first call");
      return calls === 2
        ? { position: "long", priceTakeProfit: 102, priceStopLoss: 95, minuteEstimatedTime: 60 }
        : null;
    }, true);
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    const results = await run();
    await engine.waitForListeners();
    expect(errors).toEqual(["boom at first call"]);
    expect(results.map((result) => result.action)).toEqual(["opened", "closed"]);
    expect(results[0]!.timestamp).toBe(T0 + 5 * MINUTE);
  });

  it("listeners run in order one at a time; a throwing async listener goes to listenError only", async () => {
    let calls = 0;
    const { engine, run } = setup(
      async () =>
        calls++ % 2 === 0
          ? { position: "long", priceTakeProfit: 102, priceStopLoss: 95, minuteEstimatedTime: 3 }
          : null,
      true,
    );
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    engine.listenSignal(async (result) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, result.action === "opened" ? 3 : 0));
      order.push(`${result.action}@${(result.timestamp - T0) / MINUTE}`);
      inFlight--;
    });
    engine.listenSignal(async () => {
      throw new Error("listener failure");
    });
    const errors: string[] = [];
    const unsubscribeError = engine.listenError((error) => {
      errors.push(error.message);
    });
    const results = await run();
    // Every queued listener call, and the listenError calls the throwing listener queued, has run.
    await engine.waitForListeners();
    expect(results.length).toBeGreaterThan(4);
    expect(order).toEqual(results.map((result) => `${result.action}@${(result.timestamp - T0) / MINUTE}`));
    expect(maxInFlight).toBe(1);
    expect(errors).toHaveLength(results.length);
    expect(new Set(errors)).toEqual(new Set(["listener failure"]));
    unsubscribeError();
  });

  it("Once variants fire once for the first matching event; unsubscribe stops delivery", async () => {
    const { engine, run } = setup(async () => ({
      position: "long",
      priceTakeProfit: 102,
      priceStopLoss: 95,
      minuteEstimatedTime: 3,
    }));
    const once: string[] = [];
    engine.listenSignalBacktestOnce(
      (result) => result.action === "closed",
      (result) => {
        once.push(`${result.action}@${(result.timestamp - T0) / MINUTE}`);
      },
    );
    const all: string[] = [];
    const unsubscribe = engine.listenSignal((result) => {
      all.push(result.action);
    });
    const done: boolean[] = [];
    engine.listenDoneBacktestOnce(
      () => true,
      (event) => {
        done.push(event.stopped);
      },
    );
    const progress: number[] = [];
    engine.listenProgress((event) => {
      progress.push(event.progress);
    });
    await run();
    await engine.waitForListeners();
    expect(once).toEqual(["closed@3"]);
    expect(all.length).toBeGreaterThan(2);
    expect(done).toEqual([false]);
    expect(progress.at(-1)).toBe(1);
    unsubscribe();
    const before = all.length;
    await run();
    await engine.waitForListeners();
    expect(all.length).toBe(before);
    expect(once).toHaveLength(1);
    expect(done).toHaveLength(1);
  });

  it("stop() lets an open signal finish, then ends the run with done(stopped)", async () => {
    const { engine } = setup(async () => ({
      position: "long",
      priceTakeProfit: 102,
      priceStopLoss: 95,
      minuteEstimatedTime: 10,
    }));
    const done: boolean[] = [];
    engine.listenDoneBacktest((event) => {
      done.push(event.stopped);
    });
    const results = [];
    for await (const result of engine.Backtest.run(
      "BTCUSDT",
      { strategyName: "s", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5 },
    )) {
      results.push(result);
      if (result.action === "opened") engine.Backtest.stop("BTCUSDT", "s");
    }
    await engine.waitForListeners();
    expect(results.map((result) => result.action)).toEqual(["opened", "closed"]);
    expect(done).toEqual([true]);
  });

  it("background() runs to completion and reports through events", async () => {
    const { engine } = setup(async () => null, true);
    const finished = new Promise<string>((resolve) => {
      engine.listenDoneBacktestOnce(
        () => true,
        (event) => resolve(event.strategyName),
      );
    });
    engine.Backtest.background(
      "BTCUSDT",
      { strategyName: "s", exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5 },
    );
    await expect(finished).resolves.toBe("s");
    const failed = new Promise<string>((resolve) => {
      engine.listenErrorOnce(
        () => true,
        (error) => resolve(error.message),
      );
    });
    engine.Backtest.background("BTCUSDT", { strategyName: "ghost", exchangeName: "mem", frameName: "f" });
    await expect(failed).resolves.toMatch(/Unknown strategy "ghost"/);
  });

  it("one stream: waitForListeners resolves after every queued call, chained error calls included", async () => {
    const { engine, run } = setup(
      async () => ({ position: "long", priceTakeProfit: 102, priceStopLoss: 95, minuteEstimatedTime: 3 }),
      true,
    );
    await engine.waitForListeners(); // nothing queued: resolves at once
    const slow: string[] = [];
    engine.listenSignalBacktest(async (result) => {
      for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      slow.push(result.action);
    });
    const live: string[] = [];
    engine.listenSignalLive((result) => {
      live.push(result.action);
    });
    engine.listenDoneBacktest(() => {
      throw new Error("done listener broke");
    });
    const errors: string[] = [];
    engine.listenError(async (error) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      errors.push(error.message);
    });
    const results = await run();
    expect(slow.length).toBeLessThan(results.length);
    await engine.waitForListeners();
    expect(slow).toEqual(results.map((result) => result.action));
    expect(live).toEqual([]);
    expect(errors).toEqual(["done listener broke"]);
  });
});
