// addOptimizer validation: every error names the field and the value, and registries are isolated.

import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { createOptimizer, type IOptimizerSchema } from "../src/index";
import { RANGE_TEST, RANGE_TRAIN, testSchema } from "./helpers";

function rejects(schema: IOptimizerSchema, message: RegExp | string, field: string): void {
  const { addOptimizer } = createOptimizer();
  let caught: unknown;
  try {
    addOptimizer(schema);
  } catch (error) {
    caught = error;
  }
  expect(BtError.isInstance(caught)).toBe(true);
  expect((caught as BtError).code).toBe("VALIDATION");
  expect((caught as BtError).field).toBe(field);
  expect((caught as Error).message).toMatch(message);
}

describe("addOptimizer validation", () => {
  it("names the field and the value", () => {
    rejects(
      testSchema({ optimizerName: " " }),
      'optimizerName must be a non-empty string (got " ")',
      "optimizerName",
    );
    rejects(
      testSchema({ rangeTrain: [] }),
      /rangeTrain of optimizer "jan" must hold at least one range \(got \[\]\)/,
      "rangeTrain",
    );
    rejects(
      testSchema({ rangeTrain: [{ startDate: new Date("2025-01-05"), endDate: new Date("2025-01-05") }] }),
      "rangeTrain[0].startDate must be before endDate 2025-01-05T00:00:00.000Z (got 2025-01-05T00:00:00.000Z)",
      "rangeTrain[0].startDate",
    );
    rejects(
      testSchema({ rangeTrain: [{ startDate: new Date("nope"), endDate: new Date("2025-01-05") }] }),
      "rangeTrain[0].startDate must be a valid Date (got Invalid Date)",
      "rangeTrain[0].startDate",
    );
    rejects(
      testSchema({
        rangeTest: { startDate: new Date("2025-01-03T00:00:00Z"), endDate: new Date("2025-01-04T00:00:00Z") },
      }),
      /rangeTest of optimizer "jan" overlaps rangeTrain\[0\] 2025-01-02T00:00:00.000Z … 2025-01-09T00:00:00.000Z \(first week\)/,
      "rangeTest",
    );
    rejects(testSchema({ source: [] }), /source of optimizer "jan" must hold at least one source/, "source");
    rejects(
      testSchema({ getPrompt: "write a strategy" as unknown as IOptimizerSchema["getPrompt"] }),
      'getPrompt must be a function (got "write a strategy")',
      "getPrompt",
    );
    rejects(
      testSchema({ metric: "profit" as unknown as IOptimizerSchema["metric"] }),
      /metric must be a walker metric .*got "profit"/,
      "metric",
    );
  });

  it("refuses a duplicate name, and registries do not share names", () => {
    const first = createOptimizer();
    first.addOptimizer(testSchema());
    expect(() => first.addOptimizer(testSchema())).toThrow(
      'optimizer: optimizerName "jan" is already registered',
    );
    const second = createOptimizer();
    second.addOptimizer(testSchema());
    expect(second.listOptimizers()).toEqual(["jan"]);
    expect(first.getOptimizer("jan")?.rangeTest).toBe(RANGE_TEST);
    expect(first.getOptimizer("jan")?.rangeTrain).toBe(RANGE_TRAIN);
  });
});
