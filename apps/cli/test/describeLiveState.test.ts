import type { ILiveState } from "@bt/engine";
import { describe, expect, it } from "vitest";
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
    const signal = { id: "sig-1", position: "long", priceOpen: 100 };
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
});
