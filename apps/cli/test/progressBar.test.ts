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

  it("formats a plain line with percentage, counts and ETA", () => {
    expect(formatProgressLine("sma BTCUSDT", 50, 200, 4000)).toBe(" 25.0% 50/200 ETA 0:12 sma BTCUSDT");
    expect(formatProgressLine("x", 0, 10, 0)).toBe("  0.0% 0/10 ETA --:-- x");
  });

  it("draws a cli-progress bar on a terminal and clears it at the end", async () => {
    const io = memoryIo(true);
    const reporter = await createProgressReporter(io, { redrawMs: 0 });
    reporter.update("run", 1, 10);
    reporter.update("run", 5, 10);
    reporter.finish();
    const output = io.errors.join("");
    expect(output).toMatch(/\[#{15}-{15}\] 50% 5\/10 ETA \S+ run/);
    // The bar is cleared, not left behind (no newline either: stdout stays untouched).
    expect(output.endsWith("\x1b[2K")).toBe(true);
    expect(output).not.toContain("\n");
  });

  it("prints plain lines under --json even on a terminal (no bar)", async () => {
    const io = memoryIo(true);
    const reporter = await createProgressReporter(io, { plain: true, now: () => 0 });
    reporter.update("run", 3, 10);
    reporter.finish();
    expect(io.errors.join("")).not.toContain("\x1b");
    expect(io.errors[0]).toMatch(/^progress {2}30\.0% 3\/10 /);
  });

  it("prints plain periodic lines when stderr is not a terminal", async () => {
    let now = 0;
    const io = memoryIo(false);
    const reporter = await createProgressReporter(io, { now: () => now, plainEveryMs: 5000 });
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
