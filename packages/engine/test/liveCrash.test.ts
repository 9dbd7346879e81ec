// The live commit protocol under a simulated kill at every single record operation: the adapter
// "dies" after N operations (records stay exactly as a process killed at that instant leaves them), a
// fresh engine restarts at the time of death, and the end state must equal an uninterrupted run:
// the same closed history, the same open position, and exactly one broker order per signal and leg.

import type { IStrategyTickResult } from "@bt/core";
import { describe, expect, it } from "vitest";
import {
  createPaperBroker,
  createSimulatedClock,
  type IPaperOrder,
  liveEventId,
  readLiveState,
} from "../src/index";
import { MINUTE, T0 } from "./helpers";
import { closedBrief, memoryStore, SYMBOL, wiggleEngine } from "./liveHelpers";

const END = T0 + 480 * MINUTE;

/** One process life: runs from `startMs` until END or until the adapter dies; returns the time of death. */
async function life(
  records: Map<string, string>,
  startMs: number,
  atomicBatch: boolean,
  dieAfterOperations?: number,
  afterDeath = false,
) {
  // A dying store reports its death on listenError: expected here.
  const engine = wiggleEngine("1m", { expectErrors: true });
  const clock = createSimulatedClock(startMs);
  let diedAt: number | undefined;
  const persist = memoryStore({
    records,
    // A restart after a kill: the dead process's lease has expired by the store's clock (takeover).
    now: afterDeath ? () => Date.now() + 10 * 60_000 : undefined,
    atomicBatch,
    dieAfterOperations,
    onDeath: () => {
      diedAt = clock.now();
      void engine.Live.stop(SYMBOL, "wiggle");
    },
  });
  const broker = createPaperBroker({ persist, now: () => clock.now() });
  const results: IStrategyTickResult[] = [];
  try {
    for await (const result of engine.Live.run(
      SYMBOL,
      { strategyName: "wiggle", exchangeName: "mem" },
      { persist, broker, clock, stopAt: END },
    )) {
      results.push(result);
    }
  } catch (error) {
    // A death before the first tick (taking the lease, writing the generation marker) ends the run.
    if (diedAt === undefined) throw error;
  }
  return { engine, diedAt, operations: persist.operations, results };
}

/** What the restarted process reports: its closed-trade count and statistics must not double-count a trade. */
function reported(engine: ReturnType<typeof wiggleEngine>) {
  const markdown = engine.Live.getReport(SYMBOL, "wiggle");
  const statistics = markdown.slice(markdown.indexOf("Statistics"));
  return { closedCount: Number(/\|\s*closed\s*\|\s*(\d+)/.exec(markdown)?.[1]), statistics };
}

async function outcome(records: Map<string, string>) {
  const persist = memoryStore({ records });
  const state = await readLiveState(persist, SYMBOL, "wiggle", "mem");
  const orders = await createPaperBroker({ persist }).orders();
  return {
    closed: state.closed.map(closedBrief),
    position: state.position === null ? null : { id: state.position.signal.id, phase: state.position.phase },
    scheduled:
      state.scheduled === null ? null : { id: state.scheduled.signal.id, phase: state.scheduled.phase },
    orders: orders.map((order: IPaperOrder) => ({
      id: order.clientOrderId,
      signalId: order.signalId,
      leg: order.leg,
      price: order.price,
      filledAt: order.filledAt,
    })),
  };
}

describe("Live crash at every record operation", () => {
  it.each([false, true])(
    "restarts into the uninterrupted outcome (atomicBatch %s)",
    async (atomicBatch) => {
      const referenceRecords = new Map<string, string>();
      const reference = await life(referenceRecords, T0, atomicBatch);
      const expected = await outcome(referenceRecords);
      const expectedReport = reported(reference.engine);
      expect(expectedReport.closedCount).toBe(expected.closed.length);
      expect(expected.closed.length).toBeGreaterThan(3);
      // Every open and close order belongs to a closed signal or to the open position.
      expect(expected.orders.length).toBe(2 * expected.closed.length + (expected.position === null ? 0 : 1));

      const phasesAtDeath = new Map<string, number>();
      for (let budget = 0; budget < reference.operations; budget++) {
        const records = new Map<string, string>();
        const first = await life(records, T0, atomicBatch, budget);
        expect(first.diedAt).toBeDefined();
        const atDeath = await readLiveState(memoryStore({ records }), SYMBOL, "wiggle", "mem");
        const phase =
          atDeath.position?.phase ??
          (atDeath.scheduled === null ? "idle" : `scheduled:${atDeath.scheduled.phase}`);
        phasesAtDeath.set(phase, (phasesAtDeath.get(phase) ?? 0) + 1);
        const restarted = await life(records, first.diedAt as number, atomicBatch, undefined, true);
        // Events are at least once: every event of the uninterrupted run reached a consumer in one life.
        const delivered = new Set([...first.results, ...restarted.results].map(liveEventId));
        const lost = reference.results.map(liveEventId).filter((id) => !delivered.has(id));
        if (lost.length > 0)
          console.log(
            "LOST",
            budget,
            lost,
            first.results.map(liveEventId),
            restarted.results.map(liveEventId).slice(0, 3),
            first.diedAt,
          );
        expect({ budget, lost }).toEqual({ budget, lost: [] });
        const actual = await outcome(records);
        expect({ budget, ...actual }).toEqual({ budget, ...expected });
        expect({ budget, ...reported(restarted.engine) }).toEqual({ budget, ...expectedReport });
      }
      // The kills landed in every phase of the protocol.
      for (const phase of [
        "idle",
        "opening",
        "open",
        "closing",
        "scheduled:scheduled",
        "scheduled:cancelling",
      ]) {
        expect(phasesAtDeath.get(phase) ?? 0, phase).toBeGreaterThan(0);
      }
    },
    120_000,
  );
});
