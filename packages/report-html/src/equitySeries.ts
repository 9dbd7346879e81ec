// Equity points → chart points (UTC seconds, as lightweight-charts wants them) and the drawdown curve:
// percent below the running peak of the equity points, ≤ 0, the peak starting at the first point.

import { downsampleEquity } from "@bt/core";
import { checkedNumber, reportInputError } from "./checkedNumber";
import type { IHtmlEquityPoint } from "./htmlReportInput";

/** One chart point: UTC seconds and a value. */
export interface IChartPoint {
  time: number;
  value: number;
}

/** An equity curve and its drawdown, ready for the page. */
export interface IEquitySeries {
  /** Equity, quote currency, one point per second (the last of each second). */
  equity: IChartPoint[];
  /** (equity − running peak) / running peak · 100, percent ≤ 0, same times as `equity`. */
  drawdown: IChartPoint[];
  /** The deepest drawdown, percent ≥ 0 (0 for a curve that never fell). */
  maxDrawdownPercent: number;
}

/** Keeps the last point of each second (the chart's time scale has one bar per second at most). */
function lastPerSecond(points: IChartPoint[]): IChartPoint[] {
  const kept: IChartPoint[] = [];
  for (const point of points) {
    const previous = kept[kept.length - 1];
    if (previous !== undefined && previous.time === point.time) kept[kept.length - 1] = point;
    else kept.push(point);
  }
  return kept;
}

/** Most points of an equity chart: a longer curve is thinned (each bucket's low, high and last point). */
export const MAX_EQUITY_CHART_POINTS = 6000;

/**
 * Checks and converts an equity curve; drawdown is measured from the running peak of all points. A curve of
 * more than MAX_EQUITY_CHART_POINTS is thinned for the chart with core's downsampleEquity (each bucket's
 * low, high and last point); the max drawdown is measured on every point.
 * @throws BtError VALIDATION naming `field` for a non-finite value, a time going backwards or a first
 * equity ≤ 0 (no drawdown can be measured from it).
 */
export function equitySeries(points: ReadonlyArray<IHtmlEquityPoint>, field: string): IEquitySeries {
  let previousMs = Number.NEGATIVE_INFINITY;
  let runningPeak = 0;
  let maxDrawdownPercent = 0;
  points.forEach((point, index) => {
    const timeMs = checkedNumber(point.timeMs, `${field}[${index}].timeMs`);
    const value = checkedNumber(point.equity, `${field}[${index}].equity`);
    if (timeMs < previousMs) {
      throw reportInputError(`${field}[${index}].timeMs`, "must not be before the previous point's", timeMs);
    }
    previousMs = timeMs;
    if (index === 0 && value <= 0) {
      throw reportInputError(`${field}[0].equity`, "must be > 0 to measure a drawdown from it", value);
    }
    runningPeak = Math.max(runningPeak, value);
    maxDrawdownPercent = Math.max(maxDrawdownPercent, ((runningPeak - value) / runningPeak) * 100);
  });
  const equity: IChartPoint[] = [];
  const drawdown: IChartPoint[] = [];
  let peak = points[0]?.equity ?? 0;
  for (const { timeMs, equity: value } of downsampleEquity(points, MAX_EQUITY_CHART_POINTS)) {
    peak = Math.max(peak, value);
    const depthPercent = ((value - peak) / peak) * 100;
    const time = Math.floor(timeMs / 1000);
    equity.push({ time, value });
    // 0 instead of -0: "-0.00%" would suggest a fall that did not happen.
    drawdown.push({ time, value: depthPercent === 0 ? 0 : depthPercent });
  }
  return { equity: lastPerSecond(equity), drawdown: lastPerSecond(drawdown), maxDrawdownPercent };
}
