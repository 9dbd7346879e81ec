// The input of renderHtmlReport: runs (one strategy on one symbol) with their display candles, closed
// trades, money, statistics and equity, plus an optional portfolio view and an optional comparison
// (walker / sweep). Plain data the caller computes; the report only renders it.

import type {
  CandleInterval,
  IAccountTrade,
  IEquityPoint,
  IEquityStatistics,
  IStatistics,
  IStrategyTickResultClosed,
} from "@bt/core";

/**
 * One point of an equity curve (core's IEquityPoint): epoch ms in non-decreasing order (points in the same
 * second: the last wins) and the equity in quote currency, finite; the first must be > 0 (drawdown is
 * measured from it).
 */
export type IHtmlEquityPoint = IEquityPoint;

/**
 * Display candles of one run, column-wise (all columns of the same length). The caller downsamples
 * (e.g. 15m or 1h for a year): the report embeds every candle it is given.
 */
export interface IHtmlCandles {
  /** The interval of these candles (shown in the chart title). */
  interval: CandleInterval;
  /** Open time of each candle, epoch ms, strictly ascending. */
  time: ArrayLike<number>;
  /** Open price, quote currency. */
  open: ArrayLike<number>;
  /** High price, quote currency. */
  high: ArrayLike<number>;
  /** Low price, quote currency. */
  low: ArrayLike<number>;
  /** Close price, quote currency. */
  close: ArrayLike<number>;
}

/**
 * The money of one closed trade (a row of core's accountLedger fits), matched to it by `signalId`
 * (= `signal.id`): cost of all entries, net result (fees and slippage included), fees (null when the
 * ledger could not split them: shown as N/A) and the balance after the close, all in quote currency.
 */
export type IHtmlTradeMoney = Pick<
  IAccountTrade,
  "signalId" | "cost" | "pnlCost" | "feeCost" | "balanceAfter"
>;

/** One strategy on one symbol. */
export interface IHtmlRun {
  /** Symbol, e.g. "BTCUSDT". */
  symbol: string;
  /** Strategy name. */
  strategyName: string;
  /** Display candles; absent → no price chart (the section says so). */
  candles?: IHtmlCandles;
  /**
   * Core's closed results, in close order. Each one gives exactly one entry marker (at
   * `signal.pendingAt`, `signal.priceOpen`) and one exit marker (at `timestamp`, `pnl.priceClose`) on the
   * price chart, plus a take-profit and a stop-loss segment from open to close at
   * `signal.priceTakeProfit` / `signal.priceStopLoss` (the levels in force at the close). Partial exits
   * (`signal.fills` of kind "exit") are listed in the trade table, not drawn as markers.
   */
  closed: ReadonlyArray<IStrategyTickResultClosed>;
  /** Money of closed trades, by signalId; a trade without an entry shows "—" in the money columns. */
  money?: ReadonlyArray<IHtmlTradeMoney>;
  /** Core statistics of `closed`; a null metric is shown as N/A with `stats.unavailable[key]`. */
  stats: IStatistics;
  /** Equity curve of the run, quote currency; absent → no equity and drawdown charts (the section says so). */
  equity?: ReadonlyArray<IHtmlEquityPoint>;
}

/** The portfolio of all runs together. */
export interface IHtmlPortfolio {
  /** Balance at the start, quote currency. */
  balanceStart: number;
  /** Balance at the end, quote currency. */
  balanceEnd: number;
  /** Portfolio equity curve, quote currency. */
  equity: ReadonlyArray<IHtmlEquityPoint>;
  /**
   * Statistics of that equity (core's computeEquityStatistics), shown as core's EQUITY_METRICS with their
   * conventions; a null figure shows N/A with its reason.
   */
  stats: IEquityStatistics;
}

/** One compared strategy (walker) or parameter set (sweep). */
export type IHtmlComparisonEntry = IHtmlComparisonRun | IHtmlComparisonFailure;

/** A compared run that completed. */
export interface IHtmlComparisonRun {
  /** Name of the strategy or parameter set. */
  name: string;
  /** The ranking metric's value; null → N/A (ranked after every entry with a value). */
  metricValue: number | null;
  /** Its statistics. */
  stats: IStatistics;
  /** Its equity curve, quote currency (overlaid with the others'). */
  equity?: ReadonlyArray<IHtmlEquityPoint>;
  error?: undefined;
}

/** A compared run that failed: shown as failed with its message, never ranked, no curve. */
export interface IHtmlComparisonFailure {
  name: string;
  error: string;
  metricValue?: null;
  stats?: IStatistics | null;
  equity?: undefined;
}

/** A ranking of entries by one metric. */
export interface IHtmlComparison {
  /** The ranking metric: a StatisticKey such as "sharpeRatio" (shown with its label) or free text. */
  metric: string;
  /** Entries in rank order (best first), e.g. from core's rankByMetric. */
  entries: ReadonlyArray<IHtmlComparisonEntry>;
}

/** One setting shown in the settings block. */
export interface IHtmlSetting {
  /** e.g. "Fee". */
  label: string;
  /** e.g. "0.1 % per fill". */
  value: string;
}

/** Everything one HTML report shows. */
export interface IHtmlReportInput {
  /** Page title and main heading. */
  title: string;
  /** A line under the title, e.g. exchange, frame and period. */
  subtitle?: string;
  /** Costs and settings the runs used: fee, slippage, balance, warm-up, gaps, frame, … (in this order). */
  settings: ReadonlyArray<IHtmlSetting>;
  /** The runs, one section each, in this order. */
  runs: ReadonlyArray<IHtmlRun>;
  /** The portfolio view (equity curve and metrics), shown before the runs. */
  portfolio?: IHtmlPortfolio;
  /** The comparison (walker / sweep): overlaid equity curves and a metric table. */
  comparison?: IHtmlComparison;
  /** Quote currency shown with money, e.g. "USDT"; default none. */
  quoteCurrency?: string;
}
