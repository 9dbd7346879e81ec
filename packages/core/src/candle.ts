// The candle record exchanged between adapters and the engine, and its structural invariants.

/** One OHLCV candle; `timestamp` is the open time in epoch ms (UTC). Prices in quote currency, volume in base. */
export interface ICandleData {
  timestamp: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Why a candle is invalid, or null when it is well-formed: finite non-negative numbers, positive prices,
 * low ≤ min(open, close) and high ≥ max(open, close).
 */
export function candleProblem(candle: ICandleData): string | null {
  const { timestamp, open, high, low, close, volume } = candle;
  if (!Number.isFinite(timestamp)) return `timestamp is not a finite number (${timestamp})`;
  if (!(open > 0) || !Number.isFinite(open)) return `open must be a finite positive price, got ${open}`;
  if (!(high > 0) || !Number.isFinite(high)) return `high must be a finite positive price, got ${high}`;
  if (!(low > 0) || !Number.isFinite(low)) return `low must be a finite positive price, got ${low}`;
  if (!(close > 0) || !Number.isFinite(close)) return `close must be a finite positive price, got ${close}`;
  if (!(volume >= 0) || !Number.isFinite(volume))
    return `volume must be a finite non-negative number, got ${volume}`;
  if (high < low) return `high ${high} is below low ${low}`;
  if (low > Math.min(open, close)) return `low ${low} is above min(open, close) ${Math.min(open, close)}`;
  if (high < Math.max(open, close)) return `high ${high} is below max(open, close) ${Math.max(open, close)}`;
  return null;
}
