// Seeded, deterministic synthetic candles for benchmarks, tests and the bundled sample data.
// Model: geometric random walk with GARCH(1,1) volatility clustering, Student-t (ν = 4) innovations,
// UTC intraday seasonality of volatility and volume, prices on a tick grid, always-valid OHLC.

import type { ICandleColumns, ICandleData } from "@bt/core";

/** Options of the generator; the same options always give the same candles. */
export interface ICandleGeneratorOptions {
  /** PRNG seed (any 32-bit integer; other numbers are truncated to 32 bits). */
  seed: number;
  /** Open time of the first candle, epoch ms (UTC). */
  startMs: number;
  /** Number of candles to generate (≥ 0). */
  count: number;
  /** Open price of the first candle in quote currency; default 50,000. */
  startPrice?: number;
  /** Candle length in ms; default 60,000 (1m). */
  intervalMs?: number;
  /** Price grid step in quote currency; default 0.01. */
  tickSize?: number;
  /** Long-run annualised volatility (0.6 = 60 %/year); default 0.6. */
  annualVolatility?: number;
  /** Mean volume per 1m candle in base currency, scaled linearly with the interval; default 10. */
  baseVolume?: number;
}

/** Column form of generated candles (core's ICandleColumns): one Float64Array per field, all of length `count`. */
export type { ICandleColumns };

const MINUTES_PER_YEAR = 525_600;
const MINUTES_PER_DAY = 1_440;
const DAY_MS = 86_400_000;
// GARCH(1,1) persistence: alpha + beta < 1 keeps the variance stationary; high beta gives long clusters.
const GARCH_ALPHA = 0.06;
const GARCH_BETA = 0.92;
// Student-t with 4 degrees of freedom has variance 2; dividing by √2 gives unit-variance fat-tailed shocks.
const T4_UNIT_SCALE = Math.SQRT1_2;
const UNIFORMS_PER_CANDLE = 4;
const BATCH_CANDLES = 4_096;
// Quantile tables turn one uniform into a Student-t or exponential draw without a transcendental call.
const QUANTILE_CELLS = 4_096;

/**
 * mulberry32: a tiny, fast 32-bit PRNG. Fills `buffer` with floats in [0, 1) and returns the next state;
 * batching keeps the state in a local variable (no boxed closure state, no allocation per draw).
 */
function fillUniform(state: number, buffer: Float64Array): number {
  let current = state | 0;
  for (let index = 0; index < buffer.length; index++) {
    current = (current + 0x6d2b79f5) | 0;
    let mixed = Math.imul(current ^ (current >>> 15), 1 | current);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    buffer[index] = ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  }
  return current;
}

/** Quantile function of Student's t with 4 degrees of freedom (closed form), for p in (0, 1). */
function studentT4Quantile(probability: number): number {
  const alpha = 4 * probability * (1 - probability);
  const rootAlpha = Math.sqrt(alpha);
  const q = Math.cos(Math.acos(rootAlpha) / 3) / rootAlpha;
  return Math.sign(probability - 0.5) * 2 * Math.sqrt(Math.max(q - 1, 0));
}

/** Quantile function of the unit exponential distribution, for p in [0, 1). */
function exponentialQuantile(probability: number): number {
  return -Math.log(1 - probability);
}

/** `quantile` sampled at p = i / QUANTILE_CELLS for i in 1..QUANTILE_CELLS-1 (ends are computed exactly). */
function quantileTable(quantile: (probability: number) => number): Float64Array {
  const table = new Float64Array(QUANTILE_CELLS + 1);
  for (let cell = 1; cell < QUANTILE_CELLS; cell++) table[cell] = quantile(cell / QUANTILE_CELLS);
  return table;
}

const T4_TABLE = quantileTable(studentT4Quantile);
const EXPONENTIAL_TABLE = quantileTable(exponentialQuantile);

/** Draw from a quantile table by linear interpolation; the two outer cells use the exact quantile. */
function sampleQuantile(
  table: Float64Array,
  quantile: (probability: number) => number,
  uniform: number,
): number {
  const position = uniform * QUANTILE_CELLS;
  const cell = position | 0;
  if (cell === 0 || cell >= QUANTILE_CELLS - 1) return quantile(uniform === 0 ? 0.5 / 2 ** 32 : uniform);
  const fraction = position - cell;
  const lower = table[cell]!;
  return lower + fraction * (table[cell + 1]! - lower);
}

/** Volatility multiplier by UTC minute of day: quiet Asian night, busier London, peak at the US open. */
function seasonalityTable(): Float64Array {
  const table = new Float64Array(MINUTES_PER_DAY);
  let sum = 0;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    const hours = minute / 60;
    const daily = 1 + 0.35 * Math.cos((2 * Math.PI * (hours - 15)) / 24);
    const usOpen = 0.6 * Math.exp(-(((hours - 14.5) / 0.75) ** 2));
    const londonOpen = 0.25 * Math.exp(-(((hours - 8) / 0.75) ** 2));
    table[minute] = daily + usOpen + londonOpen;
    sum += table[minute]!;
  }
  // Normalise to mean 1 so `annualVolatility` stays the long-run figure.
  const mean = sum / MINUTES_PER_DAY;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) table[minute]! /= mean;
  return table;
}

const SEASONALITY = seasonalityTable();

/**
 * Generates `count` candles as columns (fast path for benchmarks); deterministic for equal options.
 * @example generateCandleColumns({ seed: 1, startMs: Date.UTC(2025, 0, 1), count: 1440 }).close.length // 1440
 */
export function generateCandleColumns(options: ICandleGeneratorOptions): ICandleColumns {
  const count = Math.max(0, Math.floor(options.count));
  const intervalMs = options.intervalMs ?? 60_000;
  const tickSize = options.tickSize ?? 0.01;
  const ticksPerUnit = 1 / tickSize;
  const annualVolatility = options.annualVolatility ?? 0.6;
  const intervalMinutes = intervalMs / 60_000;
  const baseVolume = (options.baseVolume ?? 10) * intervalMinutes;

  const timestamp = new Float64Array(count);
  const open = new Float64Array(count);
  const high = new Float64Array(count);
  const low = new Float64Array(count);
  const close = new Float64Array(count);
  const volume = new Float64Array(count);

  // Long-run variance of one log return at this interval.
  const longRunVariance = (annualVolatility * annualVolatility * intervalMinutes) / MINUTES_PER_YEAR;
  const omega = longRunVariance * (1 - GARCH_ALPHA - GARCH_BETA);
  let variance = longRunVariance;
  let previousShock = 0;
  const minPrice = tickSize;
  let logPrice = Math.log(Math.max(options.startPrice ?? 50_000, minPrice));
  let previousClose = Math.max(Math.round(Math.exp(logPrice) * ticksPerUnit) / ticksPerUnit, minPrice);

  // Four uniforms per candle, drawn in batches: the return shock, two wicks and the volume noise.
  const uniforms = new Float64Array(UNIFORMS_PER_CANDLE * BATCH_CANDLES);
  let randomState = options.seed | 0;
  let cursor = uniforms.length;
  const minutesPerStep = Math.round(intervalMinutes);
  let minuteOfDay = Math.floor((((options.startMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);

  for (let index = 0; index < count; index++) {
    if (cursor === uniforms.length) {
      randomState = fillUniform(randomState, uniforms);
      cursor = 0;
    }
    const innovation = sampleQuantile(T4_TABLE, studentT4Quantile, uniforms[cursor]!) * T4_UNIT_SCALE;
    const wickUp = sampleQuantile(EXPONENTIAL_TABLE, exponentialQuantile, uniforms[cursor + 1]!);
    const wickDown = sampleQuantile(EXPONENTIAL_TABLE, exponentialQuantile, uniforms[cursor + 2]!);
    const volumeDraw = sampleQuantile(EXPONENTIAL_TABLE, exponentialQuantile, uniforms[cursor + 3]!);
    cursor += UNIFORMS_PER_CANDLE;

    const season = SEASONALITY[minuteOfDay]!;
    minuteOfDay = (minuteOfDay + minutesPerStep) % MINUTES_PER_DAY;

    variance = omega + GARCH_ALPHA * previousShock * previousShock + GARCH_BETA * variance;
    const sigma = Math.sqrt(variance);
    previousShock = sigma * innovation;
    logPrice += previousShock * season;

    const priceOpen = previousClose;
    let priceClose = Math.round(Math.exp(logPrice) * ticksPerUnit) / ticksPerUnit;
    if (priceClose < minPrice) priceClose = minPrice;
    const bodyHigh = Math.max(priceOpen, priceClose);
    const bodyLow = Math.min(priceOpen, priceClose);
    // Wicks: exponential excursions beyond the body, scaled by the current volatility.
    const wickScale = sigma * season * 0.6;
    const upper = bodyHigh * (1 + wickUp * wickScale);
    const lower = bodyLow * (1 - wickDown * wickScale);
    let priceHigh = Math.ceil(upper * ticksPerUnit - 1e-9) / ticksPerUnit;
    let priceLow = Math.floor(lower * ticksPerUnit + 1e-9) / ticksPerUnit;
    if (priceHigh < bodyHigh) priceHigh = bodyHigh;
    if (priceLow > bodyLow || priceLow < minPrice) priceLow = bodyLow;

    // Volume follows the seasonality and the size of the move, with right-skewed noise of mean 1; positive.
    const activity = season * (0.6 + 0.4 * Math.abs(innovation));
    const noise = 0.5 + 0.5 * volumeDraw;
    const amount = Math.round(baseVolume * activity * noise * 100_000) / 100_000;

    timestamp[index] = options.startMs + index * intervalMs;
    open[index] = priceOpen;
    high[index] = priceHigh;
    low[index] = priceLow;
    close[index] = priceClose;
    volume[index] = amount > 0 ? amount : 0.00001;
    previousClose = priceClose;
  }
  return { timestamp, open, high, low, close, volume };
}

/**
 * Generates `count` candles as ICandleData records; same candles as generateCandleColumns for equal options.
 * @example generateCandles({ seed: 42, startMs: Date.UTC(2025, 0, 1), count: 3 })[0].timestamp // 1735689600000
 */
export function generateCandles(options: ICandleGeneratorOptions): ICandleData[] {
  const columns = generateCandleColumns(options);
  const candles: ICandleData[] = new Array(columns.timestamp.length);
  for (let index = 0; index < candles.length; index++) {
    candles[index] = {
      timestamp: columns.timestamp[index]!,
      open: columns.open[index]!,
      high: columns.high[index]!,
      low: columns.low[index]!,
      close: columns.close[index]!,
      volume: columns.volume[index]!,
    };
  }
  return candles;
}
