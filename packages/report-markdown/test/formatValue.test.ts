import {
  escapeCell,
  formatMinutes,
  formatPercent,
  formatPrice,
  formatRatio,
  formatTime,
  NOT_AVAILABLE,
} from "@bt/report-markdown";
import { describe, expect, it } from "vitest";

describe("value formatting", () => {
  it("prints percentages, ratios and minutes with fixed decimals and no negative zero", () => {
    expect(formatPercent(12.345)).toBe("12.35%");
    expect(formatPercent(-0.001)).toBe("0.00%");
    expect(formatPercent(-0.7)).toBe("-0.70%");
    expect(formatRatio(1.23456)).toBe("1.235");
    expect(formatRatio(-0.0001)).toBe("0.000");
    expect(formatMinutes(90)).toBe("90.0 min");
  });

  it("prints N/A for null and non-finite values", () => {
    for (const format of [formatPercent, formatRatio, formatMinutes, formatPrice, formatTime]) {
      expect(format(null)).toBe(NOT_AVAILABLE);
      expect(format(Number.NaN)).toBe("N/A");
      expect(format(Number.POSITIVE_INFINITY)).toBe("N/A");
    }
  });

  it("chooses price decimals by magnitude", () => {
    expect(formatPrice(60000.123)).toBe("60000.12");
    expect(formatPrice(99.3)).toBe("99.3000");
    expect(formatPrice(100)).toBe("100.0000");
    expect(formatPrice(1.084321)).toBe("1.0843");
    expect(formatPrice(0.123456789)).toBe("0.123457");
    expect(formatPrice(0.00001234)).toBe("0.0000123400");
  });

  it("prints ISO 8601 UTC times", () => {
    expect(formatTime(Date.UTC(2025, 1, 3, 4, 5, 6))).toBe("2025-02-03T04:05:06.000Z");
  });

  it("escapes pipes, backslashes and every kind of line break", () => {
    expect(escapeCell("a|b")).toBe("a\\|b");
    expect(escapeCell("x\\y")).toBe("x\\\\y");
    expect(escapeCell("1\n2\r\n3\r4")).toBe("1<br>2<br>3<br>4");
  });
});
