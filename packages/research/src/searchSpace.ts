// The search space of a study: per parameter an integer or float range (optionally stepped or on a log
// scale) or a list of choices. parseSearchSpace checks a user's file and names the bad field and value.

import { BtError, describeValue } from "@bt/core";

/** A parameter value: survives JSON and structured clone unchanged. */
export type ParamValue = number | string | boolean;

/** One parameter set, e.g. `{ fast: 5, slow: 20 }`. */
export type ParamSet = Readonly<Record<string, ParamValue>>;

/** How one parameter is searched. */
export type ParamSpec =
  | { type: "int"; low: number; high: number; step?: number; log?: boolean }
  | { type: "float"; low: number; high: number; step?: number; log?: boolean }
  | { type: "categorical"; choices: ReadonlyArray<ParamValue> };

/** Every parameter of a study, in the order used for strategy names. */
export type SearchSpace = Readonly<Record<string, ParamSpec>>;

function fail(field: string, expected: string, value: unknown): never {
  throw new BtError("VALIDATION", `${field} must be ${expected}, got ${describeValue(value)}`, {
    field,
    value,
  });
}

function parseSpec(field: string, input: unknown): ParamSpec {
  if (Array.isArray(input)) input = { type: "categorical", choices: input };
  if (typeof input !== "object" || input === null) {
    fail(field, 'an object like { "type": "int", "low": 2, "high": 50 } or a list of choices', input);
  }
  const spec = input as Record<string, unknown>;
  const type = spec.type;
  if (type === "categorical") {
    const choices = spec.choices;
    if (!Array.isArray(choices) || choices.length === 0)
      fail(`${field}.choices`, "a non-empty list", choices);
    choices.forEach((choice, index) => {
      if (
        !["number", "string", "boolean"].includes(typeof choice) ||
        (typeof choice === "number" && !Number.isFinite(choice))
      ) {
        fail(`${field}.choices[${index}]`, "a finite number, a string or a boolean", choice);
      }
    });
    if (new Set(choices.map((choice) => `${typeof choice}:${String(choice)}`)).size !== choices.length) {
      fail(`${field}.choices`, "a list without repeated values", choices);
    }
    return { type, choices: [...(choices as ParamValue[])] };
  }
  if (type !== "int" && type !== "float") fail(`${field}.type`, '"int", "float" or "categorical"', type);
  const { low, high, step, log } = spec;
  const integer = type === "int";
  const isNumber = (value: unknown): value is number =>
    typeof value === "number" && Number.isFinite(value) && (!integer || Number.isInteger(value));
  const kind = integer ? "an integer" : "a finite number";
  if (!isNumber(low)) fail(`${field}.low`, kind, low);
  if (!isNumber(high)) fail(`${field}.high`, kind, high);
  if (!(high > low)) fail(`${field}.high`, `greater than low (${low})`, high);
  if (step !== undefined && (!isNumber(step) || step <= 0)) fail(`${field}.step`, `${kind} > 0`, step);
  if (log !== undefined && typeof log !== "boolean") fail(`${field}.log`, "true or false", log);
  if (log === true && low <= 0) fail(`${field}.low`, "> 0 with log: true", low);
  if (log === true && step !== undefined) fail(`${field}.step`, "absent with log: true", step);
  return {
    type,
    low,
    high,
    ...(step === undefined ? {} : { step: step as number }),
    ...(log === true ? { log: true } : {}),
  };
}

/**
 * Checks a search space read from a user's file (`source` names it in errors); a bare list is a
 * categorical parameter.
 * @throws BtError VALIDATION naming the field and the value.
 * @example parseSearchSpace({ fast: { type: "int", low: 2, high: 30 }, side: ["long", "short"] });
 */
export function parseSearchSpace(input: unknown, source = "space"): SearchSpace {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    fail(source, "an object of parameters", input);
  }
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length === 0) fail(source, "an object with at least one parameter", input);
  return Object.fromEntries(entries.map(([name, spec]) => [name, parseSpec(`${source}.${name}`, spec)]));
}

/** The finite list of values of a parameter, or null for a continuous one (a float without step). */
export function gridValues(spec: ParamSpec): ParamValue[] | null {
  if (spec.type === "categorical") return [...spec.choices];
  const step = spec.step ?? (spec.type === "int" ? 1 : undefined);
  if (step === undefined) return null;
  const values: number[] = [];
  const count = Math.floor((spec.high - spec.low) / step + 1e-9);
  for (let i = 0; i <= count; i++) values.push(Number((spec.low + i * step).toPrecision(12)));
  return values;
}

/** The number of combinations of a space, or null when a parameter is continuous. */
export function gridSize(space: SearchSpace): number | null {
  let size = 1;
  for (const spec of Object.values(space)) {
    const values = gridValues(spec);
    if (values === null) return null;
    size *= values.length;
  }
  return size;
}
