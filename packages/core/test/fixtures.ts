// Shared builders for the core tests: a tick origin, transition inputs at minute offsets, signal rows
// built by hand (also malformed ones), and an independent copy of the DESIGN.md PnL formula.

import {
  DEFAULT_CONFIG,
  type EntryType,
  type IGlobalConfig,
  type IPositionRules,
  type IScheduledSignalRow,
  type ISignalRow,
  type ITickOrigin,
  type ITransitionInput,
  MINUTE_MS,
  NO_RULES,
  type SignalPosition,
} from "@bt/core";

/** The origin every test result carries. */
export const ORIGIN: ITickOrigin = {
  symbol: "BTCUSDT",
  strategyName: "test-strategy",
  exchangeName: "test-exchange",
  backtest: true,
};

/** 2025-01-01T00:00:00Z, the start of every test timeline. */
export const T0 = Date.UTC(2025, 0, 1);

/** Epoch ms of `minutes` after T0. */
export function at(minutes: number): number {
  return T0 + minutes * MINUTE_MS;
}

/** A transition input at `price` and `minutes` after T0. */
export function input(
  price: number,
  minutes: number,
  config: Readonly<IGlobalConfig> = DEFAULT_CONFIG,
): ITransitionInput {
  return { origin: ORIGIN, currentPrice: price, now: at(minutes), config };
}

/** Zero fees and zero slippage. */
export const ZERO_COSTS: Readonly<IGlobalConfig> = Object.freeze({
  ...DEFAULT_CONFIG,
  CC_PERCENT_FEE: 0,
  CC_PERCENT_SLIPPAGE: 0,
});

interface RowFields {
  position: SignalPosition;
  priceOpen: number;
  priceTakeProfit: number;
  priceStopLoss: number;
  minuteEstimatedTime: number;
  id?: string;
  scheduledAt?: number;
  /** Default "limit" (a resting limit at priceOpen). */
  entry?: EntryType;
  /** Default none. */
  rules?: Partial<IPositionRules>;
  /** Default null (unsized). */
  cost?: number | null;
}

/** A scheduled row built by hand, bypassing validation (so malformed rows are possible). */
export function scheduledRow(fields: RowFields): IScheduledSignalRow {
  return {
    kind: "scheduled",
    id: fields.id ?? "hand-made",
    symbol: ORIGIN.symbol,
    strategyName: ORIGIN.strategyName,
    exchangeName: ORIGIN.exchangeName,
    position: fields.position,
    priceOpen: fields.priceOpen,
    entry: fields.entry ?? "limit",
    priceTakeProfit: fields.priceTakeProfit,
    priceStopLoss: fields.priceStopLoss,
    minuteEstimatedTime: fields.minuteEstimatedTime,
    note: "",
    cost: fields.cost ?? null,
    quantity: fields.cost == null ? null : fields.cost / fields.priceOpen,
    scheduledAt: fields.scheduledAt ?? T0,
    rules: fields.rules === undefined ? NO_RULES : { ...NO_RULES, ...fields.rules },
  };
}

/** An open row built by hand, opened at `pendingAt` (default T0), bypassing validation. */
export function pendingRow(fields: RowFields & { pendingAt?: number }): ISignalRow {
  const pendingAt = fields.pendingAt ?? fields.scheduledAt ?? T0;
  return {
    ...scheduledRow(fields),
    kind: "pending",
    pendingAt,
    fills: [
      { kind: "entry", price: fields.priceOpen, cost: fields.cost ?? 1, at: pendingAt, source: "open" },
    ],
    originalTakeProfit: fields.priceTakeProfit,
    originalStopLoss: fields.priceStopLoss,
    bestPrice: fields.priceOpen,
    worstPrice: fields.priceOpen,
    trailingTakePeak: null,
    breakevenDone: false,
    ladderNext: 0,
    dcaNext: 0,
  };
}

/**
 * The PnL formula of DESIGN.md, written out independently of src/pnl.ts (fee f and slippage s in percent):
 * long  open' = open·(1+s/100), close' = close·(1−s/100), pnl = (close'−open')/open'·100 − f·(1+close'/open');
 * short open' = open·(1−s/100), close' = close·(1+s/100), pnl = (open'−close')/open'·100 − f·(1+close'/open').
 */
export function designPnl(
  position: SignalPosition,
  open: number,
  close: number,
  feePercent: number,
  slippagePercent: number,
): number {
  const openAdjusted =
    position === "long" ? open * (1 + slippagePercent / 100) : open * (1 - slippagePercent / 100);
  const closeAdjusted =
    position === "long" ? close * (1 - slippagePercent / 100) : close * (1 + slippagePercent / 100);
  const gross =
    position === "long"
      ? ((closeAdjusted - openAdjusted) / openAdjusted) * 100
      : ((openAdjusted - closeAdjusted) / openAdjusted) * 100;
  return gross - feePercent * (1 + closeAdjusted / openAdjusted);
}
