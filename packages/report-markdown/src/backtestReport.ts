// The backtest report: the run conditions and problems when given, then per strategy and symbol the
// table of closed signals (configurable columns, capped rows), the fills of trades with several (DCA,
// partial exits) and the statistics table. Pure: returns a markdown string.

import { computeStatistics, type IStatisticsOptions, type IStrategyTickResultClosed } from "@bt/core";
import {
  type ClosedSignalColumn,
  type ClosedTradeMoneyMap,
  closedSignalColumns,
  DEFAULT_CLOSED_SIGNAL_COLUMNS,
  DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS,
} from "./closedSignalColumns";
import { formatMoney, formatTime, NOT_AVAILABLE } from "./formatValue";
import { checkMaxRows, DEFAULT_MAX_ROWS, escapeCell, markdownTable } from "./markdownTable";
import { renderPositionFills } from "./positionFillsTable";
import { type IRunContextOptions, reportHeaderLines } from "./reportHeader";
import { renderStatisticsTable } from "./statisticsTable";

/** Options of the closed-signals table and statistics shared by the backtest and live reports. */
export interface IClosedTableOptions extends IStatisticsOptions {
  /** Columns of the closed-signals table, in order; default DEFAULT_CLOSED_SIGNAL_COLUMNS. */
  columns?: ReadonlyArray<ClosedSignalColumn>;
  /** Maximum rows printed per closed-signals table and per fills table (non-negative integer); default 200. */
  maxRows?: number;
  /**
   * The account's money of the trades by signal id (`moneyBySignalId(accountLedger(…))`, iterated in ledger
   * order). When given, the default columns are DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS, the PnL (quote) column
   * prints the account's money and each table ends with its totals in quote currency.
   */
  money?: ClosedTradeMoneyMap;
}

/** Options of renderBacktestReport; `config` and `problems` print under the title when given. */
export interface IBacktestReportOptions extends IClosedTableOptions, IRunContextOptions {
  /** First-level heading; default "Backtest report". */
  title?: string;
}

/** Closed results grouped by strategy then symbol, groups sorted by name, trades by close time. */
export function groupClosedResults(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
): Array<{ strategyName: string; symbol: string; closed: IStrategyTickResultClosed[] }> {
  const groups = new Map<
    string,
    { strategyName: string; symbol: string; closed: IStrategyTickResultClosed[] }
  >();
  for (const result of closed) {
    const key = JSON.stringify([result.strategyName, result.symbol]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { strategyName: result.strategyName, symbol: result.symbol, closed: [] };
      groups.set(key, group);
    }
    group.closed.push(result);
  }
  return [...groups.values()]
    .sort(
      (left, right) =>
        left.strategyName.localeCompare(right.strategyName, "en") ||
        left.symbol.localeCompare(right.symbol, "en"),
    )
    .map((group) => ({
      ...group,
      closed: group.closed.sort((left, right) => left.timestamp - right.timestamp),
    }));
}

/** The columns when none are given: with the money columns when the account's money is. */
export function defaultColumns(options: IClosedTableOptions): ReadonlyArray<ClosedSignalColumn> {
  return options.money === undefined ? DEFAULT_CLOSED_SIGNAL_COLUMNS : DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS;
}

/**
 * An unsized trade with the money the account's stake gave it (pnlCost, costTotal), so the statistics'
 * total in quote currency counts it; a sized trade, or one the map lacks, as it is.
 */
function withAccountMoney(
  result: IStrategyTickResultClosed,
  money: ClosedTradeMoneyMap | undefined,
): IStrategyTickResultClosed {
  const entry = money?.get(result.signal.id);
  if (entry === undefined || (result.pnl.costTotal !== null && result.pnl.costTotal !== undefined))
    return result;
  return { ...result, pnl: { ...result.pnl, pnlCost: entry.pnlCost, costTotal: entry.cost } };
}

/** Σ of one money figure over trades, or "N/A (why)" when some trade lacks it. */
function moneySum(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  money: ClosedTradeMoneyMap,
  key: "cost" | "pnlCost" | "feeCost" | "slippageCost",
  what: string,
): string {
  let total = 0;
  let missing = 0;
  for (const result of closed) {
    const value = money.get(result.signal.id)?.[key];
    if (value === null || value === undefined) missing++;
    else total += value;
  }
  return missing > 0
    ? `${NOT_AVAILABLE} (${missing} of ${closed.length} trades have no ${what})`
    : formatMoney(total);
}

/**
 * The totals line under a closed table with account money: Σ stake, Σ net PnL, Σ fees, Σ slippage of its
 * trades (quote) and the account's balance after the last of them in ledger order (the map's order).
 */
function moneyTotals(closed: ReadonlyArray<IStrategyTickResultClosed>, money: ClosedTradeMoneyMap): string {
  const ids = new Set(closed.map((result) => result.signal.id));
  let balance: number | null = null;
  for (const [id, entry] of money) if (ids.has(id)) balance = entry.balanceAfter;
  const absent = closed.filter((result) => !money.has(result.signal.id)).length;
  const parts = [
    `stake ${moneySum(closed, money, "cost", "stake")}`,
    `net PnL ${moneySum(closed, money, "pnlCost", "money")}`,
    `fees ${moneySum(closed, money, "feeCost", "fee split")}`,
    `slippage ${moneySum(closed, money, "slippageCost", "slippage split")}`,
    `account balance after the last trade ${balance === null ? `${NOT_AVAILABLE} (no trade in the account ledger)` : formatMoney(balance)}`,
  ];
  const note = absent > 0 ? ` (${absent} of ${closed.length} trades are not in the account ledger)` : "";
  return `**Totals (quote):** ${parts.join(" · ")}${note}`;
}

/**
 * Markdown of one strategy/symbol group: a second-level heading, the closed-signals table, the fills of
 * its trades with more than one fill ("### Position fills", only when there are some) and the statistics.
 */
export function renderClosedSection(
  strategyName: string,
  symbol: string,
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  options: IClosedTableOptions = {},
): string {
  const columns = closedSignalColumns(options.columns ?? defaultColumns(options));
  const maxRows = checkMaxRows(options.maxRows ?? DEFAULT_MAX_ROWS);
  const stats = computeStatistics(
    options.money === undefined ? closed : closed.map((result) => withAccountMoney(result, options.money)),
    options,
  );
  const exchanges = [...new Set(closed.map((result) => result.exchangeName))].join(", ");
  const lines = [`## ${escapeCell(strategyName)} · ${escapeCell(symbol)}`, ""];
  const facts = [`Trades: ${closed.length}`];
  if (exchanges !== "") facts.unshift(`Exchange: ${escapeCell(exchanges)}`);
  if (options.periodStartMs !== undefined || options.periodEndMs !== undefined) {
    facts.push(
      `Period: ${formatTime(options.periodStartMs ?? null)} → ${formatTime(options.periodEndMs ?? null)}`,
    );
  }
  lines.push(facts.join(" · "), "", "### Closed signals", "");
  if (closed.length === 0) lines.push("_No closed signals._");
  else {
    lines.push(
      markdownTable(
        columns,
        closed.map((result) => columns.map((column) => column.cell(result, options.money))),
        maxRows,
      ),
    );
    if (options.money !== undefined) lines.push("", moneyTotals(closed, options.money));
  }
  const fills = renderPositionFills(closed, maxRows);
  if (fills !== null) lines.push("", "### Position fills", "", fills);
  lines.push("", "### Statistics", "", renderStatisticsTable(stats));
  return lines.join("\n");
}

/**
 * Renders the backtest report of closed results: one section per strategy and symbol with its closed
 * signals, the fills of its DCA / partially closed trades, and statistics (percent, ratios, minutes,
 * money; "N/A (reason)" when not computable), preceded by the run conditions (`config`) and the
 * Problems section (`problems`) when given.
 * @throws BtError VALIDATION for an unknown column, a bad maxRows or a bad period.
 * @example
 * const markdown = renderBacktestReport(closedResults, { maxRows: 50, columns: ["closeTime", "pnl"], config, problems });
 */
export function renderBacktestReport(
  closed: ReadonlyArray<IStrategyTickResultClosed>,
  options: IBacktestReportOptions = {},
): string {
  const lines = reportHeaderLines(options.title ?? "Backtest report", options);
  const groups = groupClosedResults(closed);
  if (groups.length === 0) {
    // Still validate the options, so a typo surfaces on an empty run too.
    closedSignalColumns(options.columns ?? defaultColumns(options));
    checkMaxRows(options.maxRows ?? DEFAULT_MAX_ROWS);
    computeStatistics([], options);
    lines.push("_No closed signals._");
  }
  // A marked-to-market drawdown belongs to one run's trades: with several groups it describes none of them.
  const sectionOptions = groups.length > 1 ? { ...options, markedMaxDrawdownPercent: undefined } : options;
  for (const group of groups) {
    lines.push(renderClosedSection(group.strategyName, group.symbol, group.closed, sectionOptions), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
