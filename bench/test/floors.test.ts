// The floors follow bt's exact rules: on the same seeded candles they make the same trades (and, for the
// every-minute scenario, the same getSignal calls and crossings) as bt through the public engine API.

import { describe, expect, it } from "vitest";
import { FLOOR_VARIANTS, type FloorScenario, runFloor } from "../src/floors/floorScenarios";
import { benchColumns, runEveryMinuteBacktest, runSmaBacktest, runSmaWalker } from "../src/scenarios";

const SEED = 20250101;
const DAYS_30 = 30 * 1440;

async function floorResults(scenario: FloorScenario, minutes: number) {
  const columns = benchColumns(SEED, minutes);
  return Promise.all(
    FLOOR_VARIANTS[scenario].map((variant) => runFloor(scenario, variant, columns, minutes)),
  );
}

describe("floors reproduce bt's trade counts (30 days)", () => {
  for (const interval of ["15m", "1m"] as const) {
    it(`SMA crossover on ${interval}`, async () => {
      const results = await runSmaBacktest({ seed: SEED, minutes: DAYS_30, interval });
      const trades = results.filter((result) => result.action === "closed").length;
      expect(trades).toBeGreaterThan(20);
      for (const floor of await floorResults(interval === "15m" ? "year15m" : "year1m", DAYS_30)) {
        expect(floor.trades).toBe(trades);
      }
    });
  }

  it("walker of 10 strategies", async () => {
    const walker = await runSmaWalker({ seed: SEED, minutes: DAYS_30, strategyCount: 10 });
    const trades = walker.results.reduce((sum, entry) => sum + (entry.stats?.tradeCount ?? 0), 0);
    expect(trades).toBeGreaterThan(100);
    for (const floor of await floorResults("walker10", DAYS_30)) expect(floor.trades).toBe(trades);
  });

  it("getSignal on every minute: same calls and crossings", async () => {
    const minutes = 7 * 1440;
    const bt = await runEveryMinuteBacktest({ seed: SEED, minutes });
    expect(bt.calls).toBe(minutes);
    for (const floor of await floorResults("year1mEveryMinute", minutes)) {
      expect(floor.calls).toBe(bt.calls);
      expect(floor.crossings).toBe(bt.crossings);
    }
  });
});
