// The report's checked model: for each run its trade rows and chart data, the portfolio's and the
// comparison's curves. `data` is exactly what the page's JSON blob holds (times in UTC seconds);
// the rest feeds the HTML tables. Built once per render, so tables and charts show the same numbers.

import { EQUITY_METRICS } from "@bt/core";
import { candleSeries, type IChartCandles } from "./candleSeries";
import { checkedNullableNumber, checkedNumber } from "./checkedNumber";
import { equitySeries, type IChartPoint, type IEquitySeries } from "./equitySeries";
import type { IHtmlReportInput } from "./htmlReportInput";
import { type IChartLinePoint, type IChartMarker, tradeOverlays } from "./tradeMarkers";
import { type ITradeRow, tradeRows } from "./tradeRows";

/** One run in the page's JSON blob. */
export interface IPageRunData {
  /** DOM id prefix of the run's section and charts, e.g. "run-0". */
  id: string;
  symbol: string;
  strategyName: string;
  tradeCount: number;
  /** Decimals of the price axis (by the magnitude of the last close). */
  pricePrecision: number;
  candles: IChartCandles | null;
  /** Exactly 2 · tradeCount when candles are given, else empty. */
  markers: IChartMarker[];
  /** Take-profit segments in LEVEL_LANES line series. */
  takeProfit: IChartLinePoint[][];
  /** Stop-loss segments in LEVEL_LANES line series. */
  stopLoss: IChartLinePoint[][];
  equity: IChartPoint[] | null;
  drawdown: IChartPoint[] | null;
}

/** One comparison curve in the page's JSON blob. */
export interface IPageComparisonSeries {
  name: string;
  color: string;
  equity: IChartPoint[];
}

/** The page's JSON blob. */
export interface IPageData {
  version: 1;
  quoteCurrency: string | null;
  runs: IPageRunData[];
  portfolio: { equity: IChartPoint[]; drawdown: IChartPoint[] } | null;
  comparison: { series: IPageComparisonSeries[] } | null;
}

/** A run with what the HTML tables need besides the blob. */
export interface IPageRun {
  data: IPageRunData;
  trades: ITradeRow[];
  equity: IEquitySeries | null;
  /** Trades drawn at an edge candle because they lie outside the candles' range. */
  pinnedTradeCount: number;
}

/** The whole checked model. */
export interface IPageModel {
  data: IPageData;
  runs: IPageRun[];
  portfolioEquity: IEquitySeries | null;
  /** Per comparison entry (input order): its curve's colour, null when it has no curve or failed. */
  comparisonColors: Array<string | null>;
}

/** Colours of overlaid comparison curves, in entry order (cycled). */
export const COMPARISON_COLORS = [
  "#2563eb",
  "#ea580c",
  "#16a34a",
  "#9333ea",
  "#0891b2",
  "#db2777",
  "#65a30d",
  "#b45309",
  "#4f46e5",
  "#0d9488",
];

function pricePrecisionOf(price: number): number {
  const magnitude = Math.abs(price);
  return magnitude >= 1000 ? 2 : magnitude >= 1 ? 4 : magnitude >= 0.01 ? 6 : 8;
}

/**
 * Checks the input and builds the page model.
 * @throws BtError VALIDATION naming the input field of any non-finite number or malformed series.
 */
export function pageModel(input: IHtmlReportInput): IPageModel {
  const runs = input.runs.map((run, index): IPageRun => {
    const field = `runs[${index}]`;
    const trades = tradeRows(run, field);
    const candles = run.candles === undefined ? null : candleSeries(run.candles, `${field}.candles`);
    const overlays =
      candles !== null && candles.timeMs.length > 0
        ? tradeOverlays(trades, candles)
        : { markers: [], takeProfit: [], stopLoss: [], pinnedTradeCount: 0 };
    const equity = run.equity === undefined ? null : equitySeries(run.equity, `${field}.equity`);
    const lastClose = candles?.chart.close[candles.chart.close.length - 1] ?? trades[0]?.priceOpen ?? 1;
    return {
      trades,
      equity,
      pinnedTradeCount: overlays.pinnedTradeCount,
      data: {
        id: `run-${index}`,
        symbol: run.symbol,
        strategyName: run.strategyName,
        tradeCount: trades.length,
        pricePrecision: pricePrecisionOf(lastClose),
        candles: candles !== null && candles.timeMs.length > 0 ? candles.chart : null,
        markers: overlays.markers,
        takeProfit: overlays.takeProfit,
        stopLoss: overlays.stopLoss,
        equity: equity?.equity ?? null,
        drawdown: equity?.drawdown ?? null,
      },
    };
  });
  const portfolio = input.portfolio;
  if (portfolio !== undefined) {
    checkedNumber(portfolio.balanceStart, "portfolio.balanceStart");
    checkedNumber(portfolio.balanceEnd, "portfolio.balanceEnd");
    for (const metric of EQUITY_METRICS) {
      checkedNullableNumber(portfolio.stats[metric.key], `portfolio.stats.${metric.key}`);
    }
  }
  const portfolioEquity = portfolio === undefined ? null : equitySeries(portfolio.equity, "portfolio.equity");
  const comparisonEquity = (input.comparison?.entries ?? []).map((entry, index) =>
    entry.error === undefined && entry.equity !== undefined && entry.equity.length > 0
      ? equitySeries(entry.equity, `comparison.entries[${index}].equity`)
      : null,
  );
  const comparisonSeries: IPageComparisonSeries[] = [];
  const comparisonColors = (input.comparison?.entries ?? []).map((entry, index) => {
    const curve = comparisonEquity[index];
    if (curve === null || curve === undefined) return null;
    const color = COMPARISON_COLORS[index % COMPARISON_COLORS.length]!;
    comparisonSeries.push({ name: entry.name, color, equity: curve.equity });
    return color;
  });
  return {
    runs,
    portfolioEquity,
    comparisonColors,
    data: {
      version: 1,
      quoteCurrency: input.quoteCurrency ?? null,
      runs: runs.map((run) => run.data),
      portfolio:
        portfolioEquity === null
          ? null
          : { equity: portfolioEquity.equity, drawdown: portfolioEquity.drawdown },
      comparison: input.comparison === undefined ? null : { series: comparisonSeries },
    },
  };
}
