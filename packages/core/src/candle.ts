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

/** A field of a candle. */
export type CandleField = keyof ICandleData;

/** The first problem of an invalid candle: the field at fault, its value and a message without location. */
export interface ICandleProblem {
  readonly field: CandleField;
  readonly value: number;
  readonly message: string;
}

/**
 * True when the values form a well-formed candle (the rules of candleProblem): the column-wise fast form,
 * with no allocation, for checking every row of a large series. NaN fails every comparison, so it is rejected.
 */
export function isWellFormedCandle(
  timestamp: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): boolean {
  // Positive, low ≤ open, close ≤ high and a finite high bound every price; one branch on the valid path.
  return (
    open > 0 &&
    low > 0 &&
    close > 0 &&
    volume >= 0 &&
    low <= open &&
    low <= close &&
    high >= open &&
    high >= close &&
    high !== Number.POSITIVE_INFINITY &&
    volume !== Number.POSITIVE_INFINITY &&
    Number.isFinite(timestamp)
  );
}

/**
 * The first problem of a candle given as values (field, value, message), or null when it is well-formed:
 * finite timestamp, finite positive prices, finite non-negative volume, high ≥ low, low ≤ min(open, close)
 * and high ≥ max(open, close). Allocates only for an invalid candle; call it after isWellFormedCandle fails.
 */
export function candleValuesProblem(
  timestamp: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): ICandleProblem | null {
  if (!Number.isFinite(timestamp)) {
    return problem("timestamp", timestamp, `timestamp is not a finite number (${timestamp})`);
  }
  if (!(open > 0) || !Number.isFinite(open)) {
    return problem("open", open, `open must be a finite positive price, got ${open}`);
  }
  if (!(high > 0) || !Number.isFinite(high)) {
    return problem("high", high, `high must be a finite positive price, got ${high}`);
  }
  if (!(low > 0) || !Number.isFinite(low)) {
    return problem("low", low, `low must be a finite positive price, got ${low}`);
  }
  if (!(close > 0) || !Number.isFinite(close)) {
    return problem("close", close, `close must be a finite positive price, got ${close}`);
  }
  if (!(volume >= 0) || !Number.isFinite(volume)) {
    return problem("volume", volume, `volume must be a finite non-negative number, got ${volume}`);
  }
  if (high < low) return problem("high", high, `high ${high} is below low ${low}`);
  if (low > Math.min(open, close)) {
    return problem("low", low, `low ${low} is above min(open, close) ${Math.min(open, close)}`);
  }
  if (high < Math.max(open, close)) {
    return problem("high", high, `high ${high} is below max(open, close) ${Math.max(open, close)}`);
  }
  return null;
}

/**
 * Why a candle is invalid, or null when it is well-formed: finite non-negative numbers, positive prices,
 * low ≤ min(open, close) and high ≥ max(open, close).
 */
export function candleProblem(candle: ICandleData): string | null {
  const { timestamp, open, high, low, close, volume } = candle;
  return candleValuesProblem(timestamp, open, high, low, close, volume)?.message ?? null;
}

function problem(field: CandleField, value: number, message: string): ICandleProblem {
  return { field, value, message };
}
