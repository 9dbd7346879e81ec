import { BtError, STATISTIC_METRICS } from "@bt/core";
import { renderBacktestReport } from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries, MINUTE, T0 } from "../../core/test/closedFactory";
import { section, statisticsAfter, tableAfter } from "./markdownParse";

describe("renderBacktestReport", () => {
  it("prints one section per strategy and symbol with the default columns and all rows", () => {
    const closed = [
      ...closedSeries([1.5, -0.7, 2]),
      closedResult({ pnlPercent: -1, symbol: "ETHUSDT", priceOpen: 2500, priceClose: 2475 }),
    ];
    const markdown = renderBacktestReport(closed);
    expect(markdown.startsWith("# Backtest report\n")).toBe(true);
    const btc = section(markdown, "## alpha · BTCUSDT");
    const eth = section(markdown, "## alpha · ETHUSDT");
    expect(markdown.indexOf("## alpha · BTCUSDT")).toBeLessThan(markdown.indexOf("## alpha · ETHUSDT"));
    const table = tableAfter(btc, "### Closed signals");
    expect(table.header).toEqual([
      "Open time (UTC)",
      "Close time (UTC)",
      "Side",
      "Price open",
      "Price close",
      "TP",
      "SL",
      "Reason",
      "PnL %",
      "PnL (quote)",
      "MFE %",
      "MAE %",
      "Note",
    ]);
    expect(table.rows).toHaveLength(3);
    expect(table.rows[0]).toEqual([
      "2025-01-01T00:00:00.000Z",
      "2025-01-01T01:00:00.000Z",
      "long",
      "100.0000",
      "101.5000",
      "102.0000",
      "98.0000",
      "take_profit",
      "1.50%",
      "N/A (unsized)",
      "1.50%",
      "0.00%",
      "",
    ]);
    expect(table.rows.map((row) => row[8])).toEqual(["1.50%", "-0.70%", "2.00%"]);
    expect(tableAfter(eth, "### Closed signals").rows[0]!.slice(3, 5)).toEqual(["2500.00", "2475.00"]);
    const stats = statisticsAfter(btc, "### Statistics");
    expect(stats.get("Trades")).toBe("3");
    expect(stats.get("Win rate")).toBe("66.67%");
    expect(stats.get("Total PnL (sum)")).toBe("2.80%");
    expect(stats.get("Average holding time")).toBe("60.0 min");
    expect(markdown).not.toContain("more rows not shown");
  });

  it("prints N/A for metrics that cannot be computed", () => {
    const markdown = renderBacktestReport([closedResult({ pnlPercent: 2 })]);
    const stats = statisticsAfter(markdown, "### Statistics");
    expect(stats.get("Standard deviation (sample, per trade)")).toBe("N/A (fewer than 2 trades)");
    expect(stats.get("Sharpe ratio (per trade)")).toBe("N/A (fewer than 2 trades)");
    expect(stats.get("Profit factor")).toBe("N/A (no losing trade)");
    expect(stats.get("Max drawdown (closed trades, compounded)")).toBe("0.00%");
    expect(stats.get("Sharpe ratio (daily equity, √365, rf = 0)")).toBe(
      "N/A (needs ≥ 10 trades, has 1; needs ≥ 14 days, has 0.0)",
    );
    expect(stats.get("Expected yearly returns (compounded, 365 days)")).toMatch(/^N\/A \(needs ≥ 10 trades/);
    expect(stats.get("Max drawdown (marked to market each minute)")).toMatch(
      /^N\/A \(needs the run's minute prices/,
    );
    expect(stats.has("Expectancy per trade")).toBe(false);
    expect(stats.size).toBe(STATISTIC_METRICS.length);
  });

  it("caps long tables with a note of the hidden rows", () => {
    const returns = Array.from({ length: 7 }, (_, index) => (index % 2 === 0 ? 1 : -0.5));
    const markdown = renderBacktestReport(closedSeries(returns), { maxRows: 3 });
    const table = tableAfter(markdown, "### Closed signals");
    expect(table.rows).toHaveLength(3);
    expect(table.rows[2]![0]).toBe(new Date(T0 + 2 * 120 * MINUTE).toISOString());
    expect(markdown).toContain("_… 4 more rows not shown._");
    expect(statisticsAfter(markdown, "### Statistics").get("Trades")).toBe("7");
    const single = renderBacktestReport(closedSeries([1, 2]), { maxRows: 1 });
    expect(single).toContain("_… 1 more row not shown._");
  });

  it("caps at 200 rows by default", () => {
    const markdown = renderBacktestReport(closedSeries(Array.from({ length: 205 }, () => 0.1)));
    expect(tableAfter(markdown, "### Closed signals").rows).toHaveLength(200);
    expect(markdown).toContain("_… 5 more rows not shown._");
  });

  it("uses the requested columns in order", () => {
    const markdown = renderBacktestReport(closedSeries([1, -2]), {
      columns: ["pnl", "symbol", "holdingMinutes", "id"],
    });
    const table = tableAfter(markdown, "### Closed signals");
    expect(table.header).toEqual(["PnL %", "Symbol", "Time in position", "Id"]);
    expect(table.rows.map((row) => row.slice(0, 3))).toEqual([
      ["1.00%", "BTCUSDT", "60.0 min"],
      ["-2.00%", "BTCUSDT", "60.0 min"],
    ]);
    expect(markdown.split("\n").find((line) => line.startsWith("| ---"))).toBe("| ---: | --- | ---: | --- |");
  });

  it("escapes pipes and newlines in notes so the row keeps its columns", () => {
    const markdown = renderBacktestReport([
      closedResult({ pnlPercent: 1, note: "breakout | retest\nline two" }),
    ]);
    const line = markdown.split("\n").find((text) => text.includes("breakout"));
    expect(line).toContain("breakout \\| retest<br>line two");
    const table = tableAfter(markdown, "### Closed signals");
    expect(table.rows[0]).toHaveLength(table.header.length);
    expect(table.rows[0]!.at(-1)).toBe("breakout \\| retest<br>line two");
  });

  it("orders each table by close time and prints the period when given", () => {
    const late = closedResult({ pnlPercent: 1, openAt: T0 + 100 * MINUTE, closeAt: T0 + 160 * MINUTE });
    const early = closedResult({ pnlPercent: -1, openAt: T0, closeAt: T0 + 60 * MINUTE });
    const markdown = renderBacktestReport([late, early], {
      periodStartMs: T0,
      periodEndMs: T0 + 24 * 60 * MINUTE,
    });
    expect(tableAfter(markdown, "### Closed signals").rows.map((row) => row[8])).toEqual(["-1.00%", "1.00%"]);
    expect(markdown).toContain("Period: 2025-01-01T00:00:00.000Z → 2025-01-02T00:00:00.000Z");
  });

  it("says so when there is no closed signal, and validates options even then", () => {
    expect(renderBacktestReport([], { title: "Empty run" })).toBe("# Empty run\n\n_No closed signals._\n");
    expect(() => renderBacktestReport([], { maxRows: -1 })).toThrowError(/maxRows/);
  });

  it("rejects an unknown column or a bad maxRows with BtError VALIDATION", () => {
    const closed = closedSeries([1]);
    for (const options of [{ columns: ["pnl", "colour"] as never }, { columns: [] }, { maxRows: 1.5 }]) {
      try {
        renderBacktestReport(closed, options);
        expect.unreachable();
      } catch (error) {
        expect(BtError.isInstance(error)).toBe(true);
        expect((error as BtError).code).toBe("VALIDATION");
      }
    }
  });
});

describe("renderBacktestReport marked drawdown", () => {
  it("prints the run's marked drawdown for one run, and N/A when several runs are merged", () => {
    const one = statisticsAfter(
      renderBacktestReport([closedResult({ pnlPercent: 2 })], { markedMaxDrawdownPercent: 3.5 }),
      "### Statistics",
    );
    expect(one.get("Max drawdown (marked to market each minute)")).toBe("3.50%");
    const merged = renderBacktestReport(
      [closedResult({ pnlPercent: 2 }), closedResult({ pnlPercent: 1, strategyName: "beta" })],
      { markedMaxDrawdownPercent: 3.5 },
    );
    expect(merged).not.toContain("| Max drawdown (marked to market each minute) | 3.50% |");
  });
});
