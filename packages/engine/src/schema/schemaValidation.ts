// Validation of the schemas users register: every problem becomes a BtError("SCHEMA") naming the
// registration function, the schema and the field. Names referenced between schemas (riskName,
// walker strategies, ...) are checked when a run starts, see resolveRun.ts.

import {
  BtError,
  CANDLE_INTERVALS,
  describeValue,
  type IExchangeSchema,
  type IFrameSchema,
  type IRiskSchema,
  type ISizingSchema,
  type IStrategySchema,
  type IWalkerSchema,
  isCandleInterval,
  isWalkerMetric,
  WALKER_METRICS,
} from "@bt/core";

const STRATEGY_CALLBACKS = ["onTick", "onOpen", "onActive", "onIdle", "onClose", "onSchedule", "onCancel"];

type Bag = Record<string, unknown>;

/** Edit distance of two short strings (insert, delete, substitute, swap of neighbours: 1 each). */
function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const here = table[row] as number[];
      const above = table[row - 1] as number[];
      let best = Math.min(
        (above[column] as number) + 1,
        (here[column - 1] as number) + 1,
        (above[column - 1] as number) + cost,
      );
      if (
        row > 1 &&
        column > 1 &&
        left[row - 1] === right[column - 2] &&
        left[row - 2] === right[column - 1]
      ) {
        best = Math.min(best, ((table[row - 2] as number[])[column - 2] as number) + 1);
      }
      here[column] = best;
    }
  }
  return (table[rows - 1] as number[])[columns - 1] as number;
}

/**
 * The allowed name closest to `name` when it is a plausible typo (distance ≤ 1/3 of its length, at
 * least 1, or the same letters in another case), else undefined.
 */
export function closestName(name: string, allowed: ReadonlyArray<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const distance =
      candidate.toLowerCase() === name.toLowerCase()
        ? 0
        : editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** " (did you mean x?)" for a typo of an allowed name, else the list of allowed names. */
export function unknownNameHint(name: string, allowed: ReadonlyArray<string>): string {
  const closest = closestName(name, allowed);
  return closest === undefined ? `allowed: ${allowed.join(", ")}` : `did you mean ${closest}?`;
}

const EXCHANGE_KEYS = [
  "exchangeName",
  "note",
  "timeoutMs",
  "getCandles",
  "getCandleColumns",
  "formatPrice",
  "formatQuantity",
];
const STRATEGY_KEYS = [
  "strategyName",
  "interval",
  "getSignal",
  "callbacks",
  "riskName",
  "sizingName",
  "getSignalTimeoutMs",
  "warmupCandles",
  "note",
];
const FRAME_KEYS = ["frameName", "interval", "startDate", "endDate", "note"];
const RISK_KEYS = ["riskName", "validations", "note", "callbacks"];
const SIZING_KEYS = [
  "sizingName",
  "note",
  "method",
  "riskPercentage",
  "atrMultiplier",
  "kellyMultiplier",
  "maxPositionPercentage",
  "minPositionSize",
  "maxPositionSize",
];
const WALKER_KEYS = ["walkerName", "strategies", "exchangeName", "frameName", "metric", "note"];

class SchemaChecker {
  constructor(
    private readonly fn: string,
    private readonly kind: string,
    private readonly name: string,
  ) {}

  fail(field: string, value: unknown, message: string): never {
    throw new BtError("SCHEMA", `${this.fn}: ${this.kind} ${describeValue(this.name)}: ${field} ${message}`, {
      field,
      value,
    });
  }

  /**
   * Refuses a key the schema does not have (a typo would silently drop a setting such as riskName).
   * `typosOnly`: only keys close to a known field are refused (exchange adapters carry their own members).
   */
  knownKeys(schema: Bag, allowed: ReadonlyArray<string>, typosOnly = false): void {
    for (const key of Object.keys(schema)) {
      if (!allowed.includes(key) && (!typosOnly || closestName(key, allowed) !== undefined)) {
        this.fail(key, schema[key], `is not a ${this.kind} schema field (${unknownNameHint(key, allowed)})`);
      }
    }
  }

  functionField(schema: Bag, field: string, required: boolean): void {
    const value = schema[field];
    if (value === undefined && !required) return;
    if (typeof value !== "function") this.fail(field, value, `must be a function, got ${typeName(value)}`);
  }

  stringField(schema: Bag, field: string, required: boolean): void {
    const value = schema[field];
    if (value === undefined && !required) return;
    if (typeof value !== "string" || value.length === 0) {
      this.fail(field, value, `must be a non-empty string, got ${describeValue(value)}`);
    }
  }

  intervalField(schema: Bag, field: string): void {
    const value = schema[field];
    if (!isCandleInterval(value)) {
      this.fail(field, value, `must be one of ${CANDLE_INTERVALS.join(", ")}, got ${describeValue(value)}`);
    }
  }

  numberField(
    schema: Bag,
    field: string,
    required: boolean,
    min: number,
    max: number,
    minOpen: boolean,
  ): void {
    const value = schema[field];
    if (value === undefined && !required) return;
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (minOpen ? value > min : value >= min) &&
      value <= max;
    if (!ok) {
      const range = `${minOpen ? "(" : "["}${min}, ${max === Number.POSITIVE_INFINITY ? "∞)" : `${max}]`}`;
      this.fail(field, value, `must be a number in ${range}, got ${describeValue(value)}`);
    }
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? describeValue(value) : typeof value;
}

function schemaObject(fn: string, kind: string, schema: unknown, nameField: string): Bag {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new BtError("SCHEMA", `${fn}: expects a ${kind} schema object, got ${describeValue(schema)}`, {
      value: schema,
    });
  }
  const bag = schema as Bag;
  const name = bag[nameField];
  if (typeof name !== "string" || name.length === 0) {
    throw new BtError(
      "SCHEMA",
      `${fn}: ${nameField} must be a non-empty string, got ${describeValue(name)}`,
      {
        field: nameField,
        value: name,
      },
    );
  }
  return bag;
}

/** @throws BtError SCHEMA naming the exchange and the field. */
export function checkExchangeSchema(schema: IExchangeSchema): void {
  const bag = schemaObject("addExchange", "exchange", schema, "exchangeName");
  const check = new SchemaChecker("addExchange", "exchange", schema.exchangeName);
  check.knownKeys(bag, EXCHANGE_KEYS, true);
  check.functionField(bag, "getCandles", true);
  check.functionField(bag, "formatPrice", false);
  check.functionField(bag, "formatQuantity", false);
  check.numberField(bag, "timeoutMs", false, 1, Number.POSITIVE_INFINITY, false);
}

/** @throws BtError SCHEMA naming the strategy and the field. */
export function checkStrategySchema(schema: IStrategySchema): void {
  const bag = schemaObject("addStrategy", "strategy", schema, "strategyName");
  const check = new SchemaChecker("addStrategy", "strategy", schema.strategyName);
  check.knownKeys(bag, STRATEGY_KEYS);
  check.intervalField(bag, "interval");
  check.functionField(bag, "getSignal", true);
  check.stringField(bag, "riskName", false);
  check.stringField(bag, "sizingName", false);
  check.numberField(bag, "getSignalTimeoutMs", false, 1, Number.POSITIVE_INFINITY, false);
  const warmupCandles = bag.warmupCandles;
  if (
    warmupCandles !== undefined &&
    !(Number.isSafeInteger(warmupCandles) && (warmupCandles as number) >= 0)
  ) {
    check.fail("warmupCandles", warmupCandles, `must be an integer ≥ 0, got ${describeValue(warmupCandles)}`);
  }
  const callbacks = bag.callbacks;
  if (callbacks !== undefined) {
    if (typeof callbacks !== "object" || callbacks === null) {
      check.fail("callbacks", callbacks, `must be an object, got ${typeName(callbacks)}`);
    }
    for (const [key, value] of Object.entries(callbacks as Bag)) {
      if (!STRATEGY_CALLBACKS.includes(key)) {
        check.fail(
          `callbacks.${key}`,
          value,
          `is not a strategy callback (${STRATEGY_CALLBACKS.join(", ")})`,
        );
      }
      if (value !== undefined && typeof value !== "function") {
        check.fail(`callbacks.${key}`, value, `must be a function, got ${typeName(value)}`);
      }
    }
  }
}

/** @throws BtError SCHEMA naming the frame and the field (bad interval, invalid dates, endDate ≤ startDate). */
export function checkFrameSchema(schema: IFrameSchema): void {
  const bag = schemaObject("addFrame", "frame", schema, "frameName");
  const check = new SchemaChecker("addFrame", "frame", schema.frameName);
  check.knownKeys(bag, FRAME_KEYS);
  check.intervalField(bag, "interval");
  for (const field of ["startDate", "endDate"]) {
    const value = bag[field];
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      check.fail(field, value, `must be a valid Date, got ${describeValue(value)}`);
    }
  }
  if (schema.endDate.getTime() <= schema.startDate.getTime()) {
    check.fail(
      "endDate",
      schema.endDate,
      `(${schema.endDate.toISOString()}) must be after startDate (${schema.startDate.toISOString()})`,
    );
  }
}

/** @throws BtError SCHEMA naming the risk profile and the field. */
export function checkRiskSchema(schema: IRiskSchema): void {
  const bag = schemaObject("addRisk", "risk", schema, "riskName");
  const check = new SchemaChecker("addRisk", "risk", schema.riskName);
  check.knownKeys(bag, RISK_KEYS);
  const validations = bag.validations;
  if (!Array.isArray(validations)) {
    check.fail("validations", validations, `must be an array, got ${typeName(validations)}`);
  }
  (validations as unknown[]).forEach((validation: unknown, index: number) => {
    const ok =
      typeof validation === "function" ||
      (typeof validation === "object" &&
        validation !== null &&
        typeof (validation as Bag).validate === "function");
    if (!ok) {
      check.fail(`validations[${index}]`, validation, `must be a function or { validate: function }`);
    }
  });
  const callbacks = bag.callbacks as Bag | undefined;
  if (callbacks !== undefined) {
    check.functionField(callbacks, "onRejected", false);
    check.functionField(callbacks, "onAllowed", false);
  }
}

/** @throws BtError SCHEMA naming the sizing profile and the field. */
export function checkSizingSchema(schema: ISizingSchema): void {
  const bag = schemaObject("addSizing", "sizing", schema, "sizingName");
  const check = new SchemaChecker("addSizing", "sizing", schema.sizingName);
  check.knownKeys(bag, SIZING_KEYS);
  const method = bag.method;
  if (method === "fixed-percentage" || method === "atr-based") {
    check.numberField(bag, "riskPercentage", true, 0, 100, true);
    if (method === "atr-based")
      check.numberField(bag, "atrMultiplier", false, 0, Number.POSITIVE_INFINITY, true);
  } else if (method === "kelly-criterion") {
    check.numberField(bag, "kellyMultiplier", false, 0, 1, true);
  } else {
    check.fail(
      "method",
      method,
      `must be "fixed-percentage", "kelly-criterion" or "atr-based", got ${describeValue(method)}`,
    );
  }
  check.numberField(bag, "maxPositionPercentage", false, 0, 100, true);
  check.numberField(bag, "minPositionSize", false, 0, Number.POSITIVE_INFINITY, true);
  check.numberField(bag, "maxPositionSize", false, 0, Number.POSITIVE_INFINITY, true);
  if (
    schema.minPositionSize !== undefined &&
    schema.maxPositionSize !== undefined &&
    schema.minPositionSize > schema.maxPositionSize
  ) {
    check.fail(
      "minPositionSize",
      schema.minPositionSize,
      `must not exceed maxPositionSize (${schema.maxPositionSize})`,
    );
  }
}

/** @throws BtError SCHEMA naming the walker and the field. */
export function checkWalkerSchema(schema: IWalkerSchema): void {
  const bag = schemaObject("addWalker", "walker", schema, "walkerName");
  const check = new SchemaChecker("addWalker", "walker", schema.walkerName);
  check.knownKeys(bag, WALKER_KEYS);
  const strategies = bag.strategies;
  if (!Array.isArray(strategies) || strategies.length === 0) {
    check.fail(
      "strategies",
      strategies,
      `must be a non-empty array of strategy names, got ${describeValue(strategies)}`,
    );
  }
  const seen = new Set<string>();
  (strategies as unknown[]).forEach((name: unknown, index: number) => {
    if (typeof name !== "string" || name.length === 0) {
      check.fail(`strategies[${index}]`, name, `must be a non-empty string, got ${describeValue(name)}`);
    }
    if (seen.has(name as string))
      check.fail(`strategies[${index}]`, name, `lists ${describeValue(name)} twice`);
    seen.add(name as string);
  });
  check.stringField(bag, "exchangeName", true);
  check.stringField(bag, "frameName", true);
  const metric = bag.metric;
  if (metric !== undefined && !isWalkerMetric(metric)) {
    check.fail("metric", metric, `must be one of ${WALKER_METRICS.join(", ")}, got ${describeValue(metric)}`);
  }
}
