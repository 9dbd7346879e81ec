// A realistic hand-built report input: seeded random-walk candles for two symbols, ~10 trades each
// simulated on those candles (TP/SL/time expiry, fees and slippage by core's computePnlPercent),
// money and equity per trade, core statistics, a portfolio and a 3-entry comparison (one failed).

import {
  type CandleInterval,
  type CloseReason,
  computeEquityStatistics,
  computePnlPercent,
  computeStatistics,
  type IStrategyTickResultClosed,
  intervalToMs,
  NO_RULES,
  rankByMetric,
  type SignalPosition,
} from "@bt/core";
import type {
  IHtmlCandles,
  IHtmlComparisonEntry,
  IHtmlEquityPoint,
  IHtmlReportInput,
  IHtmlRun,
  IHtmlTradeMoney,
} from "../src/index";

export const T0 = Date.UTC(2025, 0, 1);
const COSTS = { feePercent: 0.1, slippagePercent: 0.1 };

/** mulberry32: a small seeded PRNG, so the fixture is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random-walk candles: `count` candles of `interval` from `startMs`, volatility `stepPercent` per candle. */
export function randomCandles(
  seed: number,
  count: number,
  interval: CandleInterval,
  priceStart: number,
  stepPercent: number,
  startMs = T0,
): IHtmlCandles & { time: number[]; open: number[]; high: number[]; low: number[]; close: number[] } {
  const random = seededRandom(seed);
  const stepMs = intervalToMs(interval);
  const columns = {
    time: [] as number[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
  };
  let price = priceStart;
  for (let index = 0; index < count; index++) {
    const open = price;
    const close = open * (1 + ((random() - 0.5) * 2 * stepPercent) / 100);
    const high = Math.max(open, close) * (1 + (random() * stepPercent) / 200);
    const low = Math.min(open, close) * (1 - (random() * stepPercent) / 200);
    columns.time.push(startMs + index * stepMs);
    columns.open.push(open);
    columns.high.push(high);
    columns.low.push(low);
    columns.close.push(close);
    price = close;
  }
  return { interval, ...columns };
}

interface ISimulatedTrade {
  closed: IStrategyTickResultClosed;
  money: IHtmlTradeMoney;
}

/**
 * Simulates `tradeCount` trades on the candles: one opens at an evenly spaced candle's close, TP 2 %,
 * SL 1 %, at most `maxHoldCandles`; exits at the exact level or at the close on expiry.
 */
export function simulateTrades(
  candles: ReturnType<typeof randomCandles>,
  options: { symbol: string; strategyName: string; tradeCount: number; seed: number; balanceStart: number },
): ISimulatedTrade[] {
  const random = seededRandom(options.seed);
  const stepMs = intervalToMs(candles.interval);
  const spacing = Math.floor(candles.time.length / (options.tradeCount + 1));
  const maxHoldCandles = Math.max(2, Math.floor(spacing * 0.8));
  const trades: ISimulatedTrade[] = [];
  let balance = options.balanceStart;
  for (let tradeIndex = 0; tradeIndex < options.tradeCount; tradeIndex++) {
    const openIndex = (tradeIndex + 1) * spacing - Math.floor(spacing / 2);
    const position: SignalPosition = random() < 0.5 ? "long" : "short";
    const priceOpen = candles.close[openIndex]!;
    const openAt = candles.time[openIndex]! + stepMs;
    const long = position === "long";
    const priceTakeProfit = priceOpen * (long ? 1.02 : 0.98);
    const priceStopLoss = priceOpen * (long ? 0.99 : 1.01);
    let closeIndex = openIndex + maxHoldCandles;
    let closeReason: CloseReason = "time_expired";
    let priceClose = candles.close[closeIndex]!;
    let best = priceOpen;
    let worst = priceOpen;
    for (let index = openIndex + 1; index <= openIndex + maxHoldCandles; index++) {
      const high = candles.high[index]!;
      const low = candles.low[index]!;
      best = long ? Math.max(best, high) : Math.min(best, low);
      worst = long ? Math.min(worst, low) : Math.max(worst, high);
      const hitStop = long ? low <= priceStopLoss : high >= priceStopLoss;
      const hitTake = long ? high >= priceTakeProfit : low <= priceTakeProfit;
      if (hitStop || hitTake) {
        closeIndex = index;
        closeReason = hitStop ? "stop_loss" : "take_profit";
        priceClose = hitStop ? priceStopLoss : priceTakeProfit;
        break;
      }
    }
    const closeAt = candles.time[closeIndex]! + Math.floor(stepMs / 2);
    const pnlPercentage = computePnlPercent(position, priceOpen, priceClose, COSTS);
    const cost = Math.round(balance * 0.2 * 100) / 100;
    const pnlCost = (pnlPercentage / 100) * cost;
    const feeCost = cost * 0.001 * (1 + priceClose / priceOpen);
    balance += pnlCost;
    const id = `${options.symbol}-${options.strategyName}-${tradeIndex + 1}`;
    const favourable = long ? (best - priceOpen) / priceOpen : (priceOpen - best) / priceOpen;
    const adverse = long ? (worst - priceOpen) / priceOpen : (priceOpen - worst) / priceOpen;
    const partial = tradeIndex === 2;
    trades.push({
      money: { signalId: id, cost, pnlCost, feeCost, balanceAfter: balance },
      closed: {
        action: "closed",
        symbol: options.symbol,
        strategyName: options.strategyName,
        exchangeName: "binance",
        backtest: true,
        currentPrice: priceClose,
        timestamp: closeAt,
        closeReason,
        pnl: {
          pnlPercentage,
          priceOpen,
          priceClose,
          pnlCost,
          costTotal: cost,
          mfePercent: Math.max(0, favourable * 100),
          maePercent: Math.min(0, adverse * 100),
          minutesInPosition: (closeAt - openAt) / 60_000,
        },
        signal: {
          kind: "pending",
          id,
          symbol: options.symbol,
          strategyName: options.strategyName,
          exchangeName: "binance",
          position,
          priceOpen,
          entry: "market",
          priceTakeProfit,
          priceStopLoss,
          minuteEstimatedTime: (maxHoldCandles * stepMs) / 60_000,
          note: tradeIndex === 0 ? "first <b>trade</b> & note" : "",
          cost,
          quantity: cost / priceOpen,
          scheduledAt: openAt,
          rules: NO_RULES,
          pendingAt: openAt,
          fills: [
            { kind: "entry", price: priceOpen, cost, at: openAt, source: "open" },
            ...(partial
              ? [
                  {
                    kind: "exit" as const,
                    price: (priceOpen + priceClose) / 2,
                    fraction: 0.5,
                    at: openAt + stepMs,
                    reason: "partial_profit" as const,
                  },
                ]
              : []),
          ],
          originalTakeProfit: priceTakeProfit,
          originalStopLoss: priceStopLoss,
          bestPrice: best,
          worstPrice: worst,
          trailingTakePeak: null,
          breakevenDone: false,
          ladderNext: 0,
          dcaNext: 0,
        },
      },
    });
  }
  return trades;
}

/** The equity after each trade, starting with the balance at the first candle. */
export function equityOf(
  startMs: number,
  balanceStart: number,
  money: ReadonlyArray<IHtmlTradeMoney>,
  closed: ReadonlyArray<IStrategyTickResultClosed>,
): IHtmlEquityPoint[] {
  return [
    { timeMs: startMs, equity: balanceStart },
    ...money.map((entry, index) => ({ timeMs: closed[index]!.timestamp, equity: entry.balanceAfter })),
  ];
}

function runOf(
  symbol: string,
  strategyName: string,
  seed: number,
  priceStart: number,
  tradeCount: number,
): IHtmlRun {
  const candles = randomCandles(seed, 24 * 30, "1h", priceStart, 0.9);
  const trades = simulateTrades(candles, {
    symbol,
    strategyName,
    tradeCount,
    seed: seed + 1,
    balanceStart: 5000,
  });
  const closed = trades.map((trade) => trade.closed);
  const money = trades.map((trade) => trade.money);
  return {
    symbol,
    strategyName,
    candles,
    closed,
    money,
    stats: computeStatistics(closed, { periodStartMs: T0, periodEndMs: T0 + 30 * 86_400_000 }),
    equity: equityOf(T0, 5000, money, closed),
  };
}

/** Merges equity curves that all start at T0 by summing the latest value of each at every time. */
function sumCurves(curves: ReadonlyArray<ReadonlyArray<IHtmlEquityPoint>>): IHtmlEquityPoint[] {
  const times = [...new Set(curves.flatMap((curve) => curve.map((point) => point.timeMs)))].sort(
    (a, b) => a - b,
  );
  return times.map((timeMs) => ({
    timeMs,
    equity: curves.reduce((sum, curve) => {
      let latest = curve[0]!.equity;
      for (const point of curve) if (point.timeMs <= timeMs) latest = point.equity;
      return sum + latest;
    }, 0),
  }));
}

/** The full input: 2 runs (BTCUSDT, ETHUSDT) of ~10 trades, a portfolio and a 3-entry comparison. */
export function reportFixture(): IHtmlReportInput {
  const btc = runOf("BTCUSDT", "breakout", 11, 60_000, 10);
  const eth = runOf("ETHUSDT", "mean-revert", 23, 3_000, 11);
  const portfolioEquity = sumCurves([btc.equity!, eth.equity!]);
  const balanceEnd = portfolioEquity[portfolioEquity.length - 1]!.equity;
  const slow = runOf("BTCUSDT", "breakout-slow", 37, 60_000, 8);
  return {
    title: "Breakout vs mean reversion — January 2025",
    subtitle: "binance · frame 2025-01-01 → 2025-01-31 · 1h display candles",
    quoteCurrency: "USDT",
    settings: [
      { label: "Fee", value: "0.1 % per fill" },
      { label: "Slippage", value: "0.1 % per fill" },
      { label: "Balance", value: "10 000 USDT (5 000 per symbol)" },
      { label: "Warm-up", value: "200 candles of 1m" },
      { label: "Gaps", value: "none found" },
      { label: "Frame", value: "2025-01-01T00:00Z → 2025-01-31T00:00Z" },
    ],
    runs: [btc, eth],
    portfolio: {
      balanceStart: 10_000,
      balanceEnd,
      equity: portfolioEquity,
      stats: computeEquityStatistics(portfolioEquity, {
        periodStartMs: portfolioEquity[0]!.timeMs,
        periodEndMs: portfolioEquity[portfolioEquity.length - 1]!.timeMs,
        initialBalance: 10_000,
        tradeCount: btc.closed.length + eth.closed.length,
      }),
    },
    comparison: {
      metric: "sharpeRatio",
      // In rank order, as a walker hands them over (core's rankByMetric: failed entries last).
      entries: rankByMetric(
        [
          { name: "breakout", metricValue: btc.stats.sharpeRatio, stats: btc.stats, equity: btc.equity! },
          {
            name: "breakout-slow",
            metricValue: slow.stats.sharpeRatio,
            stats: slow.stats,
            equity: slow.equity!,
          },
          {
            name: "breakout-fast",
            metricValue: null,
            stats: computeStatistics([]),
            error: "getSignal threw: TypeError: cannot read 'close' of undefined",
          },
        ] as IHtmlComparisonEntry[],
        "sharpeRatio",
        (entry) => ({ stats: entry.stats ?? null, status: entry.error === undefined ? "ok" : "failed" }),
      ),
    },
  };
}
