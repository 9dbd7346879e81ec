// The crash test of issue 4 for one persistence adapter: an uninterrupted reference run, then the same
// scenario with SIGKILLs at random moments (BT_CRASH_KILLS, a few by default) and a restart after each,
// then the checks: no position lost, none opened twice, and the closed history, open position and broker
// orders of the reference.

import type { IPersistAdapterV2 } from "@bt/core";
import { expect, it } from "vitest";
import {
  type CrashAdapterArgs,
  type ICrashScenario,
  persistedPhase,
  runUninterrupted,
  runWithKills,
  scenarioOutcome,
} from "./crashHarness";
import { crashKills } from "./crashSettings";

/** How one adapter takes part in the crash test. */
export interface ILiveCrashSuite {
  name: string;
  /** Child arguments and a clock file for a run labelled `label` ("reference" or "killed"). */
  scenario: (label: string) => { adapterArgs: CrashAdapterArgs; clockFile: string };
  /** A fresh adapter on the records of the run labelled `label` (disposed by the suite). */
  openPersist: (label: string) => IPersistAdapterV2;
  /** Scenario length in minutes (default 600) and kills wanted (default crashKills(): BT_CRASH_KILLS or 8). */
  minutes?: number;
  kills?: number;
}

async function withPersist<T>(
  suite: ILiveCrashSuite,
  label: string,
  use: (persist: IPersistAdapterV2) => Promise<T>,
) {
  const persist = suite.openPersist(label);
  try {
    await persist.waitForInit();
    return await use(persist);
  } finally {
    await persist.dispose();
  }
}

/** Declares the crash test of `suite` (one vitest `it`). */
export function defineLiveCrashTest(suite: ILiveCrashSuite): void {
  const minutes = suite.minutes ?? 600;
  const targetKills = suite.kills ?? crashKills();
  // Up to a few seconds per kill on a loaded machine (adapters run concurrently), plus the reference run.
  const timeoutMs = 120_000 + targetKills * 6_000;
  it(
    `${suite.name}: survives ${targetKills} SIGKILLs at random moments with the uninterrupted outcome`,
    async () => {
      const reference: ICrashScenario = { ...suite.scenario("reference"), minutes };
      await runUninterrupted(reference);
      const expected = await withPersist(suite, "reference", scenarioOutcome);
      // The scenario trades a lot: many closes, and every order belongs to one of its signals.
      expect(expected.closed.length).toBeGreaterThan(30);
      const reasons = new Set(expected.closed.map((trade) => trade.reason));
      expect(reasons.has("take_profit") && reasons.has("stop_loss")).toBe(true);

      const killed: ICrashScenario = { ...suite.scenario("killed"), minutes };
      const report = await runWithKills(killed, targetKills, () =>
        withPersist(suite, "killed", persistedPhase),
      );
      const actual = await withPersist(suite, "killed", scenarioOutcome);
      const seconds = (report.durationMs / 1000).toFixed(1);
      console.log(
        `[crash test ${suite.name}] survived ${report.kills} SIGKILLs in ${report.lives} lives (${seconds} s); ` +
          `persisted phase at each kill: ${JSON.stringify(report.phases)}; ` +
          `broker requests answered from the order book after restarts: ${actual.repeatedRequests}; ` +
          `compared with the reference: ${actual.closed.length} closed trades, ${actual.orders.length} orders`,
      );
      expect(report.kills).toBeGreaterThanOrEqual(targetKills);

      // No position lost, none opened twice: exactly one open order per signal that opened, one close
      // order per closed signal, and no order for any signal outside the history and the open position.
      const opened = new Set(actual.closed.map((trade) => trade.id));
      if (actual.position !== null) opened.add(actual.position.id);
      const legs = new Map<string, string[]>();
      for (const order of actual.orders)
        legs.set(order.signalId, [...(legs.get(order.signalId) ?? []), order.leg]);
      for (const id of opened) {
        const expectedLegs = actual.position?.id === id ? ["open"] : ["open", "close"];
        expect({ id, legs: legs.get(id) }).toEqual({ id, legs: expectedLegs });
      }
      expect([...legs.keys()].filter((id) => !opened.has(id))).toEqual([]);
      // And everything equals the uninterrupted run.
      expect(actual.closed).toEqual(expected.closed);
      expect(actual.position).toEqual(expected.position);
      expect(actual.scheduled).toEqual(expected.scheduled);
      expect(actual.orders).toEqual(expected.orders);
      // The kills hit the broker commit windows, not only idle time: asserted from 30 kills on (the
      // long mode), since a handful of random kills may all land between commits.
      if (targetKills >= 30) {
        expect((report.phases.opening ?? 0) + (report.phases.closing ?? 0)).toBeGreaterThan(0);
      }
    },
    timeoutMs,
  );
}
