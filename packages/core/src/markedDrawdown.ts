// Max drawdown of the equity curve marked to market each minute: between its open and its close a
// position is valued at what closing it at that minute's price would return (fees and slippage
// included), so the drawdown inside a trade counts, not only the drawdown between closed trades.

import { MINUTE_MS } from "./interval";
import { computePnlPercent, type IPnlCosts } from "./pnl";
import type { IStrategyTickResultClosed } from "./tickResult";

/**
 * Accumulates the marked-to-market drawdown trade by trade, in close order, as a run closes them (so a
 * backtest pays one short loop per trade while the prices are warm, not a pass at the end). Trades must
 * not overlap (one strategy on one symbol). `prices[i]` is the price at `pricesStartMs + i · stepMs`
 * (one minute unless given; NaN where unknown: skipped).
 */
export class MarkedDrawdown {
  /**
   * The equity, its running peak and the deepest fall so far as a fraction of the peak: doubles from the
   * start. Fields starting at 1 and 0 would begin as small integers and change representation at the first
   * fraction, which deoptimises the run loop that made and called this object.
   */
  private readonly marks = Float64Array.of(1, 1, 0);

  constructor(
    private readonly prices: Float64Array,
    private readonly pricesStartMs: number,
    private readonly costs: IPnlCosts,
    private readonly stepMs: number = MINUTE_MS,
  ) {}

  /**
   * Marks every minute the trade was open (E_{k−1} · (1 + u_m / 100), u_m = computePnlPercent of closing
   * at minute m's price), then its close (E_k = E_{k−1} · (1 + pnl / 100)).
   */
  add(trade: IStrategyTickResultClosed): void {
    const { position, priceOpen } = trade.signal;
    const { prices, pricesStartMs, costs, marks } = this;
    const equity = marks[0] as number;
    // computePnlPercent is linear in the closing price: pnl(p) = slope·p + intercept. Two exact points
    // give the line, so the minute loop is a multiply-add (no call, no allocation).
    const atOpen = computePnlPercent(position, priceOpen, priceOpen, costs);
    const slope = (computePnlPercent(position, priceOpen, 2 * priceOpen, costs) - atOpen) / priceOpen;
    const base = equity * (1 + (atOpen - slope * priceOpen) / 100);
    const perPrice = (equity * slope) / 100;
    const stepMs = this.stepMs;
    const first = Math.max(0, Math.ceil((trade.signal.pendingAt - pricesStartMs) / stepMs));
    const end = Math.min(prices.length, Math.ceil((trade.timestamp - pricesStartMs) / stepMs));
    let peak = marks[1] as number;
    let deepest = marks[2] as number;
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
    const closed = Math.max(0, equity * (1 + trade.pnl.pnlPercentage / 100));
    if (closed > peak) peak = closed;
    else if ((peak - closed) / peak > deepest) deepest = (peak - closed) / peak;
    marks[0] = closed;
    marks[1] = peak;
    marks[2] = deepest;
  }

  /** The deepest fall so far, percent ≥ 0. */
  percent(): number {
    return (this.marks[2] as number) * 100;
  }
}

/**
 * The deepest fall (percent ≥ 0) of the compounded equity (E_0 = 1) marked each minute over `prices`
 * (see MarkedDrawdown), trades taken in close order.
 * @example markedMaxDrawdownPercent(closed, store.prices, store.startMs, { feePercent: 0.1, slippagePercent: 0.1 })
 */
export function markedMaxDrawdownPercent(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  prices: Float64Array,
  pricesStartMs: number,
  costs: IPnlCosts,
): number {
  const marked = new MarkedDrawdown(prices, pricesStartMs, costs);
  for (const trade of [...closed].sort((left, right) => left.timestamp - right.timestamp)) marked.add(trade);
  return marked.percent();
}
