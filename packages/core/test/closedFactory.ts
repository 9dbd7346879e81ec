// A small typed factory of IStrategyTickResultClosed fixtures for the tests.

import { type CloseReason, type IStrategyTickResultClosed, NO_RULES, type SignalPosition } from "@bt/core";

export const MINUTE = 60_000;
export const T0 = Date.UTC(2025, 0, 1);

export interface IClosedFixture {
  pnlPercent: number;
  /** Open time, epoch ms. */
  openAt?: number;
  /** Close time, epoch ms. */
  closeAt?: number;
  position?: SignalPosition;
  closeReason?: CloseReason;
  symbol?: string;
  strategyName?: string;
  note?: string;
  priceOpen?: number;
  priceClose?: number;
  /** Cost of the trade in quote currency; default null (unsized: pnlCost and costTotal null). */
  cost?: number | null;
  /** Default max(0, pnlPercent) and min(0, pnlPercent). */
  mfePercent?: number;
  maePercent?: number;
}

let sequence = 0;

/** Builds one closed result; open/close default to consecutive 60-minute trades from T0. */
export function closedResult(fixture: IClosedFixture): IStrategyTickResultClosed {
  const id = sequence++;
  const openAt = fixture.openAt ?? T0;
  const closeAt = fixture.closeAt ?? openAt + 60 * MINUTE;
  const priceOpen = fixture.priceOpen ?? 100;
  const priceClose = fixture.priceClose ?? priceOpen * (1 + fixture.pnlPercent / 100);
  const symbol = fixture.symbol ?? "BTCUSDT";
  const strategyName = fixture.strategyName ?? "alpha";
  const cost = fixture.cost ?? null;
  return {
    action: "closed",
    symbol,
    strategyName,
    exchangeName: "test",
    backtest: true,
    currentPrice: priceClose,
    timestamp: closeAt,
    closeReason: fixture.closeReason ?? (fixture.pnlPercent >= 0 ? "take_profit" : "stop_loss"),
    pnl: {
      pnlPercentage: fixture.pnlPercent,
      priceOpen,
      priceClose,
      pnlCost: cost === null ? null : (fixture.pnlPercent / 100) * cost,
      costTotal: cost,
      mfePercent: fixture.mfePercent ?? Math.max(0, fixture.pnlPercent),
      maePercent: fixture.maePercent ?? Math.min(0, fixture.pnlPercent),
      minutesInPosition: (closeAt - openAt) / MINUTE,
    },
    signal: {
      kind: "pending",
      id: `sig-${id}`,
      symbol,
      strategyName,
      exchangeName: "test",
      position: fixture.position ?? "long",
      priceOpen,
      entry: "market",
      priceTakeProfit: priceOpen * 1.02,
      priceStopLoss: priceOpen * 0.98,
      minuteEstimatedTime: 120,
      note: fixture.note ?? "",
      cost,
      quantity: cost === null ? null : cost / priceOpen,
      scheduledAt: openAt,
      rules: NO_RULES,
      pendingAt: openAt,
      fills: [{ kind: "entry", price: priceOpen, cost: cost ?? 1, at: openAt, source: "open" }],
      originalTakeProfit: priceOpen * 1.02,
      originalStopLoss: priceOpen * 0.98,
      bestPrice:
        (fixture.position ?? "long") === "long"
          ? Math.max(priceOpen, priceClose)
          : Math.min(priceOpen, priceClose),
      worstPrice:
        (fixture.position ?? "long") === "long"
          ? Math.min(priceOpen, priceClose)
          : Math.max(priceOpen, priceClose),
      trailingTakePeak: null,
      breakevenDone: false,
      ladderNext: 0,
      dcaNext: 0,
    },
  };
}

/** Consecutive trades of 60 minutes each, one every 2 hours from T0, with the given returns (percent). */
export function closedSeries(returnsPercent: number[]): IStrategyTickResultClosed[] {
  return returnsPercent.map((pnlPercent, index) =>
    closedResult({
      pnlPercent,
      openAt: T0 + index * 120 * MINUTE,
      closeAt: T0 + index * 120 * MINUTE + 60 * MINUTE,
    }),
  );
}
