// getData builds each training range's conversation without a model call: the system prompt, the
// sources read page by page (2.5 pages → 3 calls), default and overridden user/assistant messages,
// and the prompt of the range.

import { describe, expect, it } from "vitest";
import { createOptimizer, OPTIMIZER_SYSTEM_PROMPT, type OptimizerProgressEvent } from "../src/index";
import { pagedSource, RANGE_TRAIN, testSchema } from "./helpers";

describe("Optimizer.getData", () => {
  it("pages each source until a short page and builds system, user/assistant pairs and the prompt per range", async () => {
    const { addOptimizer, Optimizer } = createOptimizer();
    const numbers = pagedSource(25); // 2.5 pages of 10
    const custom = {
      ...pagedSource(2, "custom"),
      user: (symbol: string, rows: { n: number }[], name: string) =>
        `${name}/${symbol}: ${rows.map((row) => row.n).join(",")}`,
      assistant: (_symbol: string, rows: { n: number }[]) => `ok, ${rows.length} rows`,
    };
    addOptimizer(testSchema({ source: [numbers, custom] }));
    const events: OptimizerProgressEvent[] = [];
    const data = await Optimizer.getData("BTCUSDT", "jan", { onProgress: (event) => events.push(event) });

    expect(numbers.calls).toEqual([0, 10, 20, 0, 10, 20]); // 3 calls per range, two ranges
    expect(data).toHaveLength(2);
    const [first, second] = data;
    expect(first?.rangeIndex).toBe(0);
    expect(first?.range).toBe(RANGE_TRAIN[0]);
    expect(first?.messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(first?.messages[0]?.content).toBe(OPTIMIZER_SYSTEM_PROMPT);
    const defaultUser = first?.messages[1]?.content ?? "";
    expect(defaultUser).toContain(
      "numbers of BTCUSDT for 2025-01-02T00:00:00.000Z … 2025-01-09T00:00:00.000Z (first week) (25 rows)",
    );
    expect(defaultUser).toContain('{"n":24}');
    expect(first?.messages[2]?.content).toBe(
      "Read numbers of BTCUSDT for 2025-01-02T00:00:00.000Z … 2025-01-09T00:00:00.000Z (first week).",
    );
    expect(first?.messages[3]?.content).toBe("custom/BTCUSDT: 0,1");
    expect(first?.messages[4]?.content).toBe("ok, 2 rows");
    expect(first?.prompt).toBe("Write one strategy idea for BTCUSDT trained on first week.");
    expect(second?.prompt).toBe("Write one strategy idea for BTCUSDT trained on second week.");
    expect(events.filter((event) => event.kind === "fetch")).toContainEqual(
      expect.objectContaining({ kind: "fetch", source: "numbers", rangeIndex: 1, rows: 25, pages: 3 }),
    );
  });

  it("gives getPrompt the data messages and uses the schema's system prompt", async () => {
    const { addOptimizer, Optimizer } = createOptimizer();
    const seen: number[] = [];
    addOptimizer(
      testSchema({
        systemPrompt: "custom system",
        getPrompt: (_symbol, messages) => {
          seen.push(messages.length);
          return "go";
        },
      }),
    );
    const data = await Optimizer.getData("ETHUSDT", "jan");
    expect(seen).toEqual([3, 3]);
    expect(data[0]?.messages[0]).toEqual({ role: "system", content: "custom system" });
  });

  it("names an unknown optimizer and the registered ones", async () => {
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    await expect(Optimizer.getData("BTCUSDT", "feb")).rejects.toThrow(
      'optimizer: no optimizer named "feb" (registered: jan)',
    );
  });
});
