// Typed factories of non-closed tick results (scheduled, opened, active, cancelled, idle) for the
// live and schedule report tests.

import {
  type CancelReason,
  type IScheduledSignalRow,
  type ISignalRow,
  type IStrategyTickResult,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultOpened,
  type IStrategyTickResultScheduled,
  NO_RULES,
} from "@bt/core";
import { MINUTE, T0 } from "./closedFactory";

interface ISignalFixture {
  id: string;
  scheduledAt?: number;
  pendingAt?: number;
  strategyName?: string;
  symbol?: string;
}

function scheduledRow(fixture: ISignalFixture): IScheduledSignalRow {
  return {
    kind: "scheduled",
    id: fixture.id,
    symbol: fixture.symbol ?? "BTCUSDT",
    strategyName: fixture.strategyName ?? "alpha",
    exchangeName: "test",
    position: "long",
    priceOpen: 100,
    entry: "limit",
    priceTakeProfit: 102,
    priceStopLoss: 98,
    minuteEstimatedTime: 120,
    note: "",
    cost: null,
    quantity: null,
    scheduledAt: fixture.scheduledAt ?? T0,
    rules: NO_RULES,
  };
}

function pendingRow(fixture: ISignalFixture): ISignalRow {
  const scheduledAt = fixture.scheduledAt ?? T0;
  const pendingAt = fixture.pendingAt ?? scheduledAt;
  return {
    ...scheduledRow(fixture),
    kind: "pending",
    pendingAt,
    fills: [{ kind: "entry", price: 100, cost: 1, at: pendingAt, source: "open" }],
    originalTakeProfit: 102,
    originalStopLoss: 98,
    bestPrice: 100,
    worstPrice: 100,
    trailingTakePeak: null,
    breakevenDone: false,
    ladderNext: 0,
    dcaNext: 0,
  };
}

const origin = (fixture: ISignalFixture, timestamp: number) => ({
  symbol: fixture.symbol ?? "BTCUSDT",
  strategyName: fixture.strategyName ?? "alpha",
  exchangeName: "test",
  backtest: false,
  currentPrice: 100,
  timestamp,
});

export function scheduledEvent(fixture: ISignalFixture): IStrategyTickResultScheduled {
  return {
    ...origin(fixture, fixture.scheduledAt ?? T0),
    action: "scheduled",
    signal: scheduledRow(fixture),
  };
}

export function openedEvent(fixture: ISignalFixture): IStrategyTickResultOpened {
  const signal = pendingRow(fixture);
  return { ...origin(fixture, signal.pendingAt), action: "opened", signal };
}

export function activeEvent(fixture: ISignalFixture, timestamp: number): IStrategyTickResult {
  return { ...origin(fixture, timestamp), action: "active", signal: pendingRow(fixture) };
}

export function cancelledEvent(
  fixture: ISignalFixture,
  cancelReason: CancelReason,
  timestamp: number,
): IStrategyTickResultCancelled {
  return { ...origin(fixture, timestamp), action: "cancelled", signal: scheduledRow(fixture), cancelReason };
}

export function idleEvent(timestamp: number): IStrategyTickResult {
  return { ...origin({ id: "none" }, timestamp), action: "idle" };
}

export { MINUTE, T0 };
