import { describe, expect, it } from "vitest";
import { CliError } from "../src/cliError";
import { parseDate } from "../src/parseDate";

describe("parseDate", () => {
  it("reads days as UTC midnight and zone-less times as UTC", () => {
    expect(parseDate("--from", "2025-01-01")).toBe(Date.UTC(2025, 0, 1));
    expect(parseDate("--from", "2025-01-01T12:30")).toBe(Date.UTC(2025, 0, 1, 12, 30));
    expect(parseDate("--from", "2025-01-01 12:30:15")).toBe(Date.UTC(2025, 0, 1, 12, 30, 15));
    expect(parseDate("--to", "2025-01-01T12:00+02:00")).toBe(Date.UTC(2025, 0, 1, 10));
    expect(parseDate("--to", "2025-01-01T00:05Z")).toBe(Date.UTC(2025, 0, 1, 0, 5));
  });

  it.each(["2025-13-01", "2025-02-30", "yesterday", "", "1735689600000", "2025/01/01"])(
    "rejects %j as bad input (exit 2) naming the option",
    (text) => {
      let caught: unknown;
      try {
        parseDate("--from", text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CliError);
      expect((caught as CliError).exitCode).toBe(2);
      expect((caught as CliError).message).toContain("--from");
    },
  );
});
