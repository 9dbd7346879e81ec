// What `bt live` says at start-up about the state it continues from: the open position (its entries,
// average entry and commit phase, with the change a "changing" record waits to confirm), the scheduled
// signal and the closed trades an earlier run persisted (read with @bt/engine's readLiveState, the same
// records Live restores), and the last tick whose effects are committed.

import type { ILiveState } from "@bt/engine";
import { describePositionUpdate } from "@bt/report-markdown";
import { describeOpenPosition } from "./liveEventLine";

type PositionRecord = NonNullable<ILiveState["position"]>;

/** A time for messages: ISO 8601 UTC without zero seconds ("2025-01-02T00:00Z"). */
export function isoMinute(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(":00.000Z", "Z");
}

/**
 * The open position of a record: the committed row (for a "changing" record the one before the change,
 * since the change's fill is not confirmed), its entries when it has more than one fill, and the phase.
 */
function describePosition(record: PositionRecord): string {
  const signal = record.phase === "changing" ? record.previous : record.signal;
  const managed = signal.fills.length > 1 ? `, ${describeOpenPosition(signal)}` : "";
  const where = `open position ${signal.id} ${signal.position} @ ${signal.priceOpen}${managed}`;
  switch (record.phase) {
    case "opening":
    case "open":
    case "closing":
      return `${where} (${record.phase})`;
    case "changing":
      return `${where} (changing: ${describePositionUpdate(record.result)}; its order is checked with the broker at the next tick)`;
    default: {
      // A phase added to the engine fails to compile here.
      const unknown: never = record;
      return `${where} (${(unknown as { phase: string }).phase})`;
    }
  }
}

/** One line on what a run restores, e.g. "open position 1f…e2 long @ 97012.5 (open), 3 closed trades". */
export function describeLiveState(state: ILiveState): string {
  const parts: string[] = [];
  const { position, scheduled } = state;
  parts.push(position === null ? "no open position" : describePosition(position));
  if (scheduled !== null) {
    const signal = scheduled.signal;
    parts.push(`scheduled signal ${signal.id} ${signal.position} @ ${signal.priceOpen} (${scheduled.phase})`);
  } else parts.push("no scheduled signal");
  const count = state.closed.length;
  parts.push(count === 1 ? "1 closed trade" : `${count === 0 ? "no" : count} closed trades`);
  // History records the engine could not use (newer engines list them as `missing`): each is a lost trade.
  const missingCount = (state as { missing?: readonly unknown[] }).missing?.length ?? 0;
  if (missingCount > 0) parts.push(`${missingCount} unreadable closed record(s) skipped`);
  const summary = parts.join(", ");
  const fresh =
    position === null && scheduled === null && count === 0 && missingCount === 0 && state.cursor === null;
  if (fresh) return `nothing (fresh state: ${summary})`;
  const lastTickMs = lastCommittedTickMs(state);
  return lastTickMs === null ? summary : `${summary}; last committed tick ${isoMinute(lastTickMs)}`;
}

/** Epoch ms of the latest tick the persisted records show committed, or null when none. */
export function lastCommittedTickMs(state: ILiveState): number | null {
  const times: number[] = [];
  if (state.cursor !== null) times.push(state.cursor.lastTickMs);
  if (state.position !== null) times.push(state.position.result.timestamp);
  if (state.scheduled !== null) times.push(state.scheduled.result.timestamp);
  const lastClosed = state.closed.at(-1);
  if (lastClosed !== undefined) times.push(lastClosed.timestamp);
  return times.length === 0 ? null : Math.max(...times);
}
