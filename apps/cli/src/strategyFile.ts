// The strategy and walker file formats: a strategy file default-exports one IStrategySchema; a walker
// file default-exports an IWalkerFile listing strategies. Both may register risk or sizing profiles
// at import time with addRisk / addSizing from @bt/engine.

import type { IStrategySchema, WalkerMetric } from "@bt/core";
import { badInput, CliError } from "./cliError";
import { parseDate } from "./parseDate";
import { importUserModule } from "./userModuleLoader";

/** What a walker file default-exports: the strategies to compare and how to rank them. */
export interface IWalkerFile {
  /** Name in reports; default the file name without extension. */
  walkerName?: string;
  /** Ranking metric; default "sharpeRatio" (maxDrawdown ranks ascending). */
  metric?: WalkerMetric;
  /** Two or more strategies with distinct names. */
  strategies: IStrategySchema[];
  note?: string;
  /**
   * The frame [from, to) `bt walker` runs when --from / --to are not given (each flag overrides its
   * end): a Date or a date string as --from takes it (YYYY-MM-DD or ISO 8601, UTC when no offset).
   */
  frame?: { from: string | Date; to: string | Date };
}

/** A loaded walker file: names and metric defaulted, its frame (if any) in epoch ms. */
export type ILoadedWalkerFile = Required<Omit<IWalkerFile, "note" | "frame">> &
  Omit<IWalkerFile, "frame"> & {
    /** The file's frame, checked, in epoch ms (end exclusive), or undefined when it has none. */
    frame: { fromMs: number; toMs: number } | undefined;
  };

/** Identity helper that types a strategy file's default export. */
export function defineStrategy(schema: IStrategySchema): IStrategySchema {
  return schema;
}

/** Identity helper that types a walker file's default export. */
export function defineWalker(walker: IWalkerFile): IWalkerFile {
  return walker;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isStrategySchema(value: unknown): value is IStrategySchema {
  return (
    isObject(value) &&
    typeof value.strategyName === "string" &&
    typeof value.interval === "string" &&
    typeof value.getSignal === "function"
  );
}

function defaultExport(module: Record<string, unknown>): unknown {
  const value = module.default;
  // A module transpiled to CommonJS somewhere upstream nests its default once more.
  if (isObject(value) && "default" in value && !("strategyName" in value) && !("strategies" in value)) {
    return value.default;
  }
  return value;
}

/**
 * Loads a strategy file and returns its default-exported strategy schema.
 * @throws CliError (exit 2) when the file is missing, throws on import, or exports no strategy.
 */
export async function loadStrategyFile(file: string, cwd: string): Promise<IStrategySchema> {
  const module = await importUserModule("strategy", file, cwd);
  const strategy = defaultExport(module);
  if (!isStrategySchema(strategy)) {
    throw badInput(
      `strategy file ${file} has no strategy as its default export`,
      "export default { strategyName, interval, getSignal } (an IStrategySchema); see `bt backtest --help`",
    );
  }
  return strategy;
}

/**
 * Loads a walker file and returns its IWalkerFile, with walkerName defaulted from the file name.
 * @throws CliError (exit 2) when the file is missing, throws on import, or exports no walker.
 */
export async function loadWalkerFile(file: string, cwd: string): Promise<ILoadedWalkerFile> {
  const module = await importUserModule("walker", file, cwd);
  const walker = defaultExport(module);
  if (!isObject(walker) || !Array.isArray(walker.strategies) || walker.strategies.length === 0) {
    throw badInput(
      `walker file ${file} has no walker as its default export`,
      "export default { walkerName, metric, strategies: [strategyA, strategyB] } (an IWalkerFile)",
    );
  }
  const strategies = walker.strategies as unknown[];
  const bad = strategies.findIndex((strategy) => !isStrategySchema(strategy));
  if (bad >= 0) {
    throw badInput(
      `walker file ${file}: strategies[${bad}] is not a strategy`,
      "each entry needs strategyName, interval and getSignal",
    );
  }
  const baseName = file.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  const { frame, ...typed } = walker as unknown as IWalkerFile;
  return {
    ...typed,
    walkerName: typed.walkerName ?? baseName,
    metric: typed.metric ?? "sharpeRatio",
    strategies: typed.strategies,
    frame: walkerFrame(file, frame),
  };
}

/** One end of a walker file's frame in epoch ms; `field` is `frame.from` or `frame.to`. */
function frameEndMs(file: string, field: string, value: unknown): number {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw badInput(`walker file ${file}: bad ${field}: an invalid Date`);
    return value.getTime();
  }
  if (typeof value !== "string") {
    throw badInput(
      `walker file ${file}: bad ${field} ${JSON.stringify(value) ?? String(value)}: not a date`,
      `give ${field} as "2025-01-10" (UTC), an ISO 8601 time or a Date`,
    );
  }
  try {
    return parseDate(field, value);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    throw badInput(`walker file ${file}: ${error.message}`, error.hint, error);
  }
}

/** A walker file's frame, checked: both ends dates, from before to. */
function walkerFrame(file: string, frame: unknown): ILoadedWalkerFile["frame"] {
  if (frame === undefined) return undefined;
  if (!isObject(frame)) {
    throw badInput(
      `walker file ${file}: bad frame ${JSON.stringify(frame)}: not an object`,
      'e.g. frame: { from: "2025-01-10", to: "2025-01-20" }',
    );
  }
  const fromMs = frameEndMs(file, "frame.from", frame.from);
  const toMs = frameEndMs(file, "frame.to", frame.to);
  if (fromMs >= toMs) {
    throw badInput(
      `walker file ${file}: frame.from ${new Date(fromMs).toISOString()} is not before frame.to ${new Date(toMs).toISOString()}`,
      "the frame is [from, to): from must be earlier",
    );
  }
  return { fromMs, toMs };
}
