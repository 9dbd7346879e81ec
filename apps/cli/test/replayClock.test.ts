import { describe, expect, it } from "vitest";
import { CliError, EXIT_BAD_INPUT } from "../src/cliError";
import { createReplayClock, parseReplaySpeed } from "../src/replayClock";

const START_MS = Date.UTC(2025, 0, 2);

describe("createReplayClock", () => {
  it("moves only by its sleeps, paced at `speed` times real time", async () => {
    const clock = createReplayClock(START_MS, 1_000);
    expect(clock.now()).toBe(START_MS);
    const started = Date.now();
    await clock.sleep(200_000);
    expect(clock.now()).toBe(START_MS + 200_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("never skips time when processing falls behind: a late sleep returns at once and advances exactly ms", async () => {
    let realMs = 0;
    const clock = createReplayClock(START_MS, 60, () => realMs);
    realMs = 10_000; // ten real seconds of work: ten replay minutes late
    const started = Date.now();
    await clock.sleep(60_000);
    await clock.sleep(60_000);
    expect(clock.now()).toBe(START_MS + 120_000);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("an aborted sleep ends at once and leaves the time where it was", async () => {
    const clock = createReplayClock(START_MS, 1);
    const abort = new AbortController();
    const started = Date.now();
    const sleeping = clock.sleep(3_600_000, abort.signal);
    setTimeout(() => abort.abort(), 20);
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(clock.now()).toBe(START_MS);
  });

  it("max advances the time by each sleep without waiting (the engine's simulated clock)", async () => {
    const clock = createReplayClock(START_MS, "max");
    const started = Date.now();
    await clock.sleep(86_400_000);
    expect(clock.now()).toBe(START_MS + 86_400_000);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("parseReplaySpeed", () => {
  it("reads positive factors and max", () => {
    expect(parseReplaySpeed("60")).toBe(60);
    expect(parseReplaySpeed("0.5")).toBe(0.5);
    expect(parseReplaySpeed("MAX")).toBe("max");
  });

  it.each(["0", "-5", "fast", "", "1e3", "2000000"])("rejects %j as bad input naming --speed", (text) => {
    let caught: unknown;
    try {
      parseReplaySpeed(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).exitCode).toBe(EXIT_BAD_INPUT);
    expect((caught as CliError).message).toBe(`bad --speed ${JSON.stringify(text)}`);
  });
});
