import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
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
    let caught: unknown;
    try {
      jsonForScript({ points: [1, Number.NEGATIVE_INFINITY] });
    } catch (error) {
      caught = error;
    }
    expect(BtError.isInstance(caught) && caught.code).toBe("VALIDATION");
  });
});

describe("escapeHtml", () => {
  it("escapes the five markup characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
