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

  it("applies offsets and checks every field against the calendar and the clock", () => {
    expect(parseDate("--from", "2025-01-01T12:00-0330")).toBe(Date.UTC(2025, 0, 1, 15, 30));
    expect(parseDate("--from", "2024-02-29")).toBe(Date.UTC(2024, 1, 29));
    expect(parseDate("--from", "2025-01-01T23:59:59.5Z")).toBe(Date.UTC(2025, 0, 1, 23, 59, 59, 500));
  });

  it.each([
    "2025-13-01",
    "2025-02-30",
    "2025-02-30T10:00+00:00",
    "2025-02-29",
    "2025-04-31T00:00Z",
    "2025-01-01T24:00",
    "2025-01-01T10:60",
    "2025-01-01T10:00:60Z",
    "2025-01-01T10:00+25:00",
    "2025-01-01T10:00+05:75",
    "yesterday",
    "",
    "1735689600000",
    "2025/01/01",
  ])("rejects %j as bad input (exit 2) naming the option", (text) => {
    let caught: unknown;
    try {
      parseDate("--from", text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).exitCode).toBe(2);
    expect((caught as CliError).message).toContain(`bad --from date ${JSON.stringify(text)}`);
  });
});
