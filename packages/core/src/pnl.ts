// Profit and loss of one round trip, with per-side slippage and fees as in DESIGN.md.

import type { IGlobalConfig } from "./config";
import type { SignalPosition } from "./signal";

/** Fee and slippage per side, in percent (0.1 = 0.1 %). */
export interface IPnlCosts {
  feePercent: number;
  slippagePercent: number;
}

/** The fee and slippage of a config (CC_PERCENT_FEE, CC_PERCENT_SLIPPAGE) as IPnlCosts. */
export function pnlCostsOf(config: Pick<IGlobalConfig, "CC_PERCENT_FEE" | "CC_PERCENT_SLIPPAGE">): IPnlCosts {
  return { feePercent: config.CC_PERCENT_FEE, slippagePercent: config.CC_PERCENT_SLIPPAGE };
}

/**
 * Net pnl in percent of one round trip.
 * Long: open' = open·(1+s/100), close' = close·(1−s/100), pnl = (close'−open')/open'·100 − f·(1+close'/open').
 * Short: open' = open·(1−s/100), close' = close·(1+s/100), pnl = (open'−close')/open'·100 − f·(1+close'/open').
 * @example computePnlPercent("long", 100, 102, { feePercent: 0.1, slippagePercent: 0.1 }) // ≈ 1.5944
 */
export function computePnlPercent(
  position: SignalPosition,
  priceOpen: number,
  priceClose: number,
  costs: IPnlCosts,
): number {
  const slip = costs.slippagePercent / 100;
  if (position === "long") {
    const open = priceOpen * (1 + slip);
    const close = priceClose * (1 - slip);
    return ((close - open) / open) * 100 - costs.feePercent * (1 + close / open);
  }
  const open = priceOpen * (1 - slip);
  const close = priceClose * (1 + slip);
  return ((open - close) / open) * 100 - costs.feePercent * (1 + close / open);
}
