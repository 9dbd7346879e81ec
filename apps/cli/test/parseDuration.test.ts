import { describe, expect, it } from "vitest";
import { parseDuration, TIMEOUT_UNITS } from "../src/parseDuration";

describe("parseDuration", () => {
  it("reads minutes, hours, days and weeks", () => {
    expect(parseDuration("--test", "90m")).toBe(90 * 60_000);
    expect(parseDuration("--test", "12h")).toBe(12 * 3_600_000);
    expect(parseDuration("--train", "7d")).toBe(7 * 86_400_000);
    expect(parseDuration("--train", "1.5d")).toBe(36 * 3_600_000);
    expect(parseDuration("--train", "2w")).toBe(14 * 86_400_000);
  });

  it("reads milliseconds, seconds and minutes with the timeout units", () => {
    expect(parseDuration("--timeout", "500ms", TIMEOUT_UNITS)).toBe(500);
    expect(parseDuration("--timeout", "30s", TIMEOUT_UNITS)).toBe(30_000);
    expect(parseDuration("--timeout", "5m", TIMEOUT_UNITS)).toBe(300_000);
    for (const text of ["soon", "5h", "0s", "30"]) {
      expect(() => parseDuration("--timeout", text, TIMEOUT_UNITS)).toThrow(
        `bad --timeout ${JSON.stringify(text)}: not a duration`,
      );
    }
  });

  it("names the flag and the value of a bad duration", () => {
    for (const text of ["7", "d", "0d", "-1d", "7y", "", "7 days"]) {
      expect(() => parseDuration("--train", text)).toThrow(`bad --train ${JSON.stringify(text)}`);
    }
  });
});
