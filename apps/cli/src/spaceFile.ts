// The space file of `bt optimize` and `bt walkforward`: a grid file (sweepFile.ts) whose `params` is
// replaced by `space`, @bt/research's SearchSpace, plus the study's optional settings (trials, sampler,
// seed, objective, batch size). JSON, or a TS/JS module default-exporting the object; every problem is
// bad input naming the field and the value.

import type { CandleInterval } from "@bt/core";
import { BtError } from "@bt/core";
import {
  type IObjectiveOptions,
  parseSearchSpace,
  resolveObjective,
  type SamplerKind,
  type SearchSpace,
} from "@bt/research";
import { type IRunFileCommon, loadRunFileCommon } from "./sweepFile";

/** What a space file holds (a JSON object, or a module's default export). */
export interface ISpaceFile {
  /** A module whose default export is a StrategyFactory `(params) => strategy schema`, or the module with another export and a name. */
  strategy: string | { module: string; exportName?: string; name?: string };
  /** Per parameter: `{ type: "int" | "float", low, high, step?, log? }`, `{ type: "categorical", choices }` or a list of choices. */
  space: SearchSpace;
  /** Trials of the study (default 50; a grid study stops at the grid's size). */
  trials?: number;
  /** Default "tpe". */
  sampler?: SamplerKind;
  /** Default 1: the same seed and batch size give the same trials. */
  seed?: number | string;
  /** What the study maximises: { metric (a ranking metric or "profitDrawdown", default sharpeRatio), minTrades (default 1), drawdownPenalty (default 1) }. */
  objective?: IObjectiveOptions;
  /** Trials sampled together and run as one sweep (default 8); part of the study's identity. */
  batchSize?: number;
  /** Symbols, each backtested for every trial; the objective is the mean over them (default BTCUSDT). */
  symbols?: ReadonlyArray<string>;
  /** Frame start, YYYY-MM-DD or ISO 8601 (default: the start of the data). */
  from?: string;
  /** Frame end, exclusive (default: the end of the data). */
  to?: string;
  /** Frame tick interval (default 1m). */
  interval?: CandleInterval;
  /** Name of the study in reports and dumps (default: the file's name without `.space`). */
  name?: string;
}

/** A checked space file. */
export interface ILoadedSpaceFile extends IRunFileCommon {
  space: SearchSpace;
  trials: number | undefined;
  sampler: SamplerKind | undefined;
  seed: number | string | undefined;
  objective: IObjectiveOptions | undefined;
  batchSize: number | undefined;
}

/** Identity helper that types a space module's default export. */
export function defineSpace(file: ISpaceFile): ISpaceFile {
  return file;
}

/** Trials of a study when neither the file nor --trials says. */
export const DEFAULT_TRIALS = 50;

const KNOWN_FIELDS = [
  "strategy",
  "space",
  "trials",
  "sampler",
  "seed",
  "objective",
  "batchSize",
  "symbols",
  "from",
  "to",
  "interval",
  "name",
];

const SAMPLERS: ReadonlyArray<SamplerKind> = ["tpe", "random", "grid"];

const OBJECTIVE_FIELDS = ["metric", "minTrades", "drawdownPenalty"];

/** True for one of the samplers a file or flag may name. */
export function isSamplerKind(value: unknown): value is SamplerKind {
  return typeof value === "string" && (SAMPLERS as ReadonlyArray<string>).includes(value);
}

/**
 * Loads and checks a space file.
 * @throws CliError (exit 2) naming the file and the field (e.g. `space.fast.low`) and the value.
 */
export async function loadSpaceFile(file: string, cwd: string): Promise<ILoadedSpaceFile> {
  const { common, value, fail } = await loadRunFileCommon(file, cwd, {
    kind: "space",
    key: "space",
    knownFields: KNOWN_FIELDS,
    example:
      'export default { strategy: "./strategy.ts", space: { fast: { type: "int", low: 2, high: 30 } } }',
    suffix: /\.space$/,
  });
  if (value.space === undefined) {
    fail(
      "space",
      "is missing",
      'e.g. space: { fast: { type: "int", low: 2, high: 30 }, slow: { type: "int", low: 20, high: 120, step: 5 } }',
    );
  }
  let space: SearchSpace = {};
  try {
    space = parseSearchSpace(value.space, "space");
  } catch (error) {
    if (!BtError.isInstance(error)) throw error;
    fail(
      error.field ?? "space",
      error.message.replace(new RegExp(`^${escapeRegExp(error.field ?? "")}\\s*`), ""),
      'int / float: { type, low, high, step?, log? }; categorical: { type: "categorical", choices: [...] } or a list',
    );
  }
  const count = (key: "trials" | "batchSize"): number | undefined => {
    const item = value[key];
    if (item === undefined) return undefined;
    if (typeof item !== "number" || !Number.isInteger(item) || item < 1) {
      fail(key, `must be a positive integer, got ${JSON.stringify(item)}`, `e.g. ${key}: 8`);
    }
    return item as number;
  };
  const trials = count("trials");
  const batchSize = count("batchSize");
  if (value.sampler !== undefined && !isSamplerKind(value.sampler)) {
    fail("sampler", `is not a sampler: ${JSON.stringify(value.sampler)}`, `one of ${SAMPLERS.join(", ")}`);
  }
  const seed = value.seed;
  if (
    seed !== undefined &&
    !(typeof seed === "string" && seed !== "") &&
    !(typeof seed === "number" && Number.isSafeInteger(seed))
  ) {
    fail("seed", `must be an integer or a non-empty string, got ${JSON.stringify(seed)}`, "e.g. seed: 7");
  }
  let objective: IObjectiveOptions | undefined;
  if (value.objective !== undefined) {
    const given = value.objective;
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
      fail(
        "objective",
        `must be an object, got ${JSON.stringify(given)}`,
        'e.g. objective: { metric: "sharpeRatio", minTrades: 10 }',
      );
    }
    const unknown = Object.keys(given as object).find((key) => !OBJECTIVE_FIELDS.includes(key));
    if (unknown !== undefined) {
      fail(
        `objective.${unknown}`,
        "is not an objective field",
        `the fields are ${OBJECTIVE_FIELDS.join(", ")}`,
      );
    }
    objective = given as IObjectiveOptions;
    try {
      resolveObjective(objective);
    } catch (error) {
      if (!BtError.isInstance(error)) throw error;
      fail(
        error.field ?? "objective",
        error.message.replace(new RegExp(`^${escapeRegExp(error.field ?? "")}\\s*`), ""),
        "see bt optimize --help",
      );
    }
  }
  return {
    ...common,
    space,
    trials,
    sampler: value.sampler as SamplerKind | undefined,
    seed: seed as number | string | undefined,
    objective,
    batchSize,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
