// The top of the backtest, live and walker reports: the title, then (when given) the run conditions and
// the Problems section, so costs and failures are read before any figure.

import type { IGlobalConfig, IRunProblems } from "@bt/core";
import { escapeCell } from "./markdownTable";
import { renderProblems } from "./problemsReport";
import { renderRunConditions } from "./runConditions";

/** What a report may say about the run besides its results. */
export interface IRunContextOptions {
  /** The config the run used; its fee, slippage and price model print under the title. */
  config?: Readonly<IGlobalConfig>;
  /** What went wrong in the run; printed as a Problems section ("No problems." when empty). */
  problems?: IRunProblems;
}

/** Lines of the report head: "# title", then the run conditions and the Problems section when given. */
export function reportHeaderLines(title: string, context: IRunContextOptions): string[] {
  const lines = [`# ${escapeCell(title)}`, ""];
  if (context.config !== undefined) lines.push(renderRunConditions(context.config), "");
  if (context.problems !== undefined) lines.push(renderProblems(context.problems), "");
  return lines;
}
