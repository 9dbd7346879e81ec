// Growable column storage that validates every row as it is appended: core's candle check (finite
// numbers, positive prices, OHLC consistency), ascending aligned open times, and gaps (reported or fatal).
// Errors name file and line.

import { BtError, candleValuesProblem, isWellFormedCandle, MINUTE_MS } from "@bt/core";
import type { ICandleColumns } from "./candleColumns";
import type { FileGapPolicy, ICandleGap } from "./candleFileTypes";

const INITIAL_CAPACITY = 16_384;

/** Builds ICandleColumns row by row, throwing BtError("CANDLES") at the first invalid row. */
export class CandleColumnsBuilder {
  length = 0;
  readonly gaps: ICandleGap[] = [];
  private timestamp: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private previousTimestamp = Number.NEGATIVE_INFINITY;

  /**
   * @param file path used in error messages
   * @param intervalMs candle length in ms: open times must be multiples of it; a larger step is a gap
   * @param onGap "error" throws at the first gap, "report" records it in `gaps`
   * @param positionLabel how messages name a row's position: "line" (text files) or "item" (JSON arrays)
   */
  constructor(
    readonly file: string,
    readonly intervalMs: number,
    readonly onGap: FileGapPolicy,
    readonly positionLabel: "line" | "item" = "line",
    capacity = INITIAL_CAPACITY,
  ) {
    const size = Math.max(16, capacity);
    this.timestamp = new Float64Array(size);
    this.open = new Float64Array(size);
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
  }

  /**
   * Validates and appends one candle (open time in epoch ms, prices in quote, volume in base).
   * @throws BtError CANDLES naming the file, the line, the field and the value.
   */
  push(
    timestamp: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    line: number,
  ): void {
    // One combined check keeps the common (valid) path to a single branch and no allocation.
    if (
      !isWellFormedCandle(timestamp, open, high, low, close, volume) ||
      !(timestamp > this.previousTimestamp) ||
      timestamp % this.intervalMs !== 0
    ) {
      this.reject(timestamp, open, high, low, close, volume, line);
    }
    if (timestamp - this.previousTimestamp > this.intervalMs && this.length > 0) {
      this.gap(timestamp, line);
    }
    if (this.length === this.timestamp.length) this.grow();
    const index = this.length;
    this.timestamp[index] = timestamp;
    this.open[index] = open;
    this.high[index] = high;
    this.low[index] = low;
    this.close[index] = close;
    this.volume[index] = volume;
    this.length = index + 1;
    this.previousTimestamp = timestamp;
  }

  /** The validated candles, trimmed to their length (copied once so the spare capacity is released). */
  finish(): ICandleColumns {
    const length = this.length;
    return {
      timestamp: this.timestamp.slice(0, length),
      open: this.open.slice(0, length),
      high: this.high.slice(0, length),
      low: this.low.slice(0, length),
      close: this.close.slice(0, length),
      volume: this.volume.slice(0, length),
    };
  }

  /** Throws a BtError naming the first problem of a row, for a row that failed the fast combined check. */
  fail(line: number, field: string, value: unknown, problem: string): never {
    throw new BtError("CANDLES", `exchange-file: ${this.file} ${this.positionLabel} ${line}: ${problem}`, {
      field,
      value,
      adapter: "file",
    });
  }

  private reject(
    timestamp: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    line: number,
  ): void {
    if (!Number.isFinite(timestamp)) this.fail(line, "timestamp", timestamp, "open time is not a valid time");
    // NaN is a field that did not parse as a number: a problem of the file, named as such.
    const values: Array<[string, number]> = [
      ["open", open],
      ["high", high],
      ["low", low],
      ["close", close],
      ["volume", volume],
    ];
    for (const [field, value] of values) {
      if (Number.isNaN(value)) this.fail(line, field, value, `${field} is not a number`);
    }
    const problem = candleValuesProblem(timestamp, open, high, low, close, volume);
    if (problem !== null) this.fail(line, problem.field, problem.value, problem.message);
    const at = new Date(timestamp).toISOString();
    if (timestamp === this.previousTimestamp) {
      this.fail(line, "timestamp", timestamp, `duplicate open time ${at}`);
    }
    if (timestamp < this.previousTimestamp) {
      this.fail(
        line,
        "timestamp",
        timestamp,
        `open time ${at} is before the previous candle's ${new Date(this.previousTimestamp).toISOString()} (unordered)`,
      );
    }
    this.fail(
      line,
      "timestamp",
      timestamp,
      `open time ${at} is not aligned to the ${this.intervalMs / MINUTE_MS}-minute interval`,
    );
  }

  private gap(timestamp: number, line: number): void {
    const missingCandles = (timestamp - this.previousTimestamp) / this.intervalMs - 1;
    const gap: ICandleGap = {
      file: this.file,
      line,
      afterMs: this.previousTimestamp,
      beforeMs: timestamp,
      missingCandles,
    };
    if (this.onGap === "error") {
      this.fail(
        line,
        "timestamp",
        timestamp,
        `gap of ${missingCandles} candle(s) between ${new Date(gap.afterMs).toISOString()} and ${new Date(timestamp).toISOString()}`,
      );
    }
    this.gaps.push(gap);
  }

  private grow(): void {
    const size = this.timestamp.length * 2;
    const grown = (column: Float64Array): Float64Array => {
      const next = new Float64Array(size);
      next.set(column);
      return next;
    };
    this.timestamp = grown(this.timestamp);
    this.open = grown(this.open);
    this.high = grown(this.high);
    this.low = grown(this.low);
    this.close = grown(this.close);
    this.volume = grown(this.volume);
  }
}
