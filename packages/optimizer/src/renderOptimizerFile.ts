// Joins the template parts into the generated file: header, exchange, frame, one strategy per idea,
// walker, launcher, separated by blank lines.

import type {
  IOptimizerFileContext,
  IOptimizerStrategyContext,
  IOptimizerTemplate,
} from "./optimizerTemplate";

/** The whole generated module for `strategies` (each rendered with template.strategy). */
export function renderOptimizerFile(
  template: IOptimizerTemplate,
  file: IOptimizerFileContext,
  strategies: ReadonlyArray<IOptimizerStrategyContext>,
): string {
  const parts = [
    template.header(file),
    template.exchange(file),
    template.frame(file),
    ...strategies.map((strategy) => template.strategy(strategy)),
    template.walker(file),
    template.launcher(file),
  ];
  return `${parts
    .map((part) => part.trimEnd())
    .filter((part) => part !== "")
    .join("\n\n")}\n`;
}

/** A strategy name from the optimizer name: letters, digits, "-" and "_" only, e.g. "jan-btc-1". */
export function strategyNameOf(optimizerName: string, index: number): string {
  const stem =
    optimizerName
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "optimizer";
  return `${stem}-${index + 1}`;
}
