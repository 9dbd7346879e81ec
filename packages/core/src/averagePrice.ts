// The current-price model: VWAP of the last N one-minute candles using the typical price (h+l+c)/3,
// falling back to the mean of closes when the window has no volume.

import type { ICandleData } from "./candle";

/**
 * VWAP of `candles` (all of them; pass the last N). Returns NaN for an empty list.
 * @example averagePrice([{ timestamp: 0, open: 1, high: 3, low: 1, close: 2, volume: 1 }]) // 2
 */
export function averagePrice(candles: ReadonlyArray<ICandleData>): number {
  let weighted = 0;
  let volume = 0;
  let closes = 0;
  for (const candle of candles) {
    weighted += ((candle.high + candle.low + candle.close) / 3) * candle.volume;
    volume += candle.volume;
    closes += candle.close;
  }
  if (candles.length === 0) return Number.NaN;
  return volume > 0 ? weighted / volume : closes / candles.length;
}

/**
 * VWAP over the column range [from, to) of typed-array candles; the allocation-free twin of averagePrice.
 * Returns NaN for an empty range.
 */
export function averagePriceOfColumns(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  from: number,
  to: number,
): number {
  let weighted = 0;
  let totalVolume = 0;
  let closes = 0;
  for (let index = from; index < to; index++) {
    const candleVolume = volume[index] as number;
    const closePrice = close[index] as number;
    weighted += (((high[index] as number) + (low[index] as number) + closePrice) / 3) * candleVolume;
    totalVolume += candleVolume;
    closes += closePrice;
  }
  if (to <= from) return Number.NaN;
  return totalVolume > 0 ? weighted / totalVolume : closes / (to - from);
}
