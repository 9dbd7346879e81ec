import { computeScheduleStatistics, computeStatistics } from "@bt/core";
import {
  renderHeatReport,
  renderLiveReport,
  renderScheduleReport,
  renderWalkerReport,
} from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries } from "../../core/test/closedFactory";
import {
  activeEvent,
  cancelledEvent,
  idleEvent,
  MINUTE,
  openedEvent,
  scheduledEvent,
  T0,
} from "../../core/test/tickFactory";
import { section, statisticsAfter, tableAfter } from "./markdownParse";

describe("renderLiveReport", () => {
  it("counts events by action, lists open positions and the closed signals with statistics", () => {
    const closedOne = closedResult({ pnlPercent: 1.25, openAt: T0, closeAt: T0 + 30 * MINUTE });
    const events = [
      idleEvent(T0 - MINUTE),
      openedEvent({ id: closedOne.signal.id, pendingAt: T0 }),
      activeEvent({ id: closedOne.signal.id, pendingAt: T0 }, T0 + MINUTE),
      closedOne,
      openedEvent({ id: "still-open", pendingAt: T0 + 40 * MINUTE }),
      activeEvent({ id: "still-open", pendingAt: T0 + 40 * MINUTE }, T0 + 41 * MINUTE),
      idleEvent(T0 + 42 * MINUTE),
    ];
    const markdown = renderLiveReport(events);
    expect(markdown.startsWith("# Live report\n")).toBe(true);
    expect(markdown).toContain("Events: 7 · Last event: 2025-01-01T00:42:00.000Z");
    const counts = new Map(tableAfter(markdown, "## Events by action").rows.map((row) => [row[0], row[1]]));
    expect(Object.fromEntries(counts)).toEqual({
      idle: "2",
      scheduled: "0",
      opened: "2",
      active: "2",
      updated: "0",
      closed: "1",
      cancelled: "0",
    });
    const open = tableAfter(markdown, "## Open positions").rows;
    expect(open).toHaveLength(1);
    expect(open[0]!.slice(0, 4)).toEqual(["alpha", "BTCUSDT", "long", "2025-01-01T00:40:00.000Z"]);
    const closedSection = section(markdown, "## alpha · BTCUSDT");
    expect(tableAfter(closedSection, "### Closed signals").rows.map((row) => row[8])).toEqual(["1.25%"]);
    expect(statisticsAfter(closedSection, "### Statistics").get("Trades")).toBe("1");
  });

  it("prints a stable shape before anything closed", () => {
    const markdown = renderLiveReport([idleEvent(T0)], { title: "Paper" });
    expect(markdown.startsWith("# Paper\n")).toBe(true);
    expect(markdown).toContain("_No open positions._");
    expect(markdown).toContain("_No closed signals._");
    const stats = statisticsAfter(markdown, "### Statistics");
    expect(stats.get("Trades")).toBe("0");
    expect(stats.get("Win rate")).toBe("N/A (no trades)");
  });
});

describe("renderWalkerReport", () => {
  const entries = [
    { strategyName: "steady", stats: computeStatistics(closedSeries([1, 1.2, 0.8])) },
    { strategyName: "empty", stats: computeStatistics([]) },
    { strategyName: "volatile", stats: computeStatistics(closedSeries([5, -3, 4])) },
  ];

  it("ranks by the metric, best first, N/A last, with key statistics", () => {
    const markdown = renderWalkerReport({ walkerName: "btc-walk", metric: "totalPnl", entries });
    expect(markdown.startsWith("# Walker report: btc-walk\n")).toBe(true);
    expect(markdown).toContain("Best strategy: **volatile** (6.00%)");
    const table = tableAfter(markdown);
    expect(table.header.slice(0, 4)).toEqual(["Rank", "Strategy", "Total PnL (sum)", "Trades"]);
    expect(table.header.filter((header) => header === "Total PnL (sum)")).toHaveLength(1);
    expect(table.rows.map((row) => row.slice(0, 3))).toEqual([
      ["1", "volatile", "6.00%"],
      ["2", "steady", "3.00%"],
      ["3", "empty", "0.00%"],
    ]);
    const sharpe = renderWalkerReport({ metric: "sharpeRatio", entries });
    expect(tableAfter(sharpe).rows.map((row) => [row[1], row[2]])).toEqual([
      ["steady", "5.000"], // mean 1, sample sd of [1, 1.2, 0.8] = 0.2
      ["volatile", "0.459"], // mean 2, sample sd √((9 + 25 + 4) / 2) = 4.359
      ["empty", "N/A (fewer than 2 trades)"],
    ]);
  });

  it("ranks failed strategies last, marked, whatever their statistics", () => {
    const markdown = renderWalkerReport({
      metric: "totalPnl",
      entries: [
        { strategyName: "crashed", stats: null },
        {
          strategyName: "lucky-but-failed",
          stats: computeStatistics(closedSeries([9, 9])),
          status: "failed",
        },
        ...entries,
      ],
    });
    expect(tableAfter(markdown).rows.map((row) => [row[1], row[2]])).toEqual([
      ["volatile", "6.00%"],
      ["steady", "3.00%"],
      ["empty", "0.00%"],
      ["crashed (failed)", "failed"],
      ["lucky-but-failed (failed)", "18.00%"],
    ]);
    expect(markdown).toContain("Best strategy: **volatile**");
    expect(markdown).toContain("- **Total PnL (sum)**: Simple sum");
  });

  it("ranks maxDrawdown ascending and handles an empty walker", () => {
    const markdown = renderWalkerReport({ metric: "maxDrawdown", entries });
    expect(markdown).toContain("lower is better");
    expect(tableAfter(markdown).rows.map((row) => row[1])).toEqual(["steady", "volatile", "empty"]);
    expect(renderWalkerReport({ metric: "winRate", entries: [] })).toContain("_No strategies._");
  });
});

describe("renderHeatReport", () => {
  it("prints one row per symbol by total pnl and a total over every trade", () => {
    const closed = [
      ...closedSeries([1, -0.5, 2]),
      closedResult({ pnlPercent: 3, symbol: "ETHUSDT", openAt: T0 + 10 * MINUTE, closeAt: T0 + 20 * MINUTE }),
      closedResult({
        pnlPercent: -1,
        symbol: "SOLUSDT",
        openAt: T0 + 30 * MINUTE,
        closeAt: T0 + 50 * MINUTE,
      }),
    ];
    const markdown = renderHeatReport(closed);
    expect(markdown).toContain("Symbols: 3 · Trades: 5");
    const table = tableAfter(markdown);
    expect(table.header).toEqual([
      "Symbol",
      "Trades",
      "Total PnL (sum)",
      "Win rate",
      "Sharpe (per trade)",
      "Max drawdown (closed trades)",
    ]);
    expect(table.rows.map((row) => row[0])).toEqual(["ETHUSDT", "BTCUSDT", "SOLUSDT", "**Total**"]);
    expect(table.rows[0]).toEqual(["ETHUSDT", "1", "3.00%", "100.00%", "N/A (fewer than 2 trades)", "0.00%"]);
    expect(markdown).toContain("- **Sharpe ratio (per trade)**: Mean / sample standard deviation");
    expect(table.rows[1]!.slice(1, 4)).toEqual(["3", "2.50%", "66.67%"]);
    // Total: 5 trades, 1 − 0.5 + 2 + 3 − 1 = 4.5, 3 wins of 5.
    expect(table.rows[3]!.slice(1, 4)).toEqual(["5", "4.50%", "60.00%"]);
  });
});

describe("schedule statistics and report", () => {
  const events = [
    scheduledEvent({ id: "a", scheduledAt: T0 }),
    scheduledEvent({ id: "a", scheduledAt: T0 }), // a repeated event counts once
    openedEvent({ id: "a", scheduledAt: T0, pendingAt: T0 + 30 * MINUTE }),
    scheduledEvent({ id: "b", scheduledAt: T0 }),
    cancelledEvent({ id: "b", scheduledAt: T0 }, "timeout", T0 + 120 * MINUTE),
    scheduledEvent({ id: "c", scheduledAt: T0 }),
    cancelledEvent({ id: "c", scheduledAt: T0 }, "price_reject", T0 + 60 * MINUTE),
    scheduledEvent({ id: "d", scheduledAt: T0, strategyName: "beta" }),
    openedEvent({ id: "immediate", scheduledAt: T0, pendingAt: T0 }), // never scheduled: not an activation
  ];

  it("renders core's computeScheduleStatistics (tested in @bt/core)", () => {
    expect(computeScheduleStatistics(events).scheduledCount).toBe(4);
  });

  it("renders a row per strategy and symbol and a total", () => {
    const markdown = renderScheduleReport(events);
    const table = tableAfter(markdown);
    expect(table.header.slice(2, 11)).toEqual([
      "Scheduled",
      "Activated",
      "Cancelled",
      "Timeout",
      "Price reject",
      "User",
      "Waiting",
      "Activation rate",
      "Cancellation rate",
    ]);
    expect(table.rows).toEqual([
      ["alpha", "BTCUSDT", "3", "1", "2", "1", "1", "0", "0", "33.33%", "66.67%", "30.0 min", "90.0 min"],
      ["beta", "BTCUSDT", "1", "0", "0", "0", "0", "0", "1", "0.00%", "0.00%", "N/A", "N/A"],
      ["**Total**", "", "4", "1", "2", "1", "1", "0", "1", "25.00%", "50.00%", "30.0 min", "90.0 min"],
    ]);
    expect(renderScheduleReport([idleEvent(T0)])).toContain("_No scheduled signals._");
  });
});
