// The candles a floor strategy reads: 1m columns aggregated once into the strategy's interval (complete
// UTC-aligned buckets, as bt's store does), and the closed candles before a time, as objects (what
// getCandles returns) or as a zero-copy column window.

import type { ICandleColumns, ICandleData } from "@bt/core";
import { MINUTE_MS } from "./floorRules";

/** A zero-copy window of columns: candles [from, to) of `columns`. */
export interface IFloorColumnWindow {
  columns: Readonly<ICandleColumns>;
  from: number;
  to: number;
}

/** Closed candles of one interval, built once from contiguous 1m columns. */
export class FloorCandles {
  readonly columns: ICandleColumns;
  /** Open time of the first candle of `columns`, epoch ms. */
  readonly firstMs: number;
  readonly intervalMs: number;

  constructor(minutes: Readonly<ICandleColumns>, intervalMinutes: number) {
    this.intervalMs = intervalMinutes * MINUTE_MS;
    this.columns = intervalMinutes === 1 ? minutes : aggregate(minutes, this.intervalMs);
    const firstMinuteMs = minutes.timestamp[0] as number;
    this.firstMs = intervalMinutes === 1 ? firstMinuteMs : alignUp(firstMinuteMs, this.intervalMs);
  }

  /** Start of the interval window containing `whenMs` (UTC-aligned), epoch ms. */
  boundaryMs(whenMs: number): number {
    return whenMs - (whenMs % this.intervalMs);
  }

  /** Exclusive index of the closed candles before the window containing `whenMs`. */
  endBefore(whenMs: number): number {
    const end = Math.floor((this.boundaryMs(whenMs) - this.firstMs) / this.intervalMs);
    return Math.max(0, Math.min(this.columns.close.length, end));
  }

  /** The last `limit` closed candles before `whenMs` as new objects, like getCandles. */
  objectsBefore(whenMs: number, limit: number): ICandleData[] {
    const { timestamp, open, high, low, close, volume } = this.columns;
    const end = this.endBefore(whenMs);
    const from = Math.max(0, end - limit);
    const candles: ICandleData[] = new Array(end - from);
    for (let index = from; index < end; index++) {
      candles[index - from] = {
        timestamp: timestamp[index] as number,
        open: open[index] as number,
        high: high[index] as number,
        low: low[index] as number,
        close: close[index] as number,
        volume: volume[index] as number,
      };
    }
    return candles;
  }

  /** The last `limit` closed candles before `whenMs` as a window of the columns (no copy). */
  windowBefore(whenMs: number, limit: number): IFloorColumnWindow {
    const end = this.endBefore(whenMs);
    return { columns: this.columns, from: Math.max(0, end - limit), to: end };
  }
}

function alignUp(timeMs: number, stepMs: number): number {
  const remainder = timeMs % stepMs;
  return remainder === 0 ? timeMs : timeMs + stepMs - remainder;
}

/** Complete buckets of `stepMs` from the first aligned minute (contiguous 1m input, no inner gaps). */
function aggregate(minutes: Readonly<ICandleColumns>, stepMs: number): ICandleColumns {
  const perBucket = stepMs / MINUTE_MS;
  const count = minutes.timestamp.length;
  const first =
    (alignUp(minutes.timestamp[0] as number, stepMs) - (minutes.timestamp[0] as number)) / MINUTE_MS;
  const buckets = Math.max(0, Math.floor((count - first) / perBucket));
  const output: ICandleColumns = {
    timestamp: new Float64Array(buckets),
    open: new Float64Array(buckets),
    high: new Float64Array(buckets),
    low: new Float64Array(buckets),
    close: new Float64Array(buckets),
    volume: new Float64Array(buckets),
  };
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = first + bucket * perBucket;
    let high = minutes.high[start] as number;
    let low = minutes.low[start] as number;
    let volume = 0;
    for (let minute = start; minute < start + perBucket; minute++) {
      if ((minutes.high[minute] as number) > high) high = minutes.high[minute] as number;
      if ((minutes.low[minute] as number) < low) low = minutes.low[minute] as number;
      volume += minutes.volume[minute] as number;
    }
    output.timestamp[bucket] = minutes.timestamp[start] as number;
    output.open[bucket] = minutes.open[start] as number;
    output.high[bucket] = high;
    output.low[bucket] = low;
    output.close[bucket] = minutes.close[start + perBucket - 1] as number;
    output.volume[bucket] = volume;
  }
  return output;
}
