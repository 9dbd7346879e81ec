// Validation of an optimizer schema before it is registered: every message names the field and the
// value (empty name, no training range, start >= end, a test range overlapping a training one …).

import { BtError, describeValue, isWalkerMetric } from "@bt/core";
import { describeRange, type IOptimizerRange } from "./optimizerRange";
import type { IOptimizerSchema } from "./optimizerSchema";

function fail(field: string, value: unknown, message: string): never {
  throw new BtError("VALIDATION", `optimizer: ${field} ${message} (got ${describeValue(value)})`, {
    field,
    value,
  });
}

function checkRange(field: string, range: IOptimizerRange | undefined): asserts range is IOptimizerRange {
  if (range === null || typeof range !== "object")
    fail(field, range, "must be a range { startDate, endDate }");
  for (const key of ["startDate", "endDate"] as const) {
    const date = range[key];
    if (!(date instanceof Date) || Number.isNaN(date.getTime()))
      fail(`${field}.${key}`, date, "must be a valid Date");
  }
  if (range.startDate.getTime() >= range.endDate.getTime()) {
    fail(`${field}.startDate`, range.startDate, `must be before endDate ${range.endDate.toISOString()}`);
  }
}

function overlaps(a: IOptimizerRange, b: IOptimizerRange): boolean {
  return a.startDate.getTime() < b.endDate.getTime() && b.startDate.getTime() < a.endDate.getTime();
}

/**
 * Checks an optimizer schema.
 * @throws BtError VALIDATION naming the field and the value.
 */
export function validateOptimizerSchema(schema: IOptimizerSchema): void {
  if (schema === null || typeof schema !== "object") fail("schema", schema, "must be an object");
  if (typeof schema.optimizerName !== "string" || schema.optimizerName.trim() === "") {
    fail("optimizerName", schema.optimizerName, "must be a non-empty string");
  }
  const name = schema.optimizerName;
  if (!Array.isArray(schema.rangeTrain) || schema.rangeTrain.length === 0) {
    fail("rangeTrain", schema.rangeTrain, `of optimizer "${name}" must hold at least one range`);
  }
  for (const [index, range] of schema.rangeTrain.entries()) checkRange(`rangeTrain[${index}]`, range);
  checkRange("rangeTest", schema.rangeTest);
  schema.rangeTrain.forEach((range, index) => {
    if (overlaps(range, schema.rangeTest)) {
      fail(
        "rangeTest",
        describeRange(schema.rangeTest),
        `of optimizer "${name}" overlaps rangeTrain[${index}] ${describeRange(range)}: the strategies would be compared on data they were trained on`,
      );
    }
  });
  if (!Array.isArray(schema.source) || schema.source.length === 0) {
    fail("source", schema.source, `of optimizer "${name}" must hold at least one source`);
  }
  schema.source.forEach((source, index) => {
    if (source === null || typeof source !== "object") fail(`source[${index}]`, source, "must be an object");
    if (typeof source.name !== "string" || source.name.trim() === "") {
      fail(`source[${index}].name`, source.name, "must be a non-empty string");
    }
    if (typeof source.fetch !== "function")
      fail(`source[${index}].fetch`, source.fetch, "must be a function");
    for (const key of ["user", "assistant"] as const) {
      if (source[key] !== undefined && typeof source[key] !== "function") {
        fail(`source[${index}].${key}`, source[key], "must be a function when given");
      }
    }
  });
  if (typeof schema.getPrompt !== "function") fail("getPrompt", schema.getPrompt, "must be a function");
  if (schema.metric !== undefined && !isWalkerMetric(schema.metric)) {
    fail("metric", schema.metric, 'must be a walker metric such as "sharpeRatio"');
  }
  if (schema.pageLimit !== undefined && (!Number.isInteger(schema.pageLimit) || schema.pageLimit <= 0)) {
    fail("pageLimit", schema.pageLimit, "must be a positive integer");
  }
  if (schema.template !== undefined) {
    for (const [key, part] of Object.entries(schema.template)) {
      if (part !== undefined && typeof part !== "function")
        fail(`template.${key}`, part, "must be a function");
    }
  }
}
