// Closed trades whose pnl is what the engine computes from their fills (positionPnl with the costs),
// for the money tests: tradeMoney, accountLedger and their properties.

import {
  type IPnlCosts,
  type IStrategyTickResultClosed,
  type PositionFill,
  positionPnl,
  type SignalPosition,
} from "@bt/core";
import { closedResult, MINUTE, T0 } from "./closedFactory";

/** Fee 0.1 % and slippage 0.1 % per side (the defaults). */
export const COSTS: IPnlCosts = { feePercent: 0.1, slippagePercent: 0.1 };

export interface IMoneyTradeFixture {
  position?: SignalPosition;
  priceOpen: number;
  priceClose: number;
  /** Quote cost of the first entry; null (default): unsized. */
  cost?: number | null;
  /** Fills after the open entry (DCA entries in units of the first entry when unsized, partial exits). */
  moreFills?: ReadonlyArray<PositionFill>;
  symbol?: string;
  openAt?: number;
  closeAt?: number;
  costs?: IPnlCosts;
}

/** A closed trade priced as the state machine prices it: pnlPercentage, pnlCost and costTotal from positionPnl. */
export function moneyTrade(fixture: IMoneyTradeFixture): IStrategyTickResultClosed {
  const openAt = fixture.openAt ?? T0;
  const cost = fixture.cost ?? null;
  const position = fixture.position ?? "long";
  const base = closedResult({
    pnlPercent: 0,
    position,
    priceOpen: fixture.priceOpen,
    priceClose: fixture.priceClose,
    cost,
    openAt,
    closeAt: fixture.closeAt ?? openAt + 60 * MINUTE,
    symbol: fixture.symbol,
  });
  const fills: PositionFill[] = [...base.signal.fills, ...(fixture.moreFills ?? [])];
  const pnl = positionPnl({ position, fills }, fixture.priceClose, fixture.costs ?? COSTS);
  return {
    ...base,
    signal: { ...base.signal, fills },
    pnl: {
      ...base.pnl,
      pnlPercentage: pnl.percent,
      pnlCost: cost === null ? null : pnl.money,
      costTotal: cost === null ? null : pnl.invested,
    },
  };
}
