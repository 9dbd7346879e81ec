// The getSignal watchdog: each call gets its own outcome (also overlapping calls, and a late outcome of a
// call that timed out never reaches a later call), and a call pending past the timeout is a TIMEOUT.

import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { CallWatchdog } from "../src/run/callTimeout";

const subject = () => ({ what: "getSignal of s" });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("CallWatchdog", () => {
  it("resolves and rejects each sequential call with its own outcome", async () => {
    const watchdog = new CallWatchdog();
    try {
      for (let call = 0; call < 50; call++) {
        const outcome = call % 3 === 0 ? Promise.reject(new Error(`e${call}`)) : Promise.resolve(`v${call}`);
        const raced = watchdog.race(outcome, 1_000, subject);
        if (call % 3 === 0) await expect(raced).rejects.toThrow(`e${call}`);
        else await expect(raced).resolves.toBe(`v${call}`);
      }
    } finally {
      watchdog.stop();
    }
  });

  it("gives overlapping calls their own outcomes", async () => {
    const watchdog = new CallWatchdog();
    try {
      const first = deferred<string>();
      const second = deferred<string>();
      const racedFirst = watchdog.race(first.promise, 1_000, subject);
      const racedSecond = watchdog.race(second.promise, 1_000, subject);
      second.resolve("second");
      first.resolve("first");
      await expect(racedSecond).resolves.toBe("second");
      await expect(racedFirst).resolves.toBe("first");
    } finally {
      watchdog.stop();
    }
  });

  it("fails a call pending past the timeout; its late outcome reaches no later call", async () => {
    const watchdog = new CallWatchdog();
    try {
      const hung = deferred<string>();
      const error = await watchdog.race(hung.promise, 20, subject).catch((caught: unknown) => caught);
      expect(BtError.isInstance(error) && error.code).toBe("TIMEOUT");
      const next = deferred<string>();
      const racedNext = watchdog.race(next.promise, 20, subject);
      hung.resolve("late");
      await new Promise((resolve) => setTimeout(resolve, 5));
      next.resolve("next");
      await expect(racedNext).resolves.toBe("next");
    } finally {
      watchdog.stop();
    }
  });
});
