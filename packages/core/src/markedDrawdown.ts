// Max drawdown of the equity curve marked to market each minute: between its open and its close a
// position is valued at what closing it at that minute's price would return (fees and slippage
// included), so the drawdown inside a trade counts, not only the drawdown between closed trades.

import { MINUTE_MS } from "./interval";
import { computePnlPercent, type IPnlCosts } from "./pnl";
import type { IStrategyTickResultClosed } from "./tickResult";

/**
 * The deepest fall (percent ≥ 0) of the compounded equity (E_0 = 1) marked each minute: while trade k is
 * open, equity is E_{k−1} · (1 + u_m / 100) where u_m is computePnlPercent of closing at the price of
 * minute m (`prices[i]` is the price at `pricesStartMs + i` minutes, NaN where unknown: skipped); at its
 * close it is E_k = E_{k−1} · (1 + pnl / 100). Trades must not overlap (one strategy on one symbol); they
 * are taken in close order. Allocates nothing per minute (a multiply-add per open minute).
 * @example markedMaxDrawdownPercent(closed, store.prices, store.startMs, { feePercent: 0.1, slippagePercent: 0.1 })
 */
export function markedMaxDrawdownPercent(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  prices: Float64Array,
  pricesStartMs: number,
  costs: IPnlCosts,
): number {
  const ordered = [...closed].sort((left, right) => left.timestamp - right.timestamp);
  let equity = 1;
  let peak = 1;
  /** Deepest fall so far as a fraction of the peak. */
  let deepest = 0;
  for (const trade of ordered) {
    const { position, priceOpen } = trade.signal;
    // computePnlPercent is linear in the closing price: pnl(p) = slope·p + intercept. Two exact points
    // give the line, so the minute loop is a multiply-add (no call, no allocation).
    const atOpen = computePnlPercent(position, priceOpen, priceOpen, costs);
    const slope = (computePnlPercent(position, priceOpen, 2 * priceOpen, costs) - atOpen) / priceOpen;
    const base = equity * (1 + (atOpen - slope * priceOpen) / 100);
    const perPrice = (equity * slope) / 100;
    const first = Math.max(0, Math.ceil((trade.signal.pendingAt - pricesStartMs) / MINUTE_MS));
    const end = Math.min(prices.length, Math.ceil((trade.timestamp - pricesStartMs) / MINUTE_MS));
    for (let index = first; index < end; index++) {
      const price = prices[index] as number;
      // NaN (an unpriced minute) fails the comparison and is skipped.
      if (!(price > 0)) continue;
      const value = base + perPrice * price;
      if (value > peak) peak = value;
      else {
        const fall = (peak - Math.max(value, 0)) / peak;
        if (fall > deepest) deepest = fall;
      }
    }
    equity = Math.max(0, equity * (1 + trade.pnl.pnlPercentage / 100));
    if (equity > peak) peak = equity;
    else if ((peak - equity) / peak > deepest) deepest = (peak - equity) / peak;
  }
  return deepest * 100;
}
