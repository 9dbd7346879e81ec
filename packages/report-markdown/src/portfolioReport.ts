// The portfolio report: several symbols sharing one account balance. The account first (the settings
// and costs the caller ran with, the realised totals, the EQUITY_METRICS table of the marked equity),
// then the per-symbol heat table, then each strategy/symbol's closed signals with their money.

import {
  BtError,
  type IAccountTrade,
  type IEquityStatistics,
  type IStrategyTickResultClosed,
} from "@bt/core";
import { groupClosedResults, renderClosedSection } from "./backtestReport";
import { type ClosedSignalColumn, moneyBySignalId } from "./closedSignalColumns";
import { renderEquityStatisticsTable } from "./equityStatisticsTable";
import {
  formatCount,
  formatMinutes,
  formatMoney,
  formatPercent,
  formatTime,
  NOT_AVAILABLE,
} from "./formatValue";
import { renderHeatReport } from "./heatReport";
import { checkMaxRows, DEFAULT_MAX_ROWS, markdownTable } from "./markdownTable";
import { type IRunContextOptions, reportHeaderLines } from "./reportHeader";

/** The settings and costs a portfolio run used, as the caller states them (printed, never recomputed). */
export interface IPortfolioSettings {
  /** The account's balance at the start, quote, finite and > 0 (must equal equity.startBalance). */
  initialBalance: number;
  /** Fee per side, percent (0.1 = 0.1 %). */
  feePercent: number;
  /** Slippage per side, percent. */
  slippagePercent: number;
  /** Most positions open at once across the account; null: no limit; absent: not printed. */
  maxOpenPositions?: number | null;
  /** Warm-up before the period (candles the strategies saw before it), minutes; absent: not printed. */
  warmUpMinutes?: number;
  /** How candle gaps were handled, in words (e.g. "skipped, 3 gaps"); absent: not printed. */
  gaps?: string;
  /** How unsized signals were staked, in words (e.g. "10 % of the balance"); absent: not printed. */
  staking?: string;
  /** Any further setting as [label, value] rows, printed as given. */
  other?: ReadonlyArray<readonly [string, string]>;
}

/** Input of renderPortfolioReport. */
export interface IPortfolioReportInput extends IRunContextOptions {
  /** Every closed trade of the account. */
  closed: ReadonlyArray<IStrategyTickResultClosed>;
  /** The account ledger of exactly those trades (accountLedger of @bt/core). */
  ledger: ReadonlyArray<IAccountTrade>;
  /** Statistics of the account's marked equity (computeEquityStatistics of @bt/core). */
  equity: IEquityStatistics;
  settings: IPortfolioSettings;
  /** The period, epoch ms (the one the equity statistics were computed over). */
  periodStartMs: number;
  periodEndMs: number;
  /** First-level heading; default "Portfolio report". */
  title?: string;
  /** Columns of each closed-signals table; default DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS. */
  columns?: ReadonlyArray<ClosedSignalColumn>;
  /** Maximum rows per closed-signals and fills table (non-negative integer); default 200. */
  maxRows?: number;
}

function invalid(field: string, value: unknown, message: string): BtError {
  return new BtError("VALIDATION", `renderPortfolioReport: ${message}`, { field, value });
}

/** The ledger and the closed trades must be the same trades, and the balances the same account. */
function checkInput(input: IPortfolioReportInput): void {
  const { settings } = input;
  for (const field of ["initialBalance", "feePercent", "slippagePercent"] as const) {
    const value = settings[field];
    if (!Number.isFinite(value) || value < 0 || (field === "initialBalance" && value === 0)) {
      throw invalid(
        `settings.${field}`,
        value,
        `settings.${field} must be a finite number ${field === "initialBalance" ? "> 0" : "≥ 0"}, got ${value}`,
      );
    }
  }
  if (input.equity.startBalance !== settings.initialBalance) {
    throw invalid(
      "equity.startBalance",
      input.equity.startBalance,
      `equity.startBalance (${input.equity.startBalance}) is not settings.initialBalance (${settings.initialBalance})`,
    );
  }
  const inLedger = new Set(input.ledger.map((row) => row.signalId));
  const missing = input.closed.filter((result) => !inLedger.has(result.signal.id));
  if (missing.length > 0 || input.ledger.length !== input.closed.length) {
    throw invalid(
      "ledger",
      missing.map((result) => result.signal.id),
      `the ledger (${input.ledger.length} trades) is not the ledger of the closed trades (${input.closed.length}; ${missing.length} not in it)`,
    );
  }
}

/** The "### Settings" table: balance, costs, and every optional setting the caller gave. */
function settingsTable(settings: IPortfolioSettings): string {
  const rows: Array<[string, string]> = [
    ["Initial balance (quote)", formatMoney(settings.initialBalance)],
    ["Fee per side", formatPercent(settings.feePercent)],
    ["Slippage per side", formatPercent(settings.slippagePercent)],
  ];
  if (settings.maxOpenPositions !== undefined) {
    rows.push([
      "Max open positions",
      settings.maxOpenPositions === null ? "no limit" : formatCount(settings.maxOpenPositions),
    ]);
  }
  if (settings.warmUpMinutes !== undefined) rows.push(["Warm-up", formatMinutes(settings.warmUpMinutes)]);
  if (settings.gaps !== undefined) rows.push(["Candle gaps", settings.gaps]);
  if (settings.staking !== undefined) rows.push(["Staking of unsized signals", settings.staking]);
  for (const [label, value] of settings.other ?? []) rows.push([label, value]);
  return markdownTable([{ header: "Setting" }, { header: "Value" }], rows);
}

/** Σ of a ledger figure, or "N/A (why)" when a trade has none. */
function ledgerSum(ledger: ReadonlyArray<IAccountTrade>, key: "feeCost" | "slippageCost"): string {
  let total = 0;
  const lacking = ledger.filter((row) => row[key] === null);
  for (const row of ledger) total += row[key] ?? 0;
  if (lacking.length === 0) return formatMoney(total);
  const reason = lacking[0]?.unavailable[key];
  return `${NOT_AVAILABLE} (${lacking.length} of ${ledger.length} trades${reason === undefined ? "" : `: ${reason}`})`;
}

/** The realised line: Σ net PnL, fees and slippage of the ledger and the balance after its last trade. */
function realisedLine(ledger: ReadonlyArray<IAccountTrade>, initialBalance: number): string {
  const net = ledger.reduce((sum, row) => sum + row.pnlCost, 0);
  const balance = ledger.at(-1)?.balanceAfter ?? initialBalance;
  return `**Realised (closed trades, quote):** net PnL ${formatMoney(net)} · fees ${ledgerSum(ledger, "feeCost")} · slippage ${ledgerSum(ledger, "slippageCost")} · balance after the last trade ${formatMoney(balance)}`;
}

/**
 * Renders the portfolio report of one account: the run conditions and problems when given; "## Account"
 * with the period, the settings as given, the realised totals of the ledger and the account statistics
 * (EQUITY_METRICS, "N/A (reason)" when not computable); "## Symbols" (the heat table); then one section
 * per strategy and symbol with its closed signals and their money (stake, PnL, fees, balance after,
 * quote currency with formatMoney) and its statistics.
 * @throws BtError VALIDATION when the ledger is not the closed trades' ledger, the equity's start
 * balance is not settings.initialBalance, a setting is not finite, or a column / maxRows / period is bad.
 * @example
 * const ledger = accountLedger(trades, 1000, costs);
 * renderPortfolioReport({ closed, ledger, equity: computeEquityStatistics(marks, period), settings, ...period });
 */
export function renderPortfolioReport(input: IPortfolioReportInput): string {
  checkInput(input);
  const maxRows = checkMaxRows(input.maxRows ?? DEFAULT_MAX_ROWS);
  const period = { periodStartMs: input.periodStartMs, periodEndMs: input.periodEndMs };
  const money = moneyBySignalId(input.ledger);
  const groups = groupClosedResults(input.closed);
  const symbols = new Set(input.closed.map((result) => result.symbol));
  const lines = reportHeaderLines(input.title ?? "Portfolio report", input);
  lines.push(
    "## Account",
    "",
    `Symbols: ${symbols.size} · Trades: ${input.closed.length} · Period: ${formatTime(input.periodStartMs)} → ${formatTime(input.periodEndMs)}`,
    "",
    "### Settings",
    "",
    settingsTable(input.settings),
    "",
    "### Account statistics",
    "",
    realisedLine(input.ledger, input.settings.initialBalance),
    "",
    renderEquityStatisticsTable(input.equity),
    "",
    renderHeatReport(input.closed, { ...period, title: "Symbols", headingLevel: 2 }).trimEnd(),
    "",
  );
  if (groups.length === 0) lines.push("_No closed signals._");
  for (const group of groups) {
    lines.push(
      renderClosedSection(group.strategyName, group.symbol, group.closed, {
        ...period,
        columns: input.columns,
        maxRows,
        money,
      }),
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
