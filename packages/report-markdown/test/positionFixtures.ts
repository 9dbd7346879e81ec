// Hand-built results of managed positions for the report tests: a sized long that averaged down once
// (DCA) and closed half at a ladder level before its take profit, the same trade unsized, a trade read
// from an old record (no MFE/MAE), and `updated` results of each kind of change.

import type {
  ISignalRow,
  IStrategyTickResultClosed,
  IStrategyTickResultUpdated,
  PositionFill,
  PositionUpdate,
} from "@bt/core";
import { closedResult, MINUTE, T0 } from "../../core/test/closedFactory";

/** The DCA trade's fills: open 1000 at 100, add 1000 at 97 (ladder), close half at 101 (TP ladder). */
export const DCA_FILLS: ReadonlyArray<PositionFill> = [
  { kind: "entry", price: 100, cost: 1000, at: T0, source: "open" },
  { kind: "entry", price: 97, cost: 1000, at: T0 + 30 * MINUTE, source: "dca_ladder" },
  { kind: "exit", price: 101, fraction: 0.5, at: T0 + 90 * MINUTE, reason: "take_profit_ladder" },
];

/**
 * A sized long with two entries and a partial exit, closed at its take profit 102 at T0 + 4 h.
 * Average entry 2000 / (10 + 10.3093) = 98.4772; net +57.39 quote on 2000 (2.87%) after costs.
 */
export function dcaTrade(): IStrategyTickResultClosed {
  const base = closedResult({
    pnlPercent: 2.87,
    priceOpen: 100,
    priceClose: 102,
    closeAt: T0 + 240 * MINUTE,
  });
  return {
    ...base,
    pnl: {
      ...base.pnl,
      priceOpen: 98.4772,
      priceClose: 102,
      pnlPercentage: 2.8696,
      pnlCost: 57.3912,
      costTotal: 2000,
      mfePercent: 3.5778,
      maePercent: -1.5001,
      minutesInPosition: 240,
    },
    signal: {
      ...base.signal,
      id: "dca-1",
      cost: 1000,
      quantity: 10,
      fills: DCA_FILLS,
      dcaNext: 1,
      ladderNext: 1,
    },
  };
}

/** The DCA trade unsized: entry costs in units of the first entry, no money figures. */
export function unsizedDcaTrade(): IStrategyTickResultClosed {
  const trade = dcaTrade();
  return {
    ...trade,
    pnl: { ...trade.pnl, pnlCost: null, costTotal: null },
    signal: {
      ...trade.signal,
      id: "dca-unsized",
      cost: null,
      quantity: null,
      fills: DCA_FILLS.map((fill) =>
        fill.kind === "entry" ? { ...fill, cost: fill.price === 97 ? 1.5 : 1 } : fill,
      ),
    },
  };
}

/** The DCA trade as live records it: every fill also has the broker's executed price. */
export function liveDcaTrade(): IStrategyTickResultClosed {
  const trade = dcaTrade();
  return {
    ...trade,
    backtest: false,
    signal: {
      ...trade.signal,
      id: "dca-live",
      fills: DCA_FILLS.map((fill) => ({ ...fill, executedPrice: fill.price + 0.01 })),
    },
  };
}

/** A one-entry trade read from a version 1 record: unsized, MFE and MAE null (not tracked then). */
export function upgradedOldTrade(): IStrategyTickResultClosed {
  const base = closedResult({ pnlPercent: -0.8, openAt: T0 + 300 * MINUTE, closeAt: T0 + 345 * MINUTE });
  return {
    ...base,
    pnl: { ...base.pnl, pnlCost: null, costTotal: null, mfePercent: null, maePercent: null },
    signal: { ...base.signal, id: "old-1" },
  };
}

/** The open DCA position after `fills` (its first entry at T0), as a live signal row. */
export function openPosition(fills: ReadonlyArray<PositionFill>, id = "dca-open"): ISignalRow {
  const signal = dcaTrade().signal;
  return { ...signal, id, fills, priceStopLoss: 95, priceTakeProfit: 102, originalStopLoss: 95 };
}

/** An `updated` live result of `signal` at `timestamp`. */
export function updatedEvent(
  signal: ISignalRow,
  update: PositionUpdate,
  timestamp: number,
  currentPrice = 100,
): IStrategyTickResultUpdated {
  return {
    action: "updated",
    symbol: signal.symbol,
    strategyName: signal.strategyName,
    exchangeName: signal.exchangeName,
    backtest: false,
    currentPrice,
    timestamp,
    signal,
    update,
  };
}

export { MINUTE, T0 };
