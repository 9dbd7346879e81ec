// Column storage that validates every row as it is appended: core's candle check (finite numbers,
// positive prices, OHLC consistency), ascending aligned open times, and gaps (reported or fatal). Errors
// name file and line. Rows go into fixed segments (never a doubling copy); a reader that can estimate its
// row count reserves it once, so a large file usually ends in one segment handed out as views, no copy.

import {
  allocateCandleColumns,
  BtError,
  candleValuesProblem,
  isWellFormedCandle,
  MINUTE_MS,
  markCandleColumnsChecked,
} from "@bt/core";
import type { ICandleColumns } from "./candleColumns";
import type { BadLinePolicy, FileGapPolicy, ICandleBadLine, ICandleGap } from "./candleFileTypes";

const INITIAL_CAPACITY = 16_384;
/** Rows of each segment added once the reserved capacity is full (512 KiB per column). */
const SEGMENT_ROWS = 65_536;

const EMPTY: Float64Array = new Float64Array(0);

const FIELDS = ["timestamp", "open", "high", "low", "close", "volume"] as const;

/** Bad lines kept in `badLines` with onBadLine "skip" (all are counted in `badLineCount`). */
const MAX_KEPT_BAD_LINES = 1_000;

/**
 * Builds ICandleColumns row by row: an invalid row throws BtError("CANDLES") (onBadLine "error") or is
 * skipped and recorded in `badLines` (onBadLine "skip").
 */
export class CandleColumnsBuilder {
  /** Rows appended so far (all segments). */
  length = 0;
  readonly gaps: ICandleGap[] = [];
  /** Rows skipped with onBadLine "skip" (the first 1,000; `badLineCount` counts them all). */
  readonly badLines: ICandleBadLine[] = [];
  badLineCount = 0;
  /**
   * Set by a text reader: the raw text of `field` on the line being pushed, so a message can quote what
   * the file holds ("abc") rather than what it parsed to (NaN). Called only for a bad row.
   */
  rawField: ((field: string) => string | undefined) | undefined;
  /** Full segments before the current one, in order. */
  private readonly filled: ICandleColumns[] = [];
  /** Rows held by `filled`: the current segment's row `index` is overall row `offset + index`. */
  private offset = 0;
  private capacity: number;
  // The current segment's columns, held in fields of their own for the hot path of push().
  private timestamp = EMPTY;
  private open = EMPTY;
  private high = EMPTY;
  private low = EMPTY;
  private close = EMPTY;
  private volume = EMPTY;
  private previousTimestamp = Number.NEGATIVE_INFINITY;

  /**
   * @param file path used in error messages
   * @param intervalMs candle length in ms: open times must be multiples of it; a larger step is a gap
   * @param onGap "error" throws at the first gap, "report" records it in `gaps`
   * @param positionLabel how messages name a row's position: "line" (text files, `file:line`), "item" (JSON
   *   arrays) or "row" (Arrow tables)
   * @param onBadLine "error" throws at the first invalid row, "skip" records it and goes on
   */
  constructor(
    readonly file: string,
    readonly intervalMs: number,
    readonly onGap: FileGapPolicy,
    readonly positionLabel: "line" | "item" | "row" = "line",
    readonly onBadLine: BadLinePolicy = "error",
    capacity = INITIAL_CAPACITY,
  ) {
    this.capacity = Math.max(16, Math.ceil(capacity));
    this.use(allocateCandleColumns(this.capacity));
  }

  /**
   * Makes room for about `rows` rows in total in one segment, so a good estimate ends the read without any
   * copy: the rows appended so far are moved once (call it early). Reserved pages never written stay
   * virtual (zero pages the OS maps on first write), so an overestimate costs address space, not RSS.
   */
  reserve(rows: number): void {
    const capacity = Math.ceil(rows);
    if (this.filled.length > 0 || !(capacity > this.capacity)) return;
    const segment = allocateCandleColumns(capacity);
    for (const field of FIELDS) segment[field].set(this[field].subarray(0, this.length));
    this.capacity = capacity;
    this.use(segment);
  }

  /** The current segment's columns. */
  private segment(): ICandleColumns {
    const { timestamp, open, high, low, close, volume } = this;
    return { timestamp, open, high, low, close, volume };
  }

  /** Makes `segment` the current segment (the one push() writes). */
  private use(segment: ICandleColumns): void {
    this.timestamp = segment.timestamp;
    this.open = segment.open;
    this.high = segment.high;
    this.low = segment.low;
    this.close = segment.close;
    this.volume = segment.volume;
  }

  /**
   * Validates and appends one candle (open time in epoch ms, prices in quote, volume in base); an invalid
   * one is skipped with onBadLine "skip".
   * @throws BtError CANDLES naming the file, the line, the field and the value (onBadLine "error").
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
      return;
    }
    if (timestamp - this.previousTimestamp > this.intervalMs && this.length > 0) {
      this.gap(timestamp, line);
    }
    let index = this.length - this.offset;
    if (index === this.capacity) {
      this.nextSegment();
      index = 0;
    }
    this.timestamp[index] = timestamp;
    this.open[index] = open;
    this.high[index] = high;
    this.low[index] = low;
    this.close[index] = close;
    this.volume[index] = volume;
    this.length++;
    this.previousTimestamp = timestamp;
  }

  /**
   * The validated candles, marked checked for the engine (core's markCandleColumnsChecked): every row passed
   * isWellFormedCandle, open times are strictly ascending and aligned to the interval. One segment at
   * least three quarters full is handed out as views (its unwritten tail never became resident); otherwise
   * the rows are copied once into exact-size columns, each segment released as soon as it is copied.
   * Call it once, after the last push.
   */
  finish(): ICandleColumns {
    const length = this.length;
    const current = this.segment();
    this.timestamp = this.open = this.high = this.low = this.close = this.volume = EMPTY;
    if (this.filled.length === 0 && length * 4 >= this.capacity * 3) {
      const views = {} as ICandleColumns;
      for (const field of FIELDS) views[field] = current[field].subarray(0, length);
      return markCandleColumnsChecked(views);
    }
    const segments = this.filled.splice(0);
    segments.push(current);
    const columns = {} as ICandleColumns;
    // Column by column, dropping each segment's column once copied, so the garbage is collectable early.
    for (const field of FIELDS) {
      const target = new Float64Array(length);
      let offset = 0;
      for (const segment of segments) {
        const rows = Math.min(segment[field].length, length - offset);
        target.set(
          rows === segment[field].length ? segment[field] : segment[field].subarray(0, rows),
          offset,
        );
        offset += rows;
        segment[field] = EMPTY;
      }
      columns[field] = target;
    }
    this.capacity = 0;
    return markCandleColumnsChecked(columns);
  }

  /** Where a row is, as messages say it: `file:12` for a line, `file item 12` / `file row 12` otherwise. */
  where(line: number): string {
    return this.positionLabel === "line"
      ? `${this.file}:${line}`
      : `${this.file} ${this.positionLabel} ${line}`;
  }

  /** Throws a BtError about the file (not one row): always fatal, whatever onBadLine says. */
  fail(line: number, field: string, value: unknown, problem: string): never {
    throw new BtError("CANDLES", `exchange-file: ${this.where(line)}: ${problem}`, {
      field,
      value,
      adapter: "file",
    });
  }

  /** A bad row: thrown (onBadLine "error") or recorded and skipped ("skip"). */
  bad(line: number, field: string, value: unknown, problem: string): void {
    if (this.onBadLine === "error") this.fail(line, field, value, problem);
    this.badLineCount++;
    if (this.badLines.length < MAX_KEPT_BAD_LINES) {
      this.badLines.push({
        file: this.file,
        line,
        position: this.positionLabel,
        field,
        value: typeof value === "number" || typeof value === "string" ? value : String(value),
        reason: problem,
      });
    }
  }

  /** The raw text of `field` when the reader can tell it, quoted, for messages. */
  private quoted(field: string): string {
    const raw = this.rawField?.(field);
    return raw === undefined ? "" : ` (${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)})`;
  }

  /** Records or throws the first problem of a row that failed the fast combined check (cold path only). */
  private reject(
    timestamp: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    line: number,
  ): void {
    if (!Number.isFinite(timestamp)) {
      const raw = this.rawField?.("timestamp");
      this.bad(
        line,
        "timestamp",
        raw ?? timestamp,
        `open time${this.quoted("timestamp")} is not a valid time (epoch s, ms, µs or ns from 1973 on, or ISO-8601)`,
      );
      return;
    }
    // NaN is a field that did not parse as a number: a problem of the file, named as such.
    const values: Array<[string, number]> = [
      ["open", open],
      ["high", high],
      ["low", low],
      ["close", close],
      ["volume", volume],
    ];
    for (const [field, value] of values) {
      if (Number.isNaN(value)) {
        this.bad(
          line,
          field,
          this.rawField?.(field) ?? value,
          `${field} is not a number${this.quoted(field)}`,
        );
        return;
      }
    }
    const problem = candleValuesProblem(timestamp, open, high, low, close, volume);
    if (problem !== null) {
      this.bad(line, problem.field, problem.value, problem.message);
      return;
    }
    const at = new Date(timestamp).toISOString();
    if (timestamp === this.previousTimestamp) {
      this.bad(line, "timestamp", timestamp, `duplicate open time ${at}`);
    } else if (timestamp < this.previousTimestamp) {
      this.bad(
        line,
        "timestamp",
        timestamp,
        `open time ${at} is before the previous candle's ${new Date(this.previousTimestamp).toISOString()} (unordered)`,
      );
    } else {
      this.bad(
        line,
        "timestamp",
        timestamp,
        `open time ${at} is not aligned to the ${this.intervalMs / MINUTE_MS}-minute interval`,
      );
    }
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

  /** The current segment is full: keep it and continue in a new fixed-size one (no copy). */
  private nextSegment(): void {
    this.filled.push(this.segment());
    this.offset += this.capacity;
    this.capacity = SEGMENT_ROWS;
    this.use(allocateCandleColumns(SEGMENT_ROWS));
  }
}
