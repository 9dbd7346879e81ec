// The test engine of helpers.ts fails its test on any unexpected listenError: an `expect` inside a
// strategy's getSignal is caught by the engine and routed to listenError, so without this a broken
// assertion there passed silently.

import { describe, expect, it } from "vitest";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

function backtestWith(getSignal: () => Promise<null>, expectErrors: boolean) {
  const engine = createTestEngine({ expectErrors });
  engine.addExchange(memoryExchange("mem", { BTCUSDT: series(-5, 30, () => 100) }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 30 * MINUTE),
  });
  engine.addStrategy({ strategyName: "s", interval: "5m", getSignal });
  return {
    engine,
    run: () =>
      collect(
        engine.Backtest.run(
          "BTCUSDT",
          { strategyName: "s", exchangeName: "mem", frameName: "f" },
          { warmupMinutes: 5 },
        ),
      ),
  };
}

describe("createTestEngine", () => {
  it.fails("an expect failing inside getSignal fails the test that ran it", async () => {
    const { run } = backtestWith(async () => {
      expect("inside getSignal").toBe("never");
      return null;
    }, false);
    await run();
  });

  it("with expectErrors the test asserts the errors itself", async () => {
    const { engine, run } = backtestWith(async () => {
      throw new Error("expected failure");
    }, true);
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    await run();
    await engine.waitForListeners();
    expect(errors).toEqual(Array(6).fill("expected failure"));
  });
});
