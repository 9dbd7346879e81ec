// Trades → what the price chart draws for them: exactly one entry and one exit marker per trade (so a
// run of N trades hands 2·N markers to lightweight-charts), and take-profit / stop-loss segments from
// each trade's open candle to its close candle. Times snap to the candle that contains them.

import type { ICheckedCandles } from "./candleSeries";
import type { ITradeRow } from "./tradeRows";

/** A marker as lightweight-charts' createSeriesMarkers takes it (time in UTC seconds). */
export interface IChartMarker {
  time: number;
  position: "atPriceTop" | "atPriceBottom" | "atPriceMiddle";
  shape: "arrowUp" | "arrowDown" | "circle";
  color: string;
  price: number;
  text: string;
}

/**
 * A point of a level line. lightweight-charts draws the segment from a point to the next in the
 * colour of the first: a trade's close point is transparent, so nothing joins it to the next trade.
 */
export interface IChartLinePoint {
  time: number;
  value: number;
  color?: string;
}

/** How many line series carry each level: consecutive trades alternate, so they never share a time. */
export const LEVEL_LANES = 2;

/** The chart overlays of one run's trades. */
export interface ITradeOverlays {
  /** 2 per trade: entry then exit, sorted by time (stable). */
  markers: IChartMarker[];
  /** LEVEL_LANES line series of take-profit segments (trade k in lane k mod LEVEL_LANES). */
  takeProfit: IChartLinePoint[][];
  /** The same for stop-loss segments. */
  stopLoss: IChartLinePoint[][];
  /** Trades with an open or close outside the candles' range, drawn at the nearest edge candle. */
  pinnedTradeCount: number;
}

/** Runs with more trades than this get markers without text (hundreds of labels would hide the chart). */
export const MARKER_TEXT_MAX_TRADES = 100;

export const COLOR_LONG = "#16a34a";
export const COLOR_SHORT = "#dc2626";
export const COLOR_WIN = "#15803d";
export const COLOR_LOSS = "#b91c1c";
export const COLOR_FLAT = "#6b7280";

/** Index of the candle containing `timeMs` and whether it lies outside every candle (pinned). */
function candleIndexOf(candles: ICheckedCandles, timeMs: number): { index: number; pinned: boolean } {
  const times = candles.timeMs;
  const last = times.length - 1;
  if (timeMs < times[0]!) return { index: 0, pinned: true };
  // Last candle with open time ≤ timeMs (binary search: a year of 15m candles is 35 040).
  let low = 0;
  let high = last;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (times[middle]! <= timeMs) low = middle;
    else high = middle - 1;
  }
  return { index: low, pinned: low === last && timeMs >= times[last]! + candles.intervalMs };
}

function signedPercent(value: number): string {
  const text = value.toFixed(2);
  return value > 0 ? `+${text}%` : /^-0\.00$/.test(text) ? "0.00%" : `${text}%`;
}

/** Transparent: the colour of a trade's last level point, which ends its segment. */
const SEGMENT_END = "rgba(0,0,0,0)";

/** Appends one trade's level segment to a lane; a point at a time the lane already has is left out. */
function pushSegment(lane: IChartLinePoint[], openTime: number, closeTime: number, value: number): void {
  const lastTime = lane[lane.length - 1]?.time ?? Number.NEGATIVE_INFINITY;
  // A series needs strictly ascending times; with alternating lanes this only happens around trades
  // that open and close within one display candle, whose markers still show them.
  if (openTime > lastTime) lane.push({ time: openTime, value });
  if (closeTime > openTime && closeTime > lastTime) lane.push({ time: closeTime, value, color: SEGMENT_END });
  else if (lane.length > 0 && lane[lane.length - 1]!.time === openTime)
    lane[lane.length - 1]!.color = SEGMENT_END;
}

/** The markers and level segments of the trades on the candles (which must be non-empty). */
export function tradeOverlays(trades: ReadonlyArray<ITradeRow>, candles: ICheckedCandles): ITradeOverlays {
  const withText = trades.length <= MARKER_TEXT_MAX_TRADES;
  const markers: IChartMarker[] = [];
  const takeProfit: IChartLinePoint[][] = Array.from({ length: LEVEL_LANES }, () => []);
  const stopLoss: IChartLinePoint[][] = Array.from({ length: LEVEL_LANES }, () => []);
  const times = candles.chart.time;
  let pinnedTradeCount = 0;
  const byOpen = [...trades].sort((left, right) => left.openMs - right.openMs);
  for (const [order, trade] of byOpen.entries()) {
    const open = candleIndexOf(candles, trade.openMs);
    const close = candleIndexOf(candles, trade.closeMs);
    if (open.pinned || close.pinned) pinnedTradeCount++;
    const long = trade.position === "long";
    markers.push({
      time: times[open.index]!,
      position: long ? "atPriceBottom" : "atPriceTop",
      shape: long ? "arrowUp" : "arrowDown",
      color: long ? COLOR_LONG : COLOR_SHORT,
      price: trade.priceOpen,
      text: withText ? `#${trade.number} ${long ? "L" : "S"}` : "",
    });
    markers.push({
      time: times[close.index]!,
      position: "atPriceMiddle",
      shape: "circle",
      color: trade.pnlPercent > 0 ? COLOR_WIN : trade.pnlPercent < 0 ? COLOR_LOSS : COLOR_FLAT,
      price: trade.priceClose,
      text: withText ? signedPercent(trade.pnlPercent) : "",
    });
    const lane = order % LEVEL_LANES;
    pushSegment(takeProfit[lane]!, times[open.index]!, times[close.index]!, trade.priceTakeProfit);
    pushSegment(stopLoss[lane]!, times[open.index]!, times[close.index]!, trade.priceStopLoss);
  }
  // Stable sort: an entry and an exit in the same candle keep entry first.
  markers.sort((left, right) => left.time - right.time);
  return { markers, takeProfit, stopLoss, pinnedTradeCount };
}
