// Walk-forward folds: k consecutive test windows that end at the frame's end, each with the train window
// before it: the trainMs right before it ("rolling") or everything from the frame's start ("anchored").
// A train window always ends where its test starts, so nothing of a test window is seen in training.

import { BtError, describeValue } from "@bt/core";

const MINUTE_MS = 60_000;

/** A window [startMs, endMs), epoch ms. */
export interface IWindow {
  startMs: number;
  endMs: number;
}

/** One fold: its index (0-based), train and test windows. */
export interface IFold {
  index: number;
  train: IWindow;
  test: IWindow;
}

/** How to cut [startMs, endMs) into folds; missing lengths are derived so the folds cover the span. */
export interface IFoldOptions {
  startMs: number;
  endMs: number;
  folds: number;
  mode: "rolling" | "anchored";
  trainMs?: number;
  testMs?: number;
}

function fail(field: string, expected: string, value: unknown): never {
  throw new BtError("VALIDATION", `walk-forward: ${field} must be ${expected}, got ${describeValue(value)}`, {
    field,
    value,
  });
}

const wholeMinutes = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/**
 * The folds of a walk-forward run. Given only trainMs: testMs = (span − trainMs) / k; only testMs:
 * trainMs = span − k·testMs; neither: trainMs = 4·testMs with testMs = span / (k + 4); lengths are cut
 * to whole minutes, and the last test window ends at endMs.
 * @throws BtError VALIDATION for bad counts or lengths, or folds that do not fit the span.
 * @example walkForwardFolds({ startMs, endMs, folds: 4, mode: "rolling", testMs: 7 * 86_400_000 })
 */
export function walkForwardFolds(options: IFoldOptions): IFold[] {
  const { startMs, endMs, folds, mode } = options;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
    fail("frame", "finite epoch ms with end after start", { startMs, endMs });
  }
  if (!Number.isInteger(folds) || folds < 1) fail("folds", "a positive integer", folds);
  if (mode !== "rolling" && mode !== "anchored") fail("mode", '"rolling" or "anchored"', mode);
  for (const field of ["trainMs", "testMs"] as const) {
    const value = options[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= MINUTE_MS))
      fail(field, "at least one minute (60000 ms)", value);
  }
  const span = endMs - startMs;
  let { trainMs, testMs } = options;
  if (testMs === undefined && trainMs === undefined) {
    testMs = span / (folds + 4);
    trainMs = 4 * testMs;
  } else if (testMs === undefined) {
    testMs = (span - (trainMs as number)) / folds;
  } else if (trainMs === undefined) {
    trainMs = span - folds * testMs;
  }
  const train = wholeMinutes(trainMs as number);
  const test = wholeMinutes(testMs);
  if (test < MINUTE_MS) fail("testMs", "at least one minute once the folds fit the span", testMs);
  if (train < MINUTE_MS) fail("trainMs", "at least one minute once the folds fit the span", trainMs);
  if (train + folds * test > span) {
    fail(
      "trainMs",
      `at most ${span - folds * test} ms (span ${span} ms − ${folds} test windows of ${test} ms)`,
      train,
    );
  }
  return Array.from({ length: folds }, (_, index) => {
    const testStart = endMs - (folds - index) * test;
    return {
      index,
      train: {
        startMs: mode === "anchored" ? endMs - folds * test - train : testStart - train,
        endMs: testStart,
      },
      test: { startMs: testStart, endMs: testStart + test },
    };
  });
}
