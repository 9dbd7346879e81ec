// The strategy and walker file formats: a strategy file default-exports one IStrategySchema; a walker
// file default-exports an IWalkerFile listing strategies. Both may register risk or sizing profiles
// at import time with addRisk / addSizing from @bt/engine.

import type { IStrategySchema, WalkerMetric } from "@bt/core";
import { badInput } from "./cliError";
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
}

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
export async function loadWalkerFile(
  file: string,
  cwd: string,
): Promise<Required<Omit<IWalkerFile, "note">> & IWalkerFile> {
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
  const typed = walker as unknown as IWalkerFile;
  return {
    ...typed,
    walkerName: typed.walkerName ?? baseName,
    metric: typed.metric ?? "sharpeRatio",
    strategies: typed.strategies,
  };
}
