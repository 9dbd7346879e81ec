import {
  accountLedger,
  BtError,
  computeEquityStatistics,
  DAY_MS,
  EQUITY_METRICS,
  type IAccountTrade,
} from "@bt/core";
import {
  DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS,
  formatEquityStatistic,
  moneyBySignalId,
  NO_ACCOUNT_MONEY,
  NOT_IN_LEDGER,
  renderBacktestReport,
  renderEquityStatisticsTable,
  renderHeatReport,
  renderPortfolioReport,
} from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { MINUTE, T0 } from "../../core/test/closedFactory";
import { COSTS, moneyTrade } from "../../core/test/moneyFixtures";
import { section, statisticsAfter, tableAfter } from "./markdownParse";

const HOUR = 60 * MINUTE;

// The trades of core's accountLedger.test.ts (balance 1000, fee 0.1 %, slippage 0.1 %), money in quote:
// A BTCUSDT long 100 → 102, stake 100: net 1.5944075924, fees 0.2017962038, slippage 0.2037962038, balance 1001.5944
// B ETHUSDT short 2000 → 1980, sized 200: net 1.2052072072, fees 0.3983963964, slippage 0.3963963964, balance 1002.7996
// C BTCUSDT long 102 → 100.98, stake 150: net −2.0949065934, fees 0.2982032967, slippage 0.2967032967, balance 1000.7047
const tradeA = moneyTrade({ priceOpen: 100, priceClose: 102, openAt: T0, closeAt: T0 + 2 * HOUR });
const tradeB = moneyTrade({
  position: "short",
  symbol: "ETHUSDT",
  priceOpen: 2000,
  priceClose: 1980,
  cost: 200,
  openAt: T0 + HOUR,
  closeAt: T0 + 3 * HOUR,
});
const tradeC = moneyTrade({
  priceOpen: 102,
  priceClose: 100.98,
  openAt: T0 + 2 * HOUR,
  closeAt: T0 + 3 * HOUR,
});
const closed = [tradeA, tradeB, tradeC];
const ledger: IAccountTrade[] = accountLedger(
  [
    { closed: tradeA, stake: 100 },
    { closed: tradeB, stake: null },
    { closed: tradeC, stake: 150 },
  ],
  1000,
  COSTS,
);
const period = { periodStartMs: T0, periodEndMs: T0 + 3 * DAY_MS };
const equity = computeEquityStatistics(
  [
    { timeMs: T0 + HOUR, equity: 1000 },
    { timeMs: T0 + 2 * HOUR, equity: 1001.6 },
    { timeMs: T0 + 150 * MINUTE, equity: 990 },
    { timeMs: T0 + 3 * HOUR, equity: 1000.7 },
  ],
  { ...period, initialBalance: 1000, tradeCount: 3 },
);

describe("closed-signals table with account money", () => {
  it("adds stake, fees and balance after, prints the account's PnL (quote) and the totals", () => {
    const markdown = renderBacktestReport(closed, { money: moneyBySignalId(ledger) });
    const btc = section(markdown, "## alpha · BTCUSDT");
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
      "Stake (quote)",
      "PnL %",
      "PnL (quote)",
      "Fees (quote)",
      "Balance after (quote)",
      "MFE %",
      "MAE %",
      "Note",
    ]);
    expect(DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS).toHaveLength(table.header.length);
    // Money: 2 decimals from 1, 4 below (formatMoney).
    expect(table.rows.map((row) => row.slice(8, 13))).toEqual([
      ["100.00", "1.59%", "1.59", "0.2018", "1001.59"],
      ["150.00", "-1.40%", "-2.09", "0.2982", "1000.70"],
    ]);
    // Σ stake 100 + 150; Σ net 1.5944075924 − 2.0949065934 = −0.5004990010; Σ fees 0.2017962038 + 0.2982032967
    // = 0.4999995005; Σ slippage 0.2037962038 + 0.2967032967 = 0.5004995005; the last BTC trade (C) leaves 1000.7047.
    expect(btc).toContain(
      "**Totals (quote):** stake 250.00 · net PnL -0.5005 · fees 0.5000 · slippage 0.5005 · account balance after the last trade 1000.70",
    );
    // The statistics' money total counts the staked (unsized) trades.
    expect(statisticsAfter(btc, "### Statistics").get("Total net PnL (quote currency)")).toBe("-0.5005");
    const eth = section(markdown, "## alpha · ETHUSDT");
    expect(eth).toContain(
      "**Totals (quote):** stake 200.00 · net PnL 1.21 · fees 0.3984 · slippage 0.3964 · account balance after the last trade 1002.80",
    );
  });

  it("says why a money cell is empty: no money given, a trade not in the ledger, no fee split", () => {
    const noMoney = tableAfter(
      renderBacktestReport([tradeA], { columns: ["stake", "fees", "balanceAfter"] }),
    );
    expect(noMoney.rows[0]).toEqual([NO_ACCOUNT_MONEY, NO_ACCOUNT_MONEY, NO_ACCOUNT_MONEY]);
    const partial = renderBacktestReport([tradeA, tradeC], {
      money: moneyBySignalId(ledger.filter((row) => row.signalId === tradeA.signal.id)),
      columns: ["pnlCost", "fees"],
    });
    expect(tableAfter(partial).rows[1]).toEqual([NOT_IN_LEDGER, NOT_IN_LEDGER]);
    expect(partial).toContain("net PnL N/A (1 of 2 trades have no money)");
    expect(partial).toContain("(1 of 2 trades are not in the account ledger)");
    // Priced at fee 0.2 %, split at 0.1 %: no fee split, with the reason.
    const other = moneyTrade({
      priceOpen: 100,
      priceClose: 102,
      costs: { feePercent: 0.2, slippagePercent: 0.1 },
    });
    const unsplit = renderBacktestReport([other], {
      money: moneyBySignalId(accountLedger([{ closed: other, stake: 100 }], 1000, COSTS)),
      columns: ["fees", "slippage"],
    });
    expect(tableAfter(unsplit).rows[0]![0]).toMatch(
      /^N\/A \(the trade's pnl .* is not its fills at fee 0.1 %/,
    );
    expect(unsplit).toContain("fees N/A (1 of 1 trades have no fee split)");
  });

  it("keeps the percent-only table when no money is given", () => {
    const table = tableAfter(renderBacktestReport([tradeA]), "### Closed signals");
    expect(table.header).not.toContain("Stake (quote)");
    expect(table.rows[0]![9]).toBe("N/A (unsized)");
  });

  it("moneyBySignalId rejects a duplicate signal id", () => {
    expect(() => moneyBySignalId([ledger[0]!, ledger[0]!])).toThrowError(/appears twice/);
  });
});

describe("account statistics table", () => {
  it("prints every EQUITY_METRICS figure with its unit, N/A with the reason, and the conventions", () => {
    const markdown = renderEquityStatisticsTable(equity);
    const rows = tableAfter(markdown).rows;
    expect(rows.map((row) => row[0])).toEqual(EQUITY_METRICS.map((metric) => metric.label));
    const values = new Map(rows.map((row) => [row[0]!, row[1]!]));
    expect(values.get("Start balance")).toBe("1000.00");
    expect(values.get("End equity (marked to market)")).toBe("1000.70");
    expect(values.get("Net profit (quote)")).toBe("0.7000");
    expect(values.get("Return on the start balance")).toBe("0.07%");
    // Peak 1001.6 → 990: (1001.6 − 990) / 1001.6 = 1.158 %, 11.60 quote.
    expect(values.get("Max drawdown (account equity, every mark)")).toBe("1.16%");
    expect(values.get("Max drawdown (quote)")).toBe("11.60");
    expect(values.get("Sharpe ratio (daily account equity, √365, rf = 0)")).toBe(
      "N/A (needs ≥ 10 trades, has 3; needs ≥ 14 days, has 3.0)",
    );
    expect(formatEquityStatistic({ ...equity, unavailable: {} }, "calmarRatio")).toBe("N/A");
    for (const metric of EQUITY_METRICS)
      expect(markdown).toContain(`- **${metric.label}**: ${metric.convention}`);
  });
});

describe("renderPortfolioReport", () => {
  const settings = {
    initialBalance: 1000,
    feePercent: 0.1,
    slippagePercent: 0.1,
    maxOpenPositions: 2,
    warmUpMinutes: 120,
    gaps: "none",
    staking: "fixed 100 then 150 quote",
    other: [["Symbols asked", "BTCUSDT, ETHUSDT"]] as const,
  };

  it("prints the account, the heat table and each symbol's trades with money", () => {
    const markdown = renderPortfolioReport({ closed, ledger, equity, settings, ...period });
    expect(markdown.startsWith("# Portfolio report\n")).toBe(true);
    const headings = markdown.split("\n").filter((line) => line.startsWith("## "));
    expect(headings).toEqual(["## Account", "## Symbols", "## alpha · BTCUSDT", "## alpha · ETHUSDT"]);
    const account = section(markdown, "## Account");
    expect(account).toContain(
      "Symbols: 2 · Trades: 3 · Period: 2025-01-01T00:00:00.000Z → 2025-01-04T00:00:00.000Z",
    );
    expect(
      Object.fromEntries(tableAfter(account, "### Settings").rows.map((row) => [row[0], row[1]])),
    ).toEqual({
      "Initial balance (quote)": "1000.00",
      "Fee per side": "0.10%",
      "Slippage per side": "0.10%",
      "Max open positions": "2",
      "Warm-up": "120.0 min",
      "Candle gaps": "none",
      "Staking of unsized signals": "fixed 100 then 150 quote",
      "Symbols asked": "BTCUSDT, ETHUSDT",
    });
    // Σ net 1.5944075924 + 1.2052072072 − 2.0949065934 = 0.7047082062; Σ fees 0.2017962038 + 0.3983963964
    // + 0.2982032967 = 0.8983958969; Σ slippage 0.2037962038 + 0.3963963964 + 0.2967032967 = 0.8968958969.
    expect(account).toContain(
      "**Realised (closed trades, quote):** net PnL 0.7047 · fees 0.8984 · slippage 0.8969 · balance after the last trade 1000.70",
    );
    expect(statisticsAfter(account, "### Account statistics").get("Start balance")).toBe("1000.00");
    const heat = tableAfter(section(markdown, "## Symbols"));
    // Sorted by total PnL %: ETH 0.60 % before BTC 1.59 − 1.40 = 0.20 %.
    expect(heat.rows.map((row) => row[0])).toEqual(["ETHUSDT", "BTCUSDT", "**Total**"]);
    const eth = tableAfter(section(markdown, "## alpha · ETHUSDT"), "### Closed signals");
    expect(eth.rows[0]!.slice(8, 13)).toEqual(["200.00", "0.60%", "1.21", "0.3984", "1002.80"]);
  });

  it("prints a stable shape for an account without trades, and 'no limit' for a null position cap", () => {
    const flat = computeEquityStatistics([], { ...period, initialBalance: 500, tradeCount: 0 });
    const markdown = renderPortfolioReport({
      closed: [],
      ledger: [],
      equity: flat,
      settings: { initialBalance: 500, feePercent: 0, slippagePercent: 0, maxOpenPositions: null },
      ...period,
      title: "Empty",
    });
    expect(markdown.startsWith("# Empty\n")).toBe(true);
    expect(markdown).toContain("| Max open positions | no limit |");
    expect(markdown).toContain(
      "net PnL 0.00 · fees 0.00 · slippage 0.00 · balance after the last trade 500.00",
    );
    expect(markdown.trimEnd().endsWith("_No closed signals._")).toBe(true);
  });

  it("rejects a ledger of other trades, another start balance and bad settings", () => {
    const cases: Array<[() => unknown, string]> = [
      [
        () => renderPortfolioReport({ closed, ledger: ledger.slice(1), equity, settings, ...period }),
        "ledger",
      ],
      [
        () =>
          renderPortfolioReport({
            closed,
            ledger,
            equity,
            settings: { ...settings, initialBalance: 999 },
            ...period,
          }),
        "equity.startBalance",
      ],
      [
        () =>
          renderPortfolioReport({
            closed,
            ledger,
            equity,
            settings: { ...settings, feePercent: Number.NaN },
            ...period,
          }),
        "settings.feePercent",
      ],
      [() => renderPortfolioReport({ closed, ledger, equity, settings, ...period, maxRows: -1 }), "maxRows"],
    ];
    for (const [call, field] of cases) {
      try {
        call();
        expect.unreachable();
      } catch (error) {
        expect(BtError.isInstance(error)).toBe(true);
        expect((error as BtError).code).toBe("VALIDATION");
        expect((error as BtError).field).toBe(field);
      }
    }
  });
});

describe("renderHeatReport headingLevel", () => {
  it("prints a second-level heading inside a larger report and rejects other levels", () => {
    expect(renderHeatReport(closed, { title: "Symbols", headingLevel: 2 }).startsWith("## Symbols\n")).toBe(
      true,
    );
    expect(renderHeatReport(closed).startsWith("# Portfolio heat report\n")).toBe(true);
    expect(() => renderHeatReport(closed, { headingLevel: 3 as never })).toThrowError(/headingLevel/);
  });
});
