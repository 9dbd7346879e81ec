// The answer contract: one fenced block, one object literal, no forbidden constructs; the properties
// are kept for splicing (strategyName and note taken out), and the missing-ollama message is clear.

import { describe, expect, it } from "vitest";
import { missingPackageMessage, OptimizerError, parseStrategyAnswer } from "../src/index";
import { loadOllama } from "../src/ollamaProvider";
import { BREAKOUT_IDEA, fenced } from "./helpers";

async function reasonOf(answer: string): Promise<string> {
  const parsed = await parseStrategyAnswer(answer);
  if (parsed.ok) throw new Error("expected a rejection");
  return parsed.reason;
}

describe("parseStrategyAnswer", () => {
  it("accepts one ts block with one object literal and splits its properties", async () => {
    const parsed = await parseStrategyAnswer(fenced(BREAKOUT_IDEA));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.note).toBe("breakout above the 20-candle high");
    expect(parsed.properties.map((property) => property.split(":")[0])).toEqual([
      "interval",
      "warmupCandles",
      "getSignal",
    ]);
    expect(parsed.properties[2]).toMatch(/^getSignal: async \(symbol\) => \{\n {2}const candles/);
    expect(parsed.code.startsWith("{")).toBe(true);
    // The file names the strategy itself: a strategyName of the model's is dropped, not duplicated.
    const named = await parseStrategyAnswer(
      fenced(BREAKOUT_IDEA.replace("{\n", '{\n  strategyName: "mine",\n')),
    );
    expect(named.ok && named.properties.some((property) => property.startsWith("strategyName"))).toBe(false);
  });

  it("rejects a missing block, several blocks, an empty block and a non-literal", async () => {
    expect(await reasonOf("I would buy low and sell high.")).toMatch(/^no code block/);
    expect(await reasonOf(`${fenced("{ a: 1 }")}\n${fenced("{ b: 2 }")}`)).toMatch(/^2 code blocks/);
    expect(await reasonOf("```ts\n```")).toBe("the code block is empty");
    expect(await reasonOf(fenced("const strategy = { interval: '15m' };"))).toMatch(
      /must be one object-literal expression, found statements|syntax error/,
    );
    expect(await reasonOf(fenced("[1, 2]"))).toBe(
      "the code block must be one object-literal expression, found ArrayLiteralExpression",
    );
  });

  it("reports syntax errors with their line", async () => {
    const parsed = await parseStrategyAnswer(
      fenced("{ interval: '15m', getSignal: async (symbol) => { return null }"),
    );
    expect(parsed).toMatchObject({ ok: false, reason: "syntax error in the code block" });
    if (!parsed.ok) expect(parsed.diagnostics[0]).toMatch(/^line \d+: ',' expected/);
  });

  it("rejects forbidden constructs naming them, but not property names", async () => {
    expect(await reasonOf(fenced(`import fs from "node:fs";\n${BREAKOUT_IDEA}`))).toMatch(
      /^forbidden construct: import/,
    );
    expect(await reasonOf(fenced(BREAKOUT_IDEA.replace("return null;", "process.exit(1);")))).toMatch(
      /^forbidden construct: process/,
    );
    expect(
      await reasonOf(
        fenced(BREAKOUT_IDEA.replace("return null;", 'await fetch("http://x"); eval("1"); return null;')),
      ),
    ).toMatch(/^forbidden constructs: eval, fetch/);
    expect(
      await reasonOf(fenced(BREAKOUT_IDEA.replace("return null;", 'await import("node:fs"); return null;'))),
    ).toMatch(/import/);
    expect(
      await reasonOf(
        fenced(BREAKOUT_IDEA.replace("return null;", "globalThis.x = 1; new Function('')(); return null;")),
      ),
    ).toBe(
      "forbidden constructs: Function, globalThis (a strategy may use only getCandles, getCandleColumns, getAveragePrice and plain JavaScript)",
    );
    const withProperty = await parseStrategyAnswer(
      fenced(BREAKOUT_IDEA.replace('interval: "15m",', 'interval: "15m", meta: { process: 1 },')),
    );
    expect(withProperty.ok).toBe(true);
  });
});

describe("missing ollama", () => {
  it("names the package and the install command", async () => {
    expect(missingPackageMessage("ollama", "ollama")).toBe(
      '@bt/optimizer: the ollama provider needs the "ollama" package, which is not installed; install it with `npm i ollama` (or `pnpm add ollama`)',
    );
    const notFound = Object.assign(new Error("Cannot find package 'ollama'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const error = await loadOllama(() => Promise.reject(notFound)).catch((caught: unknown) => caught);
    expect(OptimizerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "MISSING_DEPENDENCY",
      field: "provider.kind",
      value: "ollama",
      cause: notFound,
    });
    expect((error as Error).message).toContain("npm i ollama");
    // Any other import failure is not hidden behind the install hint.
    const other = new Error("syntax error in ollama");
    await expect(loadOllama(() => Promise.reject(other))).rejects.toBe(other);
  });
});
