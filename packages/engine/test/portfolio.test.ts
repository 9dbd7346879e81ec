// Portfolio accounting on a hand-made 2-symbol case: one account of 1000 USDT, at most one position at a
// time, fee 0.1 % per side, no slippage. Every figure below is worked out by hand from DESIGN.md's
// pnl rule: long pnl% = (close − open) / open · 100 − f · (1 + close / open).
//
// A: price 100, from minute 10 on 110. B: price 100, from minute 30 on 95. The current price is the VWAP
// of the 5 closed 1m candles before the minute, so A's price reaches 110 at minute 15 and B's 95 at 35.
// Strategy: long, TP 110, SL 95, on the 5m boundaries; A proposes once (minute 0), B while it is before
// minute 20 (minutes 0, 5, 10, 15).
//
// minute 0   A and B both propose; A goes first (symbol order at the same minute) and opens with the
//            whole free balance: stake 1000 / maxOpenPositions 1 = 1000.
//            B is refused: 1 of 1 positions open. Again at minutes 5 and 10.
// minute 14  A marked to market at VWAP (100 + 4·110) / 5 = 108:
//            pnl% = 8 − 0.1 · 2.08 = 7.792 → equity 1000 + 77.92 = 1077.92.
// minute 15  A takes profit at 110: pnl% = 10 − 0.1 · 2.1 = 9.79 → +97.90 (fees 1.00 in + 1.10 out).
//            Balance 1097.90. The close comes before B's signal of the same minute, so B opens with
//            stake 1097.90 (the new balance).
// minute 35  B stops out at 95: pnl% = −5 − 0.1 · 1.95 = −5.195 → 1097.90 · −0.05195 = −57.035905.
//            Balance 1040.864095.

import type { IStrategyTickResultClosed } from "@bt/core";
import { describe, expect, it } from "vitest";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

const signal = {
  position: "long" as const,
  priceTakeProfit: 110,
  priceStopLoss: 95,
  minuteEstimatedTime: 600,
};

function portfolioEngine() {
  const engine = createTestEngine({ config: { CC_PERCENT_FEE: 0.1, CC_PERCENT_SLIPPAGE: 0 } });
  engine.addExchange(
    memoryExchange("mem", {
      A: series(-5, 60, (minute) => (minute >= 10 ? 110 : 100)),
      B: series(-5, 60, (minute) => (minute >= 30 ? 95 : 100)),
    }),
  );
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 60 * MINUTE),
  });
  engine.addStrategy({
    strategyName: "s",
    interval: "5m",
    getSignal: async (symbol, when) => {
      if (symbol === "A") return when.getTime() === T0 ? signal : null;
      return when.getTime() < T0 + 20 * MINUTE ? signal : null;
    },
  });
  return engine;
}

const context = { strategyName: "s", exchangeName: "mem", frameName: "f" };

describe("portfolio runs", () => {
  it("share one balance, refuse past maxOpenPositions and book money in time order (golden case)", async () => {
    const engine = portfolioEngine();
    const results = await collect(
      engine.Backtest.runPortfolio(["A", "B"], context, {
        accountBalance: 1000,
        maxOpenPositions: 1,
        warmupMinutes: 5,
      }),
    );
    const closed = results.filter(
      (result): result is IStrategyTickResultClosed => result.action === "closed",
    );
    expect(closed.map((trade) => [trade.symbol, (trade.timestamp - T0) / MINUTE, trade.closeReason])).toEqual(
      [
        ["A", 15, "take_profit"],
        ["B", 35, "stop_loss"],
      ],
    );
    const [a, b] = closed as [IStrategyTickResultClosed, IStrategyTickResultClosed];
    expect(a.signal.cost).toBe(1000);
    expect(a.pnl.pnlPercentage).toBeCloseTo(9.79, 10);
    expect(a.pnl.pnlCost).toBeCloseTo(97.9, 9);
    expect(b.signal.cost).toBeCloseTo(1097.9, 9);
    expect((b.signal.pendingAt - T0) / MINUTE).toBe(15);
    expect(b.pnl.pnlPercentage).toBeCloseTo(-5.195, 10);
    expect(b.pnl.pnlCost).toBeCloseTo(-57.035905, 8);

    const data = engine.Backtest.getPortfolioData("s");
    expect(data.symbols).toEqual(["A", "B"]);
    expect(data.account.initialBalance).toBe(1000);
    expect(data.account.balance).toBeCloseTo(1040.864095, 8);
    expect(data.account.trades.map((trade) => [trade.symbol, Number(trade.balanceAfter.toFixed(6))])).toEqual(
      [
        ["A", 1097.9],
        ["B", 1040.864095],
      ],
    );
    const [tradeA] = data.account.trades;
    expect(tradeA?.feeCost).toBeCloseTo(1.0 + 1.1, 9); // 0.1 % of 1000 in, of 1100 out
    expect(tradeA?.grossPnlCost).toBeCloseTo(100, 9);
    expect(data.account.stats.netProfit).toBeCloseTo(40.864095, 8);
    // Deepest fall of the marked equity: the peak is minutes 15–30 (balance 1097.90 with B marked at 100:
    // 1097.90 − 1097.90 · 0.002 = 1095.7042), the bottom B's stop at minute 35 (1040.864095): 54.840105.
    expect(data.account.stats.maxDrawdownQuote).toBeCloseTo(1097.9 - 1097.9 * 0.002 - 1040.864095, 6);
    const equityAt = (minute: number) => {
      const points = data.account.equity.filter((point) => point.timeMs <= T0 + minute * MINUTE);
      return points[points.length - 1]?.equity;
    };
    expect(equityAt(0)).toBeCloseTo(1000 - 1000 * 0.002, 9); // at the open: both fees at price 100 (0.1 · 2)
    expect(equityAt(14)).toBeCloseTo(1077.92, 9);
    expect(equityAt(15)).toBeCloseTo(1097.9 - 1097.9 * 0.002, 9); // A booked, B just opened
    expect(equityAt(59)).toBeCloseTo(1040.864095, 8);
    // B's refusals at minutes 0, 5 and 10: one counted problem, three times.
    const refused = engine.Backtest.getData("B", "s").problems.problems;
    expect(refused).toEqual([
      expect.objectContaining({
        kind: "risk",
        source: "account",
        count: 3,
        message: "account: 1 of maxOpenPositions 1 positions are open or scheduled",
      }),
    ]);
  });

  it("a symbol whose run throws fails the portfolio loudly", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { A: series(-5, 60, () => 100) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    engine.addStrategy({ strategyName: "s", interval: "5m", getSignal: async () => null });
    await expect(
      collect(engine.Backtest.runPortfolio(["A", "MISSING"], context, { warmupMinutes: 5 })),
    ).rejects.toThrow(/MISSING/);
    expect(engine.Backtest.getPortfolioData("s").error?.message).toMatch(/MISSING/);
  });

  it("rejects bad symbols and options naming them", async () => {
    const engine = portfolioEngine();
    await expect(collect(engine.Backtest.runPortfolio([], context))).rejects.toThrow(
      /symbols must be a non-empty array/,
    );
    await expect(collect(engine.Backtest.runPortfolio(["A", "A"], context))).rejects.toThrow(/"A" twice/);
    await expect(
      collect(engine.Backtest.runPortfolio(["A", "B"], context, { maxOpenPositions: 0 })),
    ).rejects.toThrow(/maxOpenPositions must be a positive integer, got 0/);
  });

  it("a plain backtest stakes its whole balance and reports money", async () => {
    const engine = portfolioEngine();
    await collect(engine.Backtest.run("A", context, { accountBalance: 1000, warmupMinutes: 5 }));
    const data = engine.Backtest.getData("A", "s");
    expect(data.closed[0]?.signal.cost).toBe(1000);
    expect(data.account.balance).toBeCloseTo(1097.9, 9);
    expect(data.stats.totalPnlCost).toBeCloseTo(97.9, 9);
  });
});

describe("walker over a portfolio", () => {
  it("ranks each strategy by its trades on every symbol from one account", async () => {
    const engine = portfolioEngine();
    engine.addStrategy({
      strategyName: "never",
      interval: "5m",
      getSignal: async () => null,
    });
    engine.addWalker({
      walkerName: "w",
      strategies: ["s", "never"],
      exchangeName: "mem",
      frameName: "f",
      metric: "totalPnl",
    });
    const run = engine.Walker.runPortfolio(
      ["A", "B"],
      { walkerName: "w" },
      { accountBalance: 1000, maxOpenPositions: 1, warmupMinutes: 5 },
    );
    let step = await run.next();
    while (step.done !== true) step = await run.next();
    const result = step.value;
    expect(result.symbol).toBe("A,B");
    expect(result.results.map((entry) => [entry.strategyName, entry.stats?.tradeCount])).toEqual([
      ["s", 2],
      ["never", 0],
    ]);
    // s's trades on A and B as one sequence: 9.79 % + (−5.195 %) = 4.595 % (totalPnl is a simple sum).
    expect(result.bestStrategy).toBe("s");
    expect(result.bestMetric).toBeCloseTo(9.79 - 5.195, 10);
    expect(engine.Walker.getData("A,B", "w").bestStrategy).toBe("s");
  });
});

describe("Backtest.getReport over a portfolio (the heat and schedule renderers, called at last)", () => {
  it("adds the per-symbol heat table and the schedule report, and the account's money per trade", async () => {
    const engine = createTestEngine({ config: { CC_PERCENT_FEE: 0.1, CC_PERCENT_SLIPPAGE: 0 } });
    engine.addExchange(
      memoryExchange("mem", {
        A: series(-5, 60, (minute) => (minute >= 10 ? 110 : 100)),
        B: series(-5, 60, (minute) => (minute >= 30 ? 95 : 100)),
      }),
    );
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 60 * MINUTE),
    });
    // B waits for 99 (a limit below the market): scheduled at minute 0, filled at minute 31 (VWAP 99).
    engine.addStrategy({
      strategyName: "s",
      interval: "5m",
      getSignal: async (symbol, when) => {
        if (when.getTime() !== T0) return null;
        return symbol === "A" ? signal : { ...signal, priceOpen: 99, priceStopLoss: 94 };
      },
    });
    await collect(
      engine.Backtest.runPortfolio(["A", "B"], context, { accountBalance: 1000, warmupMinutes: 5 }),
    );
    const markdown = engine.Backtest.getReport(undefined, "s");
    expect(markdown).toContain("## Symbols");
    expect(markdown).toMatch(/\| A \| 1 \|/);
    expect(markdown).toContain("## Scheduled signals");
    expect(markdown).toMatch(
      /\| s \| B \| 1 \| 1 \| 0 \| 0 \| 0 \| 0 \| 0 \| 100\.00% \| 0\.00% \| 31\.0 min \|/,
    );
    expect(markdown).toContain("| Stake (quote) |");
    expect(engine.Backtest.getData("B", "s").scheduleEvents.map((event) => event.action)).toEqual([
      "scheduled",
      "opened",
    ]);
  });
});

describe("portfolio runs with per-minute callbacks", () => {
  it("tick every minute on every symbol in time order, with the same trades as without callbacks", async () => {
    const run = async (withCallbacks: boolean) => {
      const engine = portfolioEngine();
      const ticks: string[] = [];
      engine.addStrategy({
        strategyName: "t",
        interval: "5m",
        getSignal: async (symbol, when) => (when.getTime() === T0 && symbol === "A" ? signal : null),
        ...(withCallbacks
          ? {
              callbacks: {
                onTick: (symbol, result) => {
                  ticks.push(`${(result.timestamp - T0) / MINUTE}:${symbol}`);
                },
              },
            }
          : {}),
      });
      const results = await collect(
        engine.Backtest.runPortfolio(
          ["A", "B"],
          { strategyName: "t", exchangeName: "mem", frameName: "f" },
          { accountBalance: 1000, warmupMinutes: 5 },
        ),
      );
      await engine.waitForListeners();
      return { results: results.map((result) => `${result.symbol}:${result.action}`), ticks };
    };
    const plain = await run(false);
    const ticking = await run(true);
    expect(ticking.results).toEqual(plain.results);
    expect(plain.results).toEqual(["A:opened", "A:closed"]);
    // Every minute of both symbols was ticked (A's open minute is its opening tick).
    expect(new Set(ticking.ticks.filter((tick) => tick.endsWith(":B"))).size).toBe(60);
    expect(ticking.ticks.filter((tick) => tick.endsWith(":A")).length).toBeGreaterThan(50);
  });
});
