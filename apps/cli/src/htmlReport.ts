// --html: the self-contained HTML report (@bt/report-html, loaded only when asked for) of a run record:
// a backtest's chart, trades, statistics and account; a portfolio's per-symbol views and its account;
// a walker's comparison of strategies.

import type { IAccountTrade } from "@bt/core";
import { type IHtmlReportInput, type IHtmlRun, renderHtmlReport } from "@bt/report-html";
import { formatMoney, writeReport } from "@bt/report-markdown";
import { describeFrame, gapPolicyText, walkerFailureText } from "./renderRunReport";
import type { IBacktestRunRecord, IRecordAccount, IRunRecord, IRunSettings } from "./runRecord";

function settingsOf(
  record: IRunRecord,
  account: IRecordAccount | undefined,
  settings?: IRunSettings,
): IHtmlReportInput["settings"] {
  const { config } = record;
  return [
    { label: "Fee per side", value: `${config.CC_PERCENT_FEE} %` },
    { label: "Slippage per side", value: `${config.CC_PERCENT_SLIPPAGE} %` },
    { label: "Price", value: `VWAP of the last ${config.CC_AVG_PRICE_CANDLES_COUNT} closed 1m candles` },
    ...(account === undefined
      ? []
      : [
          { label: "Initial balance", value: formatMoney(account.initialBalance) },
          { label: "Max open positions", value: String(account.maxOpenPositions) },
        ]),
    ...(settings === undefined
      ? []
      : [
          { label: "Warm-up", value: `${settings.warmupMinutes} min` },
          { label: "Gaps", value: gapPolicyText(settings.gapPolicy) },
        ]),
    { label: "Frame", value: describeFrame(record) },
  ];
}

/** The symbol's ledger rows (an IAccountTrade is an IHtmlTradeMoney, and more). */
function moneyOf(trades: ReadonlyArray<IAccountTrade>, symbol: string): IHtmlRun["money"] {
  return trades.filter((trade) => trade.symbol === symbol);
}

function runOf(run: IBacktestRunRecord, account: IRecordAccount | undefined, ownEquity: boolean): IHtmlRun {
  return {
    symbol: run.symbol,
    strategyName: run.strategyName,
    ...(run.chart === undefined ? {} : { candles: run.chart }),
    closed: run.closed,
    stats: run.stats,
    ...(account === undefined ? {} : { money: moneyOf(account.trades, run.symbol) }),
    ...(ownEquity && account !== undefined ? { equity: account.equity } : {}),
  };
}

function portfolioOf(account: IRecordAccount): NonNullable<IHtmlReportInput["portfolio"]> {
  return {
    balanceStart: account.initialBalance,
    balanceEnd: account.balance,
    equity: account.equity,
    stats: account.stats,
  };
}

/** The HTML report input of a run record. */
export function htmlReportInput(record: IRunRecord): IHtmlReportInput {
  switch (record.kind) {
    case "backtest":
      return {
        title: `Backtest: ${record.strategyName} on ${record.symbol}`,
        subtitle: describeFrame(record),
        settings: settingsOf(record, record.account, record.settings),
        runs: [runOf(record, record.account, true)],
        ...(record.account === undefined ? {} : { portfolio: portfolioOf(record.account) }),
      };
    case "portfolio":
      return {
        title: `Portfolio: ${record.strategyName}`,
        subtitle: describeFrame(record),
        settings: settingsOf(record, record.account, record.runs[0]?.settings),
        runs: record.runs.map((run) => runOf(run, record.account, false)),
        portfolio: portfolioOf(record.account),
      };
    case "walker":
      return {
        title: `Walker: ${record.walkerName}`,
        subtitle: describeFrame(record),
        settings: settingsOf(record, undefined),
        runs: [],
        comparison: {
          metric: record.metric,
          entries: record.results.map((entry) =>
            entry.status === "failed" || entry.stats === null
              ? { name: entry.strategyName, error: walkerFailureText(entry) }
              : {
                  name: entry.strategyName,
                  metricValue: entry.metricValue,
                  stats: entry.stats,
                  ...(entry.equity === undefined ? {} : { equity: entry.equity }),
                },
          ),
        },
      };
    default: {
      const unreachable: never = record;
      return unreachable;
    }
  }
}

/** Writes the HTML report of `record` to `path` (atomically). */
export async function writeHtmlReport(path: string, record: IRunRecord): Promise<void> {
  await writeReport(path, renderHtmlReport(htmlReportInput(record)));
}
