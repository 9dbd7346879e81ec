// Position sizing: fixed-percentage, Kelly criterion and ATR-based, with min/max caps. The result is
// a cost in quote currency that lands on the signal row (signal.cost, signal.quantity = cost / priceOpen).

import type { ICandleData, ISizingSchema } from "@bt/core";

/** Closed-trade history of the strategy in this run, for Kelly. */
export interface ISizingHistory {
  wins: number;
  losses: number;
  /** Sum of winning pnl percentages (> 0). */
  winSum: number;
  /** Sum of |losing pnl percentages|. */
  lossSum: number;
}

/** Counts a closed trade's pnl (percent) in the history the Kelly sizing reads; 0 counts as neither. */
export function recordClosedTrade(history: ISizingHistory, pnlPercent: number): void {
  if (pnlPercent > 0) {
    history.wins++;
    history.winSum += pnlPercent;
  } else if (pnlPercent < 0) {
    history.losses++;
    history.lossSum -= pnlPercent;
  }
}

/** Inputs of one sizing decision; prices in quote currency, balance in quote currency. */
export interface ISizingInput {
  accountBalance: number;
  priceOpen: number;
  priceTakeProfit: number;
  priceStopLoss: number;
  history: ISizingHistory;
  /** Average true range in price units (atr-based only). */
  atr?: number;
}

/** A cost, or the reason no position should be taken. */
export type SizingResult = { cost: number } | { problem: string };

/** Number of candles of the ATR used by "atr-based" sizing. */
export const ATR_PERIOD = 14;

/** Wilder-free simple ATR: mean true range of the last `period` candles (needs period + 1 candles). */
export function averageTrueRange(candles: ReadonlyArray<ICandleData>, period = ATR_PERIOD): number {
  if (candles.length < 2) return Number.NaN;
  const first = Math.max(1, candles.length - period);
  let sum = 0;
  for (let index = first; index < candles.length; index++) {
    const candle = candles[index] as ICandleData;
    const previousClose = (candles[index - 1] as ICandleData).close;
    sum += Math.max(
      candle.high - candle.low,
      Math.abs(candle.high - previousClose),
      Math.abs(candle.low - previousClose),
    );
  }
  return sum / (candles.length - first);
}

function applyCaps(schema: ISizingSchema, accountBalance: number, rawCost: number): number {
  let cost = rawCost;
  if (schema.maxPositionPercentage !== undefined) {
    cost = Math.min(cost, (accountBalance * schema.maxPositionPercentage) / 100);
  }
  if (schema.maxPositionSize !== undefined) cost = Math.min(cost, schema.maxPositionSize);
  if (schema.minPositionSize !== undefined) cost = Math.max(cost, schema.minPositionSize);
  return cost;
}

/**
 * The position cost by the schema's method, then capped:
 * - fixed-percentage: risk riskPercentage % of the balance between priceOpen and priceStopLoss:
 *   quantity = balance·risk% / |open − SL|, cost = quantity·open.
 * - kelly-criterion: f = W − (1 − W)/R with W = (wins + 1)/(trades + 2) (Laplace-smoothed win rate of
 *   this run) and R = mean win / mean loss once both exist, else the signal's own reward/risk
 *   |TP − open| / |open − SL|; cost = balance·f·kellyMultiplier (default 0.25). f ≤ 0 means no edge:
 *   the signal is rejected.
 * - atr-based: like fixed-percentage with the stop distance atrMultiplier (default 2) × ATR(14) of the
 *   strategy interval.
 * Caps, in order: maxPositionPercentage of the balance, maxPositionSize, then minPositionSize (raise).
 */
export function computePositionCost(schema: ISizingSchema, input: ISizingInput): SizingResult {
  const { accountBalance, priceOpen, priceStopLoss, priceTakeProfit, history } = input;
  let rawCost: number;
  switch (schema.method) {
    case "fixed-percentage": {
      const stopDistance = Math.abs(priceOpen - priceStopLoss);
      rawCost = ((accountBalance * schema.riskPercentage) / 100 / stopDistance) * priceOpen;
      break;
    }
    case "kelly-criterion": {
      const trades = history.wins + history.losses;
      const winRate = (history.wins + 1) / (trades + 2);
      const winLossRatio =
        history.wins > 0 && history.losses > 0 && history.lossSum > 0
          ? history.winSum / history.wins / (history.lossSum / history.losses)
          : Math.abs(priceTakeProfit - priceOpen) / Math.abs(priceOpen - priceStopLoss);
      const fraction = winRate - (1 - winRate) / winLossRatio;
      if (!(fraction > 0)) {
        return {
          problem: `sizing "${schema.sizingName}": Kelly fraction ${fraction.toFixed(4)} ≤ 0 (win rate ${winRate.toFixed(4)}, win/loss ratio ${winLossRatio.toFixed(4)}): no edge, no position`,
        };
      }
      rawCost = accountBalance * fraction * (schema.kellyMultiplier ?? 0.25);
      break;
    }
    case "atr-based": {
      const atr = input.atr ?? Number.NaN;
      if (!(atr > 0)) {
        return { problem: `sizing "${schema.sizingName}": ATR(${ATR_PERIOD}) is not available (${atr})` };
      }
      const stopDistance = atr * (schema.atrMultiplier ?? 2);
      rawCost = ((accountBalance * schema.riskPercentage) / 100 / stopDistance) * priceOpen;
      break;
    }
    default: {
      const unreachable: never = schema;
      return { problem: `unknown sizing method ${(unreachable as ISizingSchema).method}` };
    }
  }
  const cost = applyCaps(schema, accountBalance, rawCost);
  if (!(cost > 0) || !Number.isFinite(cost)) {
    return { problem: `sizing "${schema.sizingName}": computed cost ${cost} is not a positive number` };
  }
  return { cost };
}
