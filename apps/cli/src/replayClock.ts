// The clock of `bt live --exchange file`: a replay of recorded candles that starts at --from and runs
// --speed times faster than real time, or as fast as possible (`max`, the engine's simulated clock).
// Both are the engine's ILiveClock, so the live loop runs unchanged on them.

import { createSimulatedClock, type ILiveClock, wallClock } from "@bt/engine";
import { badInput } from "./cliError";

/** Replay speed: a factor over real time (60 = one minute per second), or "max" (no waiting at all). */
export type ReplaySpeed = number | "max";

/** Largest numeric --speed; beyond it `max` is what the user wants. */
const MAX_NUMERIC_SPEED = 1_000_000;

/**
 * Checks a --speed value: a positive number up to 1,000,000, or "max".
 * @throws CliError (exit 2) naming --speed and the value otherwise.
 */
export function parseReplaySpeed(text: string): ReplaySpeed {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "max") return "max";
  const speed = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_NUMERIC_SPEED) {
    throw badInput(
      `bad --speed ${JSON.stringify(text)}`,
      `use a factor over real time such as 60 (one minute per second, up to ${MAX_NUMERIC_SPEED}) or max`,
    );
  }
  return speed;
}

/** How a replay speed reads in messages: "60x" or "max". */
export function describeReplaySpeed(speed: ReplaySpeed): string {
  return speed === "max" ? "max (as fast as possible)" : `${speed}x real time`;
}

/**
 * A clock starting at `startMs` (epoch ms) whose time moves only by its sleeps, so a replay never skips
 * a tick. A numeric `speed` paces them against real time: a sleep ends when `speed` × the real time
 * since the start has caught up with the replay time (at once when processing fell behind), and an
 * aborted sleep ends at once. "max" is the engine's createSimulatedClock (no waiting at all).
 * `realNow` is for tests.
 * @example Live.run(symbol, context, { clock: createReplayClock(Date.UTC(2025, 0, 2), 60) })
 */
export function createReplayClock(
  startMs: number,
  speed: ReplaySpeed,
  realNow: () => number = Date.now,
): ILiveClock {
  if (speed === "max") return createSimulatedClock(startMs);
  const realStartMs = realNow();
  let timeMs = startMs;
  return {
    now: () => timeMs,
    async sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) return;
      const targetMs = timeMs + Math.max(0, ms);
      const dueRealMs = realStartMs + (targetMs - startMs) / speed;
      const waitRealMs = dueRealMs - realNow();
      // Behind schedule: one macrotask still keeps signals and I/O of the host responsive.
      if (waitRealMs <= 0) await new Promise<void>((resolve) => setImmediate(resolve));
      else await wallClock.sleep(waitRealMs, signal);
      if (!signal?.aborted) timeMs = targetMs;
    },
  };
}
