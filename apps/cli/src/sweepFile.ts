// The grid file of `bt sweep`: JSON, or a TS/JS module whose default export is the object. It names the
// strategy module (a file whose export is a StrategyFactory), the parameter grid or list, and optional
// symbols, dates, interval, metric and name. Paths resolve against the grid file's folder; every problem
// is bad input naming the field. The fields every run file shares (strategy, symbols, dates, interval,
// name) are checked by loadRunFileCommon, which the space files of optimize / walkforward reuse.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { type SweepGrid, type SweepParams, toParamSets } from "@bt/cluster";
import {
  BtError,
  type CandleInterval,
  isCandleInterval,
  isWalkerMetric,
  WALKER_METRICS,
  type WalkerMetric,
} from "@bt/core";
import { badInput } from "./cliError";
import { parseDate } from "./parseDate";
import { importUserModule } from "./userModuleLoader";

/** What a grid file holds (a JSON object, or a module's default export). */
export interface ISweepFile {
  /** A module whose default export is a StrategyFactory `(params) => strategy schema`, or the module with another export and a name. */
  strategy: string | { module: string; exportName?: string; name?: string };
  /** A grid (every key lists its values) or an explicit list of parameter sets. */
  params: SweepGrid | ReadonlyArray<SweepParams>;
  /** Symbols to sweep, each ranked on its own (default BTCUSDT). */
  symbols?: ReadonlyArray<string>;
  /** Frame start, YYYY-MM-DD or ISO 8601 (default: the start of the data). */
  from?: string;
  /** Frame end, exclusive (default: the end of the data). */
  to?: string;
  /** Frame tick interval (default 1m). */
  interval?: CandleInterval;
  /** Ranking metric (default sharpeRatio). */
  metric?: WalkerMetric;
  /** Name of the sweep in reports and dumps (default: the grid file's name). */
  name?: string;
}

/** A checked grid file: absolute paths, dates in epoch ms, the strategy module's content hash. */
export interface ILoadedSweepFile {
  /** The grid file, absolute. */
  file: string;
  name: string;
  strategy: {
    /** Prefix of every combination's name, e.g. `sma` → `sma[fast=5,slow=20]`. */
    name: string;
    /** The strategy module, absolute. */
    module: string;
    exportName: string;
    /** sha256 of the module file's content (its imports are not hashed). */
    contentHash: string;
  };
  params: SweepGrid | ReadonlyArray<SweepParams>;
  /** Number of parameter sets the params give. */
  paramSetCount: number;
  symbols: string[] | undefined;
  fromMs: number | undefined;
  toMs: number | undefined;
  interval: CandleInterval | undefined;
  metric: WalkerMetric | undefined;
}

/** Identity helper that types a grid module's default export. */
export function defineSweep(file: ISweepFile): ISweepFile {
  return file;
}

const KNOWN_FIELDS = ["strategy", "params", "symbols", "from", "to", "interval", "metric", "name"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `sma.grid.ts` → `sma`, `grid.json` → `grid`. */
function baseName(path: string): string {
  return basename(path)
    .replace(/\.[cm]?[jt]sx?$|\.json$/, "")
    .replace(/\.grid$/, "");
}

async function readRunFileValue(kind: string, file: string, cwd: string, key: string): Promise<unknown> {
  const path = resolve(cwd, file);
  if (extname(path).toLowerCase() === ".json") {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw badInput(
        `${kind} file not found: ${path}`,
        "paths are resolved from the current directory",
        error,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw badInput(`${kind} file ${file} is not JSON: ${(error as Error).message}`, "fix the JSON", error);
    }
  }
  const module = await importUserModule(kind, file, cwd);
  const value = module.default;
  // A module transpiled to CommonJS somewhere upstream nests its default once more.
  return isObject(value) && isObject(value.default) && !(key in value) ? value.default : value;
}

/** The fields every run file has (grid and space files), checked. */
export interface IRunFileCommon {
  /** The run file, absolute. */
  file: string;
  name: string;
  strategy: ILoadedSweepFile["strategy"];
  symbols: string[] | undefined;
  fromMs: number | undefined;
  toMs: number | undefined;
  interval: CandleInterval | undefined;
}

/** What loadRunFileCommon needs to know about the kind of run file. */
export interface IRunFileKind {
  /** "grid" or "space": in messages (`grid file x.json: …`) and as the module's role. */
  kind: string;
  /** The field that marks the file's own object (a CommonJS default nests it once more). */
  key: string;
  knownFields: ReadonlyArray<string>;
  /** A minimal default export, for the hint of a non-object. */
  example: string;
  /** `sma.grid.ts` → `sma`: the suffix taken off the file name for the default name. */
  suffix: RegExp;
}

/**
 * Reads a run file and checks the fields every kind shares; returns them, the raw object (for the
 * kind's own fields) and the kind's fail function.
 * @throws CliError (exit 2) naming the file and the field.
 */
export async function loadRunFileCommon(
  file: string,
  cwd: string,
  kind: IRunFileKind,
): Promise<{
  common: IRunFileCommon;
  value: Record<string, unknown>;
  fail: (field: string, problem: string, hint: string) => never;
}> {
  const path = resolve(cwd, file);
  const value = await readRunFileValue(kind.kind, file, cwd, kind.key);
  const fail = (field: string, problem: string, hint: string): never => {
    throw badInput(`${kind.kind} file ${file}: ${field} ${problem}`, hint);
  };
  if (!isObject(value)) {
    return fail("default export", "is not an object", kind.example);
  }
  const unknown = Object.keys(value).find((key) => !kind.knownFields.includes(key));
  if (unknown !== undefined) {
    fail(
      JSON.stringify(unknown),
      `is not a ${kind.kind} file field`,
      `the fields are ${kind.knownFields.join(", ")}`,
    );
  }
  const folder = dirname(path);

  const strategyValue = value.strategy;
  const strategyObject = typeof strategyValue === "string" ? { module: strategyValue } : strategyValue;
  if (
    !isObject(strategyObject) ||
    typeof strategyObject.module !== "string" ||
    strategyObject.module === ""
  ) {
    return fail(
      "strategy",
      `must be a module path or { module, exportName?, name? }, got ${JSON.stringify(strategyValue)}`,
      'e.g. strategy: "./smaSweepStrategy.ts" (its default export is (params) => strategy schema)',
    );
  }
  for (const key of ["exportName", "name"] as const) {
    const member = strategyObject[key];
    if (member !== undefined && (typeof member !== "string" || member.trim() === "")) {
      fail(`strategy.${key}`, `must be a non-empty string, got ${JSON.stringify(member)}`, "or leave it out");
    }
  }
  const module = resolve(folder, strategyObject.module);
  if (!existsSync(module)) {
    fail(
      "strategy.module",
      `not found: ${module}`,
      `the path is resolved against the ${kind.kind} file's folder`,
    );
  }
  const contentHash = createHash("sha256")
    .update(await readFile(module))
    .digest("hex");

  let symbols: string[] | undefined;
  if (value.symbols !== undefined) {
    const list = value.symbols;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      list.some((symbol) => typeof symbol !== "string" || symbol.trim() === "")
    ) {
      fail(
        "symbols",
        `must be a non-empty list of symbols, got ${JSON.stringify(list)}`,
        'e.g. symbols: ["BTCUSDT", "ETHUSDT"]',
      );
    }
    symbols = (list as string[]).map((symbol) => symbol.trim());
    const twice = symbols.find((symbol, index) => symbols?.indexOf(symbol) !== index);
    if (twice !== undefined) fail("symbols", `lists ${twice} twice`, "list each symbol once");
  }
  const date = (key: "from" | "to"): number | undefined => {
    const text = value[key];
    if (text === undefined) return undefined;
    if (typeof text !== "string") {
      return fail(
        key,
        `must be a date string, got ${JSON.stringify(text)}`,
        "e.g. 2025-01-10 or 2025-01-10T12:00Z",
      );
    }
    return parseDate(`${key} (${kind.kind} file ${file})`, text);
  };
  const fromMs = date("from");
  const toMs = date("to");
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    fail("from", `${String(value.from)} is not before to ${String(value.to)}`, "the frame is [from, to)");
  }
  if (value.interval !== undefined && !isCandleInterval(value.interval)) {
    fail(
      "interval",
      `is not an interval: ${JSON.stringify(value.interval)}`,
      "use 1m, 3m, 5m, 15m, 30m, 1h …",
    );
  }
  if (value.name !== undefined && (typeof value.name !== "string" || value.name.trim() === "")) {
    fail("name", `must be a non-empty string, got ${JSON.stringify(value.name)}`, "or leave it out");
  }
  const strategyName = typeof strategyObject.name === "string" ? strategyObject.name : baseName(module);
  return {
    value,
    fail,
    common: {
      file: path,
      name:
        typeof value.name === "string"
          ? value.name
          : basename(path)
              .replace(/\.[cm]?[jt]sx?$|\.json$/, "")
              .replace(kind.suffix, ""),
      strategy: {
        name: strategyName,
        module,
        exportName: typeof strategyObject.exportName === "string" ? strategyObject.exportName : "default",
        contentHash,
      },
      symbols,
      fromMs,
      toMs,
      interval: value.interval as CandleInterval | undefined,
    },
  };
}

/**
 * Loads and checks a grid file.
 * @throws CliError (exit 2) naming the file and the field for a missing file, a bad field, an unknown
 * field or a strategy module that does not exist.
 */
export async function loadSweepFile(file: string, cwd: string): Promise<ILoadedSweepFile> {
  const { common, value, fail } = await loadRunFileCommon(file, cwd, {
    kind: "grid",
    key: "params",
    knownFields: KNOWN_FIELDS,
    example: 'export default { strategy: "./strategy.ts", params: { fast: [5, 10], slow: [20, 50] } }',
    suffix: /\.grid$/,
  });
  if (value.params === undefined) {
    fail(
      "params",
      "is missing",
      "e.g. params: { fast: [5, 10], slow: [20, 50] } or a list of parameter sets",
    );
  }
  let paramSetCount = 0;
  try {
    paramSetCount = toParamSets(value.params as SweepGrid | SweepParams[]).length;
  } catch (error) {
    if (!BtError.isInstance(error)) throw error;
    const field = error.field === undefined ? "params" : `params.${error.field}`;
    fail(
      field,
      `is bad: ${error.message.replace(/^\w+: /, "")}`,
      "params: { key: [values…] } or [{ key: value }, …]",
    );
  }
  if (paramSetCount === 0) fail("params", "gives no parameter set", "list at least one value per key");

  if (value.metric !== undefined && !isWalkerMetric(value.metric)) {
    fail(
      "metric",
      `is not a ranking metric: ${JSON.stringify(value.metric)}`,
      `one of ${WALKER_METRICS.join(", ")}`,
    );
  }
  return {
    ...common,
    params: value.params as SweepGrid | ReadonlyArray<SweepParams>,
    paramSetCount,
    metric: value.metric as WalkerMetric | undefined,
  };
}
