// bt's backtest rules written out as tight loops over typed arrays, for the floors: the store layout
// (1m columns from frame start − warm-up), the current price (VWAP of the last CC_AVG_PRICE_CANDLES_COUNT
// closed 1m candles), signal validation, the exit order of an open position (expiry, then take profit,
// then stop loss) and the resume rule after a close. Public defaults of @bt/core only, no engine internals.

import { DEFAULT_CONFIG, type ICandleColumns } from "@bt/core";

export const MINUTE_MS = 60_000;
/** Minutes of a position's life in every bench strategy (minuteEstimatedTime). */
export const SIGNAL_LIFETIME_MINUTES = 720;
/** Percent shortfall still counted as meeting a validation limit (as in core's validateSignal). */
const PERCENT_TOLERANCE = 1e-9;

/** A market signal as the bench strategies return it (no priceOpen: opens at the current price). */
export interface IFloorSignal {
  long: boolean;
  priceTakeProfit: number;
  priceStopLoss: number;
}

/**
 * The current price of every minute i of `columns`: VWAP of the typical price (h+l+c)/3 over candles
 * i−N … i−1 (closed before minute i), mean of closes when they have no volume, NaN for i < N. Same
 * summation order as core's averagePriceOfColumns, so the floats (and so every TP/SL hit) are identical.
 */
export function floorPriceColumn(
  columns: Readonly<ICandleColumns>,
  candleCount = DEFAULT_CONFIG.CC_AVG_PRICE_CANDLES_COUNT,
): Float64Array {
  const { high, low, close, volume } = columns;
  const count = close.length;
  const prices = new Float64Array(count + 1);
  for (let index = 0; index <= count; index++) {
    if (index < candleCount) {
      prices[index] = Number.NaN;
      continue;
    }
    let weighted = 0;
    let totalVolume = 0;
    let closes = 0;
    for (let candle = index - candleCount; candle < index; candle++) {
      const candleVolume = volume[candle] as number;
      const closePrice = close[candle] as number;
      weighted += (((high[candle] as number) + (low[candle] as number) + closePrice) / 3) * candleVolume;
      totalVolume += candleVolume;
      closes += closePrice;
    }
    prices[index] = totalVolume > 0 ? weighted / totalVolume : closes / candleCount;
  }
  return prices;
}

function percentDistance(from: number, to: number): number {
  return (Math.abs(to - from) / from) * 100;
}

/**
 * True when a market signal passes core's validation at `currentPrice` with the default config: TP on
 * the profit side and at least CC_MIN_TAKEPROFIT_DISTANCE_PERCENT away, SL on the loss side within
 * [CC_MIN_STOPLOSS_DISTANCE_PERCENT, CC_MAX_STOPLOSS_DISTANCE_PERCENT] (lifetime 720 ≤ 1440 always passes).
 */
export function floorSignalValid(signal: IFloorSignal, currentPrice: number): boolean {
  const config = DEFAULT_CONFIG;
  if (!(Number.isFinite(currentPrice) && currentPrice > 0)) return false;
  const { long, priceTakeProfit, priceStopLoss } = signal;
  if (long ? !(priceTakeProfit > currentPrice) : !(priceTakeProfit < currentPrice)) return false;
  const takeProfitDistance = percentDistance(currentPrice, priceTakeProfit);
  if (takeProfitDistance < config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT - PERCENT_TOLERANCE) return false;
  if (long ? !(priceStopLoss < currentPrice) : !(priceStopLoss > currentPrice)) return false;
  const stopLossDistance = percentDistance(currentPrice, priceStopLoss);
  if (stopLossDistance < config.CC_MIN_STOPLOSS_DISTANCE_PERCENT - PERCENT_TOLERANCE) return false;
  return !(config.CC_MAX_STOPLOSS_DISTANCE_PERCENT < stopLossDistance - PERCENT_TOLERANCE);
}

/**
 * Index of the minute at which a position opened at minute `openIndex` closes: the first later minute
 * (before `endIndex`) where it has lived ≥ SIGNAL_LIFETIME_MINUTES, else where the price reaches TP, else
 * SL (that order); the frame's last minute (time_expired) when none does.
 */
export function floorExitIndex(
  signal: IFloorSignal,
  prices: Float64Array,
  openIndex: number,
  endIndex: number,
): number {
  const { long, priceTakeProfit, priceStopLoss } = signal;
  // Elapsed time ≥ lifetime ⇔ index − openIndex ≥ lifetime minutes (times are whole minutes apart).
  const expiryIndex = openIndex + SIGNAL_LIFETIME_MINUTES;
  for (let index = openIndex + 1; index < endIndex; index++) {
    if (index >= expiryIndex) return index;
    const price = prices[index] as number;
    if (
      long
        ? price >= priceTakeProfit || price <= priceStopLoss
        : price <= priceTakeProfit || price >= priceStopLoss
    )
      return index;
  }
  return Math.max(openIndex, endIndex - 1);
}

/** Where a backtest's data sits in the columns: the frame's first minute and its exclusive end, as indices. */
export interface IFloorFrame {
  /** Index in the columns of the frame's first minute (= warm-up minutes loaded before it). */
  firstIndex: number;
  /** Exclusive end index of the frame's minutes. */
  endIndex: number;
  /** Open time of column index 0, epoch ms. */
  startMs: number;
}

/** The frame [frameStartMs, frameStartMs + minutes·1m) over columns whose first candle opens at timestamp[0]. */
export function floorFrame(
  columns: Readonly<ICandleColumns>,
  frameStartMs: number,
  minutes: number,
): IFloorFrame {
  const startMs = columns.timestamp[0] as number;
  const firstIndex = (frameStartMs - startMs) / MINUTE_MS;
  return { firstIndex, endIndex: firstIndex + minutes, startMs };
}
