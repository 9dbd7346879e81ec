// The "run conditions" block of a report: the fee, slippage and price model a run used, so a reader
// knows which costs every figure already includes.

import { describeExecutionModel, type IGlobalConfig } from "@bt/core";

/**
 * Renders the run conditions of `config` as a short markdown block (fee and slippage in percent per
 * side, the price model), e.g. "**Run conditions:** fee 0.1% per side, slippage 0.1% per side, price =
 * VWAP of the last 5 closed 1m candles. Every return below includes these costs."
 * @example
 * const markdown = renderRunConditions(mergeConfig(DEFAULT_CONFIG, { CC_PERCENT_FEE: 0.075 }));
 */
export function renderRunConditions(config: Readonly<IGlobalConfig>): string {
  return `**Run conditions:** ${describeExecutionModel(config)}. Every return below includes these costs.`;
}
