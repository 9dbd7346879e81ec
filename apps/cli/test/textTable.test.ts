import { describe, expect, it } from "vitest";
import { renderTextTable } from "../src/textTable";

describe("renderTextTable", () => {
  it("pads columns to the widest cell, right-aligning where asked", () => {
    expect(
      renderTextTable(
        ["name", "n"],
        [
          ["a", "10"],
          ["long", "2"],
        ],
        [false, true],
      ),
    ).toBe(["name   n", "----  --", "a     10", "long   2"].join("\n"));
  });
});
