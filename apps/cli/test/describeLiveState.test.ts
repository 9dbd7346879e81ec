import type { ILiveState } from "@bt/engine";
import { describe, expect, it } from "vitest";
import {
  DCA_FILLS,
  openPosition,
  T0,
  updatedEvent,
} from "../../../packages/report-markdown/test/positionFixtures";
import { describeLiveState, lastCommittedTickMs } from "../src/describeLiveState";

const EMPTY: ILiveState = {
  position: null,
  scheduled: null,
  cursor: null,
  closed: [],
  missing: [],
} as ILiveState;

describe("describeLiveState", () => {
  it("says nothing was restored from a fresh state", () => {
    expect(describeLiveState(EMPTY)).toBe(
      "nothing (fresh state: no open position, no scheduled signal, no closed trades)",
    );
    expect(lastCommittedTickMs(EMPTY)).toBeNull();
  });

  it("names the open position, the scheduled signal, the closed trades, skipped records and the last tick", () => {
    const signal = {
      id: "sig-1",
      position: "long",
      priceOpen: 100,
      fills: [{ kind: "entry", price: 100, cost: 1, at: 0, source: "open" }],
    };
    const state = {
      position: {
        v: 1,
        phase: "open",
        signal,
        result: { timestamp: Date.UTC(2025, 0, 2, 1) },
        openFill: null,
      },
      scheduled: {
        v: 1,
        phase: "scheduled",
        signal: { ...signal, id: "sig-2", position: "short", priceOpen: 120 },
        result: { timestamp: Date.UTC(2025, 0, 2, 2) },
      },
      cursor: { v: 1, lastTickMs: Date.UTC(2025, 0, 2, 3), lastSignalBoundaryMs: null },
      closed: [{ timestamp: Date.UTC(2025, 0, 1) }, { timestamp: Date.UTC(2025, 0, 1, 5) }],
      missing: [{}],
    } as unknown as ILiveState;
    expect(describeLiveState(state)).toBe(
      "open position sig-1 long @ 100 (open), scheduled signal sig-2 short @ 120 (scheduled), 2 closed trades, 1 unreadable closed record(s) skipped; last committed tick 2025-01-02T03:00Z",
    );
    expect(lastCommittedTickMs(state)).toBe(Date.UTC(2025, 0, 2, 3));
  });

  it("gives the entries and average entry of an averaged position", () => {
    const position = {
      ...EMPTY,
      position: {
        v: 2,
        phase: "open",
        signal: openPosition(DCA_FILLS),
        result: { timestamp: T0 + 90 * 60_000 },
      },
    } as unknown as ILiveState;
    expect(describeLiveState(position)).toBe(
      "open position dca-open long @ 100, 2 entries, avg entry 98.4772, 50.00% of the entered size open (open), no scheduled signal, no closed trades; last committed tick 2025-01-01T01:30Z",
    );
  });

  it("names the change a changing record waits for, on the position as committed before it", () => {
    const previous = openPosition(DCA_FILLS.slice(0, 1));
    const after = openPosition(DCA_FILLS.slice(0, 2));
    const result = updatedEvent(
      after,
      { kind: "entry", source: "dca_ladder", price: 97, cost: 1000 },
      T0 + 30 * 60_000,
    );
    const state = {
      ...EMPTY,
      position: { v: 2, phase: "changing", signal: after, previous, result, openFill: null, opened: {} },
    } as unknown as ILiveState;
    expect(describeLiveState(state)).toBe(
      "open position dca-open long @ 100 (changing: entry added (dca_ladder) at 97.0000, cost 1000.00; its order is checked with the broker at the next tick), no scheduled signal, no closed trades; last committed tick 2025-01-01T00:30Z",
    );
    const partial = updatedEvent(
      openPosition(DCA_FILLS),
      { kind: "partial", reason: "partial_profit", price: 101, fraction: 0.5 },
      T0 + 90 * 60_000,
    );
    const fromAveraged = {
      ...EMPTY,
      position: {
        v: 2,
        phase: "changing",
        signal: partial.signal,
        previous: after,
        result: partial,
        openFill: null,
      },
    } as unknown as ILiveState;
    expect(describeLiveState(fromAveraged)).toContain(
      "open position dca-open long @ 100, 2 entries, avg entry 98.4772 (changing: partial exit (partial_profit): 50.00% of the open size at 101.0000;",
    );
  });
});
