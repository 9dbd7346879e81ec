import { describe, expect, it } from "vitest";
import type { ICliIo } from "../src/cliIo";
import {
  createProgressReporter,
  estimateRemainingMs,
  formatDuration,
  formatProgressLine,
} from "../src/progressBar";

function memoryIo(stderrIsTty: boolean): ICliIo & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    stdout: { write: () => true },
    stderr: { write: (text: string) => errors.push(text) },
    stderrIsTty,
    columns: 100,
    cwd: "/",
    env: {},
  };
}

describe("progress", () => {
  it("estimates the time left from the rate so far", () => {
    expect(estimateRemainingMs(10_000, 25, 100)).toBe(30_000);
    expect(estimateRemainingMs(10_000, 0, 100)).toBeNull();
    expect(formatDuration(75_000)).toBe("1:15");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
  });

  it("formats a bar with percentage, counts and ETA", () => {
    expect(formatProgressLine("sma BTCUSDT", 50, 200, 4000, 10)).toBe(
      "[###-------]  25.0% 50/200 ETA 0:12 sma BTCUSDT",
    );
    expect(formatProgressLine("x", 0, 10, 0, 0)).toBe("  0.0% 0/10 ETA --:-- x");
  });

  it("redraws one terminal line and clears it at the end", () => {
    let now = 0;
    const io = memoryIo(true);
    const reporter = createProgressReporter(io, { now: () => now, redrawMs: 100 });
    reporter.update("run", 1, 10);
    now = 50;
    reporter.update("run", 2, 10); // throttled
    now = 200;
    reporter.update("run", 5, 10);
    reporter.finish();
    expect(io.errors).toHaveLength(3);
    expect(io.errors[0]?.startsWith("\r\x1b[2K[")).toBe(true);
    expect(io.errors[1]).toContain("5/10");
    expect(io.errors[2]).toBe("\r\x1b[2K");
  });

  it("prints plain periodic lines when stderr is not a terminal", () => {
    let now = 0;
    const io = memoryIo(false);
    const reporter = createProgressReporter(io, { now: () => now, plainEveryMs: 5000 });
    reporter.update("run", 1, 100);
    now = 1000;
    reporter.update("run", 20, 100);
    now = 6000;
    reporter.update("run", 60, 100);
    now = 7000;
    reporter.update("run", 100, 100);
    reporter.finish();
    expect(io.errors.map((line) => line.match(/\d+\/100/)?.[0])).toEqual(["1/100", "60/100", "100/100"]);
    expect(io.errors.every((line) => line.startsWith("progress ") && line.endsWith("\n"))).toBe(true);
  });
});
