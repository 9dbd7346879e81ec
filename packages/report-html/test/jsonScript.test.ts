import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { equitySeries } from "../src/equitySeries";
import { escapeHtml } from "../src/escapeHtml";
import { jsonForScript } from "../src/jsonScript";

describe("jsonForScript", () => {
  it("writes nothing that can close the script or open markup, and parses back to the same value", () => {
    const value = {
      name: "</script><script>alert(1)</script>",
      comment: "<!-- x --> & </SCRIPT",
      separators: "a\u2028b\u2029c",
      numbers: [0, -1.5, 1e-12, 123456789.123],
      nested: { empty: null, flag: true },
    };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toContain("[0,-1.5,1e-12,123456789.123]");
  });

  it("throws instead of writing null for NaN or Infinity", () => {
    expect(() => jsonForScript({ value: Number.NaN })).toThrow(/finite number/);
    try {
      jsonForScript({ points: [1, Number.NEGATIVE_INFINITY] });
    } catch (error) {
      expect(BtError.isInstance(error) && error.code).toBe("VALIDATION");
    }
  });
});

describe("escapeHtml", () => {
  it("escapes the five markup characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("equitySeries", () => {
  it("measures drawdown in percent from the running peak and keeps the last point of each second", () => {
    const series = equitySeries(
      [
        { timeMs: 0, equity: 100 },
        { timeMs: 1000, equity: 120 },
        { timeMs: 2000, equity: 90 },
        { timeMs: 2500, equity: 96 },
        { timeMs: 3000, equity: 130 },
      ],
      "equity",
    );
    expect(series.equity).toEqual([
      { time: 0, value: 100 },
      { time: 1, value: 120 },
      { time: 2, value: 96 },
      { time: 3, value: 130 },
    ]);
    expect(series.drawdown.map((point) => point.value)).toEqual([0, 0, -20, 0]);
    expect(series.maxDrawdownPercent).toBe(25);
  });
});
