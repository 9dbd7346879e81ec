// checkCandles: a data-quality report over candle columns of one interval (any source, checked or not):
// gaps, duplicates, out-of-order or unaligned times, OHLC anomalies and long runs of zero volume, with a
// count per kind for a table and the first issues in detail.

import { type CandleInterval, type ICandleColumns, intervalToMs } from "@bt/core";

/** Kinds of issue checkCandles finds. */
export type CandleIssueKind =
  | "gap"
  | "duplicate"
  | "out-of-order"
  | "unaligned"
  | "bad-price"
  | "high-below-body"
  | "low-above-body"
  | "negative-volume"
  | "zero-volume-run";

/** Every CandleIssueKind, in report order. */
export const CANDLE_ISSUE_KINDS: ReadonlyArray<CandleIssueKind> = [
  "gap",
  "duplicate",
  "out-of-order",
  "unaligned",
  "bad-price",
  "high-below-body",
  "low-above-body",
  "negative-volume",
  "zero-volume-run",
];

/** One issue; `index` is the row in the columns, times are epoch ms. */
export type CandleIssue =
  | {
      kind: "gap";
      index: number;
      fromMs: number;
      toMs: number;
      missingCandles: number;
      missingMinutes: number;
    }
  | { kind: "duplicate"; index: number; atMs: number }
  | { kind: "out-of-order"; index: number; atMs: number; previousMs: number }
  | { kind: "unaligned"; index: number; atMs: number }
  | {
      kind: "bad-price";
      index: number;
      atMs: number;
      field: "open" | "high" | "low" | "close";
      value: number;
    }
  | { kind: "high-below-body"; index: number; atMs: number; high: number; bodyHigh: number }
  | { kind: "low-above-body"; index: number; atMs: number; low: number; bodyLow: number }
  | { kind: "negative-volume"; index: number; atMs: number; volume: number }
  | { kind: "zero-volume-run"; index: number; fromMs: number; toMs: number; candles: number };

/** Options of checkCandles. */
export interface ICheckCandlesOptions {
  /** A run of zero-volume candles is reported from this many candles on; default 60. */
  zeroVolumeRunCandles?: number;
  /** Issues kept in `issues` (all are counted); default 1,000. */
  maxIssues?: number;
}

/** Result of checkCandles. */
export interface ICandleCheckReport {
  interval: CandleInterval;
  candles: number;
  /** Open time of the first / last row (epoch ms), null for no rows. */
  firstAt: number | null;
  lastAt: number | null;
  /** Issues per kind (every kind present, 0 when none). */
  counts: Record<CandleIssueKind, number>;
  /** Missing candles over all gaps. */
  missingCandles: number;
  /** The first `maxIssues` issues, in row order. */
  issues: CandleIssue[];
  /** True when no issue of any kind was found. */
  ok: boolean;
}

const PRICE_FIELDS = ["open", "high", "low", "close"] as const;

/**
 * Checks candle columns of `interval`: gaps (with missing minutes), duplicate, out-of-order and unaligned open
 * times, non-positive or non-finite prices, high below max(open, close), low above min(open, close), negative
 * (or non-finite) volume, and runs of zero volume of at least `zeroVolumeRunCandles`.
 * @example const report = checkCandles(await exchange.getColumns("BTCUSDT", "1m"), "1m"); report.counts.gap
 */
export function checkCandles(
  columns: ICandleColumns,
  interval: CandleInterval,
  options: ICheckCandlesOptions = {},
): ICandleCheckReport {
  const intervalMs = intervalToMs(interval);
  const zeroRunMin = Math.max(1, options.zeroVolumeRunCandles ?? 60);
  const maxIssues = Math.max(0, options.maxIssues ?? 1_000);
  const counts = Object.fromEntries(CANDLE_ISSUE_KINDS.map((kind) => [kind, 0])) as Record<
    CandleIssueKind,
    number
  >;
  const issues: CandleIssue[] = [];
  const report = (issue: CandleIssue): void => {
    counts[issue.kind]++;
    if (issues.length < maxIssues) issues.push(issue);
  };
  const { timestamp, open, high, low, close, volume } = columns;
  const length = timestamp.length;
  let missingCandles = 0;
  let previousMs = Number.NEGATIVE_INFINITY;
  let zeroRunStart = -1;
  const endZeroRun = (endIndex: number): void => {
    if (zeroRunStart >= 0 && endIndex - zeroRunStart >= zeroRunMin) {
      report({
        kind: "zero-volume-run",
        index: zeroRunStart,
        fromMs: timestamp[zeroRunStart]!,
        toMs: timestamp[endIndex - 1]! + intervalMs,
        candles: endIndex - zeroRunStart,
      });
    }
    zeroRunStart = -1;
  };
  for (let index = 0; index < length; index++) {
    const atMs = timestamp[index]!;
    if (atMs === previousMs) report({ kind: "duplicate", index, atMs });
    else if (atMs < previousMs) report({ kind: "out-of-order", index, atMs, previousMs });
    else if (index > 0 && atMs - previousMs > intervalMs) {
      const missing = Math.round((atMs - previousMs) / intervalMs) - 1;
      if (missing > 0) {
        missingCandles += missing;
        report({
          kind: "gap",
          index,
          fromMs: previousMs + intervalMs,
          toMs: atMs,
          missingCandles: missing,
          missingMinutes: (atMs - previousMs - intervalMs) / 60_000,
        });
      }
    }
    if (atMs % intervalMs !== 0) report({ kind: "unaligned", index, atMs });
    const o = open[index]!;
    const h = high[index]!;
    const l = low[index]!;
    const c = close[index]!;
    // One cheap test on the common path; the detail only for a bad row.
    if (
      !(
        o > 0 &&
        h > 0 &&
        l > 0 &&
        c > 0 &&
        h < Number.POSITIVE_INFINITY &&
        l <= o &&
        l <= c &&
        h >= o &&
        h >= c
      )
    ) {
      let badPrice = false;
      for (const field of PRICE_FIELDS) {
        const value = columns[field][index]!;
        if (!(value > 0) || !Number.isFinite(value)) {
          report({ kind: "bad-price", index, atMs, field, value });
          badPrice = true;
          break;
        }
      }
      if (!badPrice) {
        if (h < Math.max(o, c))
          report({ kind: "high-below-body", index, atMs, high: h, bodyHigh: Math.max(o, c) });
        if (l > Math.min(o, c))
          report({ kind: "low-above-body", index, atMs, low: l, bodyLow: Math.min(o, c) });
      }
    }
    const v = volume[index]!;
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY)
      report({ kind: "negative-volume", index, atMs, volume: v });
    if (v === 0) {
      if (zeroRunStart < 0) zeroRunStart = index;
    } else {
      endZeroRun(index);
    }
    if (atMs > previousMs) previousMs = atMs;
  }
  endZeroRun(length);
  issues.sort((left, right) => left.index - right.index);
  return {
    interval,
    candles: length,
    firstAt: length === 0 ? null : timestamp[0]!,
    lastAt: length === 0 ? null : timestamp[length - 1]!,
    counts,
    missingCandles,
    issues,
    ok: CANDLE_ISSUE_KINDS.every((kind) => counts[kind] === 0),
  };
}
