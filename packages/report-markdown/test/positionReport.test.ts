import { computeStatistics, type IStrategyTickResultClosed, type PositionUpdate } from "@bt/core";
import {
  CLOSED_SIGNAL_COLUMNS,
  DEFAULT_CLOSED_SIGNAL_COLUMNS,
  describePositionUpdate,
  formatMoney,
  formatStatistic,
  renderBacktestReport,
  renderLiveReport,
  statisticLabel,
} from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedResult, closedSeries } from "../../core/test/closedFactory";
import { activeEvent, openedEvent } from "../../core/test/tickFactory";
import { section, statisticsAfter, tableAfter } from "./markdownParse";
import {
  DCA_FILLS,
  dcaTrade,
  liveDcaTrade,
  MINUTE,
  openPosition,
  T0,
  unsizedDcaTrade,
  updatedEvent,
  upgradedOldTrade,
} from "./positionFixtures";

const ALL_POSITION_COLUMNS = [
  "id",
  "pnl",
  "pnlCost",
  "cost",
  "entries",
  "partialExits",
  "mfe",
  "mae",
  "holdingMinutes",
] as const;

describe("money formatting", () => {
  it("prints quote-currency amounts with 2 decimals from 1, more below, no negative zero", () => {
    expect(formatMoney(57.3912)).toBe("57.39");
    expect(formatMoney(-1234.5)).toBe("-1234.50");
    expect(formatMoney(0)).toBe("0.00");
    expect(formatMoney(-0.042)).toBe("-0.0420");
    expect(formatMoney(0.00001234)).toBe("0.00001234");
    expect(formatMoney(-0.000000001)).toBe("0.00000000");
    expect(formatMoney(null)).toBe("N/A");
    expect(formatMoney(Number.NaN)).toBe("N/A");
  });
});

describe("closed-signal columns of managed positions", () => {
  it("adds money PnL and MFE / MAE to the defaults; entries, partial exits, cost and time are opt-in", () => {
    expect(DEFAULT_CLOSED_SIGNAL_COLUMNS).toEqual([
      "openTime",
      "closeTime",
      "side",
      "priceOpen",
      "priceClose",
      "takeProfit",
      "stopLoss",
      "reason",
      "pnl",
      "pnlCost",
      "mfe",
      "mae",
      "note",
    ]);
    for (const column of ALL_POSITION_COLUMNS) expect(CLOSED_SIGNAL_COLUMNS).toContain(column);
    const table = tableAfter(renderBacktestReport([dcaTrade()]), "### Closed signals");
    expect(table.header.slice(3, 12)).toEqual([
      "Price open",
      "Price close",
      "TP",
      "SL",
      "Reason",
      "PnL %",
      "PnL (quote)",
      "MFE %",
      "MAE %",
    ]);
    // The average entry is the open price of a DCA trade.
    expect(table.rows[0]!.slice(3, 12)).toEqual([
      "98.4772",
      "102.0000",
      "102.0000",
      "98.0000",
      "take_profit",
      "2.87%",
      "57.39",
      "3.58%",
      "-1.50%",
    ]);
  });

  it("counts the entries and partial exits and prints cost, money and time in position", () => {
    const markdown = renderBacktestReport([dcaTrade(), closedResult({ pnlPercent: 1, cost: 500 })], {
      columns: [...ALL_POSITION_COLUMNS],
    });
    const table = tableAfter(markdown, "### Closed signals");
    expect(table.header).toEqual([
      "Id",
      "PnL %",
      "PnL (quote)",
      "Cost (quote)",
      "Entries",
      "Partial exits",
      "MFE %",
      "MAE %",
      "Time in position",
    ]);
    const byId = new Map(table.rows.map((row) => [row[0], row.slice(1)]));
    expect(byId.get("dca-1")).toEqual([
      "2.87%",
      "57.39",
      "2000.00",
      "2",
      "1",
      "3.58%",
      "-1.50%",
      "240.0 min",
    ]);
    const single = [...byId.entries()].find(([id]) => id !== "dca-1")![1];
    expect(single).toEqual(["1.00%", "5.00", "500.00", "1", "0", "1.00%", "0.00%", "60.0 min"]);
  });

  it('prints "N/A (unsized)" for the money of an unsized trade, never a number', () => {
    const markdown = renderBacktestReport([unsizedDcaTrade()], { columns: ["id", "pnl", "pnlCost", "cost"] });
    expect(tableAfter(markdown, "### Closed signals").rows).toEqual([
      ["dca-unsized", "2.87%", "N/A (unsized)", "N/A (unsized)"],
    ]);
    // The run's money total is N/A with its reason too (core's statistic, rendered here).
    const stats = statisticsAfter(markdown, "### Statistics");
    expect(stats.get(statisticLabel("totalPnlCost"))).toMatch(/^N\/A \(1 of 1 trades are unsized/);
  });

  it("says why MFE / MAE are missing on a trade recorded before bt tracked them", () => {
    const markdown = renderBacktestReport([upgradedOldTrade()], { columns: ["id", "mfe", "mae", "entries"] });
    expect(tableAfter(markdown, "### Closed signals").rows).toEqual([
      ["old-1", "N/A (recorded before bt tracked it)", "N/A (recorded before bt tracked it)", "1"],
    ]);
  });

  it("reads a trade of a file written before fills and excursions were recorded as one entry, N/A", () => {
    const old = upgradedOldTrade();
    const { fills: _fills, ...signal } = old.signal;
    const {
      pnlCost: _money,
      costTotal: _cost,
      mfePercent: _mfe,
      maePercent: _mae,
      minutesInPosition: _minutes,
      ...pnl
    } = old.pnl;
    const raw = { ...old, signal, pnl } as unknown as IStrategyTickResultClosed;
    const markdown = renderBacktestReport([raw], { columns: [...ALL_POSITION_COLUMNS] });
    expect(tableAfter(markdown, "### Closed signals").rows).toEqual([
      [
        "old-1",
        "-0.80%",
        "N/A (unsized)",
        "N/A (unsized)",
        "1",
        "0",
        "N/A (recorded before bt tracked it)",
        "N/A (recorded before bt tracked it)",
        "45.0 min",
      ],
    ]);
    expect(markdown).not.toContain("### Position fills");
  });

  it("prints the money statistics of sized trades with the money format", () => {
    const closed = [dcaTrade(), closedResult({ pnlPercent: 1, cost: 500, closeAt: T0 + 300 * MINUTE })];
    const stats = statisticsAfter(renderBacktestReport(closed), "### Statistics");
    expect(stats.get(statisticLabel("totalPnlCost"))).toBe("62.39");
    expect(formatStatistic(computeStatistics(closed), "totalPnlCost")).toBe("62.39");
  });
});

describe("position fills in the backtest report", () => {
  it("lists every fill of the trades with more than one, then their close", () => {
    const markdown = renderBacktestReport([...closedSeries([1]), dcaTrade()]);
    const group = section(markdown, "## alpha · BTCUSDT");
    expect(group.indexOf("### Closed signals")).toBeLessThan(group.indexOf("### Position fills"));
    expect(group.indexOf("### Position fills")).toBeLessThan(group.indexOf("### Statistics"));
    expect(group).toContain("Trades with more than one fill: 1 of 2.");
    const fills = tableAfter(group, "### Position fills");
    expect(fills.header).toEqual([
      "Trade",
      "Open time (UTC)",
      "Fill",
      "Time (UTC)",
      "Price",
      "Cost (quote)",
      "Closed (of open size)",
    ]);
    const opened = "2025-01-01T00:00:00.000Z";
    expect(fills.rows).toEqual([
      ["dca-1", opened, "entry (open)", opened, "100.0000", "1000.00", ""],
      ["dca-1", opened, "entry (dca_ladder)", "2025-01-01T00:30:00.000Z", "97.0000", "1000.00", ""],
      [
        "dca-1",
        opened,
        "partial exit (take_profit_ladder)",
        "2025-01-01T01:30:00.000Z",
        "101.0000",
        "",
        "50.00%",
      ],
      ["dca-1", opened, "close (take_profit)", "2025-01-01T04:00:00.000Z", "102.0000", "", "100.00%"],
    ]);
  });

  it("has no fills section when every trade had one fill", () => {
    const markdown = renderBacktestReport([...closedSeries([1, -1]), upgradedOldTrade()]);
    expect(markdown).not.toContain("### Position fills");
  });

  it("prints an unsized trade's entry costs as multiples of its first entry", () => {
    const rows = tableAfter(renderBacktestReport([unsizedDcaTrade()]), "### Position fills").rows;
    expect(rows.map((row) => [row[2], row[5]])).toEqual([
      ["entry (open)", "1.000× first entry"],
      ["entry (dca_ladder)", "1.500× first entry"],
      ["partial exit (take_profit_ladder)", ""],
      ["close (take_profit)", ""],
    ]);
  });

  it("adds the executed price column when a fill has one (live)", () => {
    const fills = tableAfter(renderBacktestReport([liveDcaTrade(), dcaTrade()]), "### Position fills");
    expect(fills.header.at(-1)).toBe("Executed price");
    // Both close at the same time: the input order is kept.
    expect(fills.rows.map((row) => [row[0], row[2], row.at(-1)])).toEqual([
      ["dca-live", "entry (open)", "100.0100"],
      ["dca-live", "entry (dca_ladder)", "97.0100"],
      ["dca-live", "partial exit (take_profit_ladder)", "101.0100"],
      ["dca-live", "close (take_profit)", ""],
      ["dca-1", "entry (open)", ""],
      ["dca-1", "entry (dca_ladder)", ""],
      ["dca-1", "partial exit (take_profit_ladder)", ""],
      ["dca-1", "close (take_profit)", ""],
    ]);
  });

  it("caps the fills table at maxRows with a note", () => {
    const markdown = renderBacktestReport([dcaTrade(), { ...dcaTrade(), timestamp: T0 + 480 * MINUTE }], {
      maxRows: 3,
    });
    expect(tableAfter(markdown, "### Position fills").rows).toHaveLength(3);
    expect(markdown).toContain("Trades with more than one fill: 2 of 2.");
    expect(markdown).toContain("_… 5 more rows not shown._");
  });
});

describe("describePositionUpdate", () => {
  const sized = openPosition(DCA_FILLS.slice(0, 1));
  const unsized = { ...sized, cost: null, fills: [{ ...DCA_FILLS[0]!, cost: 1 }] };
  const cases: Array<[PositionUpdate, string]> = [
    [
      { kind: "partial", reason: "take_profit_ladder", price: 101, fraction: 0.5 },
      "partial exit (take_profit_ladder): 50.00% of the open size at 101.0000",
    ],
    [
      { kind: "partial", reason: "partial_loss", price: 96.5, fraction: 0.25 },
      "partial exit (partial_loss): 25.00% of the open size at 96.5000",
    ],
    [
      { kind: "entry", source: "dca_ladder", price: 97, cost: 1000 },
      "entry added (dca_ladder) at 97.0000, cost 1000.00",
    ],
    [{ kind: "breakeven", from: 95, to: 100.2 }, "breakeven: stop loss 95.0000 → 100.2000"],
    [
      { kind: "breakeven", from: 101, to: 101 },
      "breakeven: stop loss stays at 101.0000 (already past the breakeven price)",
    ],
    [
      { kind: "stop_moved", source: "trailing", from: 95, to: 99.5 },
      "stop loss moved (trailing): 95.0000 → 99.5000",
    ],
    [
      { kind: "stop_moved", source: "command", from: 95, to: 97 },
      "stop loss moved (command): 95.0000 → 97.0000",
    ],
    [
      { kind: "take_moved", source: "command", from: 102, to: 104 },
      "take profit moved (command): 102.0000 → 104.0000",
    ],
    [
      { kind: "trailing_take", price: 102 },
      "take profit reached at 102.0000: the exit now trails the best price",
    ],
  ];

  it.each(cases)("describes %j", (update, text) => {
    expect(describePositionUpdate(updatedEvent(sized, update, T0))).toBe(text);
  });

  it("gives an unsized entry's cost in units of the first entry", () => {
    const update: PositionUpdate = { kind: "entry", source: "command", price: 97, cost: 0.5 };
    expect(describePositionUpdate(updatedEvent(unsized, update, T0))).toBe(
      "entry added (command) at 97.0000, cost 0.500× first entry",
    );
  });
});

describe("renderLiveReport position changes", () => {
  const afterEntry = openPosition(DCA_FILLS.slice(0, 2));
  const afterPartial = { ...openPosition(DCA_FILLS), priceStopLoss: 98.6 };
  const events = [
    openedEvent({ id: "dca-open", pendingAt: T0 }),
    activeEvent({ id: "dca-open", pendingAt: T0 }, T0 + MINUTE),
    updatedEvent(
      afterEntry,
      { kind: "entry", source: "dca_ladder", price: 97, cost: 1000 },
      T0 + 30 * MINUTE,
      97,
    ),
    updatedEvent(
      afterPartial,
      { kind: "partial", reason: "take_profit_ladder", price: 101, fraction: 0.5 },
      T0 + 90 * MINUTE,
      101,
    ),
    updatedEvent(afterPartial, { kind: "breakeven", from: 95, to: 98.6 }, T0 + 90 * MINUTE, 101),
  ];

  it("counts updated results, describes each change and shows the position after them", () => {
    const markdown = renderLiveReport(events);
    const counts = new Map(tableAfter(markdown, "## Events by action").rows.map((row) => [row[0], row[1]]));
    expect(counts.get("updated")).toBe("3");
    expect([...counts.keys()]).toEqual([
      "idle",
      "scheduled",
      "opened",
      "active",
      "updated",
      "closed",
      "cancelled",
    ]);
    const changes = tableAfter(markdown, "## Position changes");
    expect(changes.header).toEqual([
      "Time (UTC)",
      "Strategy",
      "Symbol",
      "Signal",
      "Change",
      "Stop loss",
      "Take profit",
      "Last price",
    ]);
    expect(changes.rows).toEqual([
      [
        "2025-01-01T00:30:00.000Z",
        "alpha",
        "BTCUSDT",
        "dca-open",
        "entry added (dca_ladder) at 97.0000, cost 1000.00",
        "95.0000",
        "102.0000",
        "97.0000",
      ],
      [
        "2025-01-01T01:30:00.000Z",
        "alpha",
        "BTCUSDT",
        "dca-open",
        "partial exit (take_profit_ladder): 50.00% of the open size at 101.0000",
        "98.6000",
        "102.0000",
        "101.0000",
      ],
      [
        "2025-01-01T01:30:00.000Z",
        "alpha",
        "BTCUSDT",
        "dca-open",
        "breakeven: stop loss 95.0000 → 98.6000",
        "98.6000",
        "102.0000",
        "101.0000",
      ],
    ]);
    const open = tableAfter(markdown, "## Open positions");
    expect(open.header).toEqual([
      "Strategy",
      "Symbol",
      "Side",
      "Open time (UTC)",
      "Price open",
      "Entries",
      "Avg entry",
      "Open (of entered)",
      "TP",
      "SL",
      "Last price",
    ]);
    // 10 + 10.3093 units entered at 2000: average 98.4772; half closed.
    expect(open.rows).toEqual([
      [
        "alpha",
        "BTCUSDT",
        "long",
        "2025-01-01T00:00:00.000Z",
        "100.0000",
        "2",
        "98.4772",
        "50.00%",
        "102.0000",
        "98.6000",
        "101.0000",
      ],
    ]);
  });

  it("keeps the latest state when the engine's single active tick sits before a later-logged change", () => {
    // LiveEventLog keeps one active tick per position, in the slot of the first: a change logged after
    // it can be older than it.
    const { update: _update, ...later } = updatedEvent(
      afterPartial,
      { kind: "breakeven", from: 95, to: 98.6 },
      T0 + 120 * MINUTE,
      103,
    );
    const active = { ...later, action: "active" as const };
    const markdown = renderLiveReport([events[0]!, active, events[2]!]);
    expect(tableAfter(markdown, "## Open positions").rows[0]!.slice(5)).toEqual([
      "2",
      "98.4772",
      "50.00%",
      "102.0000",
      "98.6000",
      "103.0000",
    ]);
  });

  it("shows the latest maxRows changes with a count of the earlier ones, and a stable shape without any", () => {
    const markdown = renderLiveReport(events, { maxRows: 2 });
    expect(tableAfter(markdown, "## Position changes").rows.map((row) => row[4])).toEqual([
      "partial exit (take_profit_ladder): 50.00% of the open size at 101.0000",
      "breakeven: stop loss 95.0000 → 98.6000",
    ]);
    expect(markdown).toContain("_… 1 earlier change not shown._");
    expect(renderLiveReport(events.slice(0, 2))).toContain("## Position changes\n\n_No position changes._");
    expect(() => renderLiveReport(events, { maxRows: -1 })).toThrowError(/maxRows/);
  });

  it("lists the fills of a closed DCA trade with their executed prices", () => {
    const closedTrade = liveDcaTrade();
    const closing = { ...closedTrade, signal: { ...closedTrade.signal, id: "dca-open" } };
    const markdown = renderLiveReport([...events, closing]);
    expect(markdown).toContain("_No open positions._");
    const fills = tableAfter(markdown, "### Position fills");
    expect(fills.rows.map((row) => row.at(-1))).toEqual(["100.0100", "97.0100", "101.0100", ""]);
  });
});
