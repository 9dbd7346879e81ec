// Parameter grids: the cartesian product of every key's candidate values, first key varying slowest
// (like itertools.product), and the normalisation of "a grid or an explicit list" into parameter sets.

import { BtError, describeValue } from "@bt/core";
import type { SweepGrid, SweepParamValue } from "./sweepTypes";

function checkValue(where: string, key: string, value: unknown): SweepParamValue {
  if (
    (typeof value === "number" && Number.isFinite(value)) ||
    typeof value === "string" ||
    typeof value === "boolean"
  ) {
    return value;
  }
  throw new BtError(
    "VALIDATION",
    `${where}: parameter ${describeValue(key)} must be a finite number, a string or a boolean, got ${describeValue(value)}`,
    { field: key, value },
  );
}

/**
 * Every combination of the grid, first key varying slowest; an empty grid gives one empty set.
 * @throws BtError VALIDATION when a key has no values, a duplicate value, or a value that is not a finite number, string or boolean.
 * @example expandGrid({ fast: [5, 10], slow: [20, 50] }) // [{fast:5,slow:20},{fast:5,slow:50},{fast:10,slow:20},{fast:10,slow:50}]
 */
export function expandGrid<G extends SweepGrid>(grid: G): Array<{ [K in keyof G]: G[K][number] }> {
  if (typeof grid !== "object" || grid === null || Array.isArray(grid)) {
    throw new BtError(
      "VALIDATION",
      `expandGrid: the grid must be an object of arrays, got ${describeValue(grid)}`,
      {
        field: "grid",
        value: grid,
      },
    );
  }
  let combinations: Array<Record<string, SweepParamValue>> = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new BtError(
        "VALIDATION",
        `expandGrid: ${describeValue(key)} must be a non-empty array of values, got ${describeValue(values)}`,
        { field: key, value: values },
      );
    }
    const checked = values.map((value) => checkValue("expandGrid", key, value));
    if (new Set(checked).size !== checked.length) {
      throw new BtError("VALIDATION", `expandGrid: ${describeValue(key)} lists a value twice`, {
        field: key,
        value: values,
      });
    }
    const next: Array<Record<string, SweepParamValue>> = [];
    for (const combination of combinations) {
      for (const value of checked) next.push({ ...combination, [key]: value });
    }
    combinations = next;
  }
  return combinations as Array<{ [K in keyof G]: G[K][number] }>;
}

/**
 * The parameter sets of a sweep: a grid is expanded, a list is validated and kept in order.
 * @throws BtError VALIDATION for an empty list or invalid values.
 */
export function toParamSets<P extends object>(params: SweepGrid | ReadonlyArray<P>): P[] {
  if (!Array.isArray(params)) return expandGrid(params as SweepGrid) as unknown as P[];
  if (params.length === 0) {
    throw new BtError("VALIDATION", "sweep: the list of parameter sets is empty", {
      field: "params",
      value: params,
    });
  }
  return params.map((set: unknown, index) => {
    if (typeof set !== "object" || set === null || Array.isArray(set)) {
      throw new BtError(
        "VALIDATION",
        `sweep: params[${index}] must be an object of parameter values, got ${describeValue(set)}`,
        { field: `params[${index}]`, value: set },
      );
    }
    for (const [key, value] of Object.entries(set)) checkValue(`sweep: params[${index}]`, key, value);
    return set as P;
  });
}
