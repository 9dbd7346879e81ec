// The crash test of issue 4 for one persistence adapter: an uninterrupted reference run, then the same
// scenario with SIGKILLs at random moments (BT_CRASH_KILLS, a few by default) and a restart after each,
// then the checks: no position lost, none opened twice, no size change ordered twice, and the closed
// history (with every fill), open position and broker orders of the reference.

import { clientOrderId, type IPersistAdapterV2, type PositionFill } from "@bt/core";
import { expect, it } from "vitest";
import {
  type CrashAdapterArgs,
  type ICrashScenario,
  persistedPhase,
  runUninterrupted,
  runWithKills,
  scenarioOutcome,
} from "./crashHarness";
import { crashKills, DEFAULT_CRASH_KILLS, DEFAULT_MANAGE_CRASH_KILLS } from "./crashSettings";
import type { ScenarioVariant } from "./liveScenario";

/** How one adapter takes part in the crash test. */
export interface ILiveCrashSuite {
  name: string;
  /** Child arguments and a clock file for a run labelled `label` ("reference" or "killed"). */
  scenario: (label: string) => { adapterArgs: CrashAdapterArgs; clockFile: string };
  /** A fresh adapter on the records of the run labelled `label` (disposed by the suite). */
  openPersist: (label: string) => IPersistAdapterV2;
  /**
   * Scenario length in minutes (default 600) and kills wanted (default BT_CRASH_KILLS, or
   * 20 / manage 10).
   */
  minutes?: number;
  kills?: number;
  /** The strategy (default plain; "manage": partial exits, DCA entries and a trailing stop). */
  variant?: ScenarioVariant;
}

/**
 * The client order ids a signal with `fills` must have at the broker, sorted: its open, one add or
 * reduce per later fill (by the fill's index) and, when closed, its close.
 */
export function expectedClientOrderIds(
  signalId: string,
  fills: ReadonlyArray<PositionFill>,
  closed: boolean,
): string[] {
  const ids = [clientOrderId(signalId, "open")];
  fills.forEach((fill, index) => {
    if (index > 0)
      ids.push(clientOrderId(signalId, { kind: fill.kind === "entry" ? "add" : "reduce", index }));
  });
  if (closed) ids.push(clientOrderId(signalId, "close"));
  return ids.sort();
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
  const variant = suite.variant ?? "plain";
  const minutes = suite.minutes ?? 600;
  const targetKills =
    suite.kills ??
    crashKills(process.env, variant === "manage" ? DEFAULT_MANAGE_CRASH_KILLS : DEFAULT_CRASH_KILLS);
  const outcomeOf = (persist: IPersistAdapterV2) => scenarioOutcome(persist, variant);
  // The manage variant's size changes take up to 25 ms before and after their fill (other orders 3 ms):
  // a wider window, so some of the random kills land inside a size change (persisted phase "changing").
  const changeLatencyMs = variant === "manage" ? 25 : undefined;
  const label = variant === "plain" ? suite.name : `${suite.name} ${variant}`;
  // Up to several seconds per kill on a loaded machine (adapters and both scenarios run concurrently),
  // plus the reference run.
  const timeoutMs = 150_000 + targetKills * 8_000;
  it(
    `${label}: survives ${targetKills} SIGKILLs at random moments with the uninterrupted outcome`,
    async () => {
      const reference: ICrashScenario = { ...suite.scenario("reference"), minutes, variant, changeLatencyMs };
      await runUninterrupted(reference);
      const expected = await withPersist(suite, "reference", outcomeOf);
      // The scenario trades a lot: many closes, and every order belongs to one of its signals.
      expect(expected.closed.length).toBeGreaterThan(minutes / 20);
      // (600 minutes: 38 closes plain, 39 manage with 28 partial exits, 17 DCA entries, 3 trailed stops.)
      const reasons = new Set(expected.closed.map((trade) => trade.reason));
      expect(reasons.has("take_profit") && reasons.has("stop_loss")).toBe(true);
      if (variant === "manage") {
        // Not vacuous: the reference takes partial exits (ladder), DCA entries and trails stops.
        const later = expected.closed.flatMap((trade) => trade.fills.slice(1));
        expect(later.filter((fill) => fill.kind === "exit").length).toBeGreaterThan(minutes / 60);
        expect(later.filter((fill) => fill.kind === "entry").length).toBeGreaterThan(minutes / 100);
        // The variant has no breakeven: a stop loss away from the original one was trailed.
        const trailed = expected.closed.filter(
          (trade) => trade.reason === "stop_loss" && trade.priceStopLoss !== trade.originalStopLoss,
        );
        expect(trailed.length).toBeGreaterThanOrEqual(1);
      }

      const killed: ICrashScenario = { ...suite.scenario("killed"), minutes, variant, changeLatencyMs };
      const report = await runWithKills(killed, targetKills, () =>
        withPersist(suite, "killed", (persist) => persistedPhase(persist, variant)),
      );
      const actual = await withPersist(suite, "killed", outcomeOf);
      const seconds = (report.durationMs / 1000).toFixed(1);
      const changes = expected.closed.flatMap((trade) => trade.fills.slice(1));
      const managed =
        variant === "manage"
          ? ` (${changes.filter((fill) => fill.kind === "exit").length} partial exits, ${changes.filter((fill) => fill.kind === "entry").length} DCA entries)`
          : "";
      console.log(
        `[crash test ${label}] survived ${report.kills} SIGKILLs in ${report.lives} lives (${seconds} s); ` +
          `persisted phase at each kill: ${JSON.stringify(report.phases)}; ` +
          `broker requests answered from the order book after restarts: ${actual.repeatedRequests}; ` +
          `compared with the reference: ${actual.closed.length} closed trades${managed}, ${actual.orders.length} orders`,
      );
      expect(report.kills).toBeGreaterThanOrEqual(targetKills);

      // No position lost, none opened twice, no size change ordered twice: exactly one open order per
      // signal that opened, one add / reduce order per later fill (under that fill's index), one close
      // order per closed signal, and no order for any signal outside the history and the open position.
      const fillsOf = new Map<string, { fills: ReadonlyArray<PositionFill>; closed: boolean }>();
      for (const trade of actual.closed) fillsOf.set(trade.id, { fills: trade.fills, closed: true });
      if (actual.position !== null)
        fillsOf.set(actual.position.id, { fills: actual.position.fills, closed: false });
      const ordered = new Map<string, string[]>();
      for (const order of actual.orders)
        ordered.set(order.signalId, [...(ordered.get(order.signalId) ?? []), order.clientOrderId]);
      for (const [id, { fills, closed }] of fillsOf) {
        expect({ id, orders: ordered.get(id)?.sort() }).toEqual({
          id,
          orders: expectedClientOrderIds(id, fills, closed),
        });
      }
      expect([...ordered.keys()].filter((id) => !fillsOf.has(id))).toEqual([]);
      // And everything equals the uninterrupted run.
      expect(actual.closed).toEqual(expected.closed);
      expect(actual.position).toEqual(expected.position);
      expect(actual.scheduled).toEqual(expected.scheduled);
      expect(actual.orders).toEqual(expected.orders);
      // The kills hit the broker commit windows, not only idle time: asserted from 30 kills on (the
      // long mode), since a handful of random kills may all land between commits.
      if (targetKills >= 30) {
        expect(
          (report.phases.opening ?? 0) + (report.phases.closing ?? 0) + (report.phases.changing ?? 0),
        ).toBeGreaterThan(0);
        // About one kill in 20–30 lands inside a size change (seen: 1–2 of 30 with the defaults): from 100
        // kills on (long mode) at least one must have.
        if (variant === "manage" && targetKills >= 100)
          expect(report.phases.changing ?? 0).toBeGreaterThan(0);
      }
    },
    timeoutMs,
  );
}
