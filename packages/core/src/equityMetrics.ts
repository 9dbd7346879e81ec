// The one list of an account's equity statistics (IEquityStatistics): label, unit, direction and
// convention of every figure, so a portfolio report prints them from here, as reports print
// IStatistics from STATISTIC_METRICS.

import { MIN_ANNUALIZATION_DAYS, MIN_ANNUALIZATION_TRADES } from "./annualization";
import { BtError } from "./btError";
import type { EquityStatisticKey } from "./equityStatistics";
import type { IMetric } from "./metric";

const GATES = `needs ≥ ${MIN_ANNUALIZATION_TRADES} trades and ≥ ${MIN_ANNUALIZATION_DAYS} days`;

/** One entry of EQUITY_METRICS: IMetric over the IEquityStatistics keys. */
export interface IEquityMetric extends IMetric<EquityStatisticKey> {}

/** Every figure of IEquityStatistics once, in the order reports print them. */
export const EQUITY_METRICS = [
  {
    key: "startBalance",
    label: "Start balance",
    unit: "quote",
    direction: null,
    convention: "The account's balance at the start of the period, quote currency.",
  },
  {
    key: "endEquity",
    label: "End equity (marked to market)",
    unit: "quote",
    direction: null,
    convention:
      "Cash plus open positions valued at the last mark's price (fees and slippage of closing included), quote.",
  },
  {
    key: "netProfit",
    label: "Net profit (quote)",
    unit: "quote",
    direction: null,
    convention: "End equity − start balance, quote currency.",
  },
  {
    key: "returnPercent",
    label: "Return on the start balance",
    unit: "percent",
    direction: "higher",
    convention: "(End equity − start balance) / start balance · 100.",
  },
  {
    key: "maxDrawdownPercent",
    label: "Max drawdown (account equity, every mark)",
    unit: "percent",
    direction: "lower",
    convention:
      "Deepest fall of the marked equity from its running peak (the start balance included), over every mark: max (peak − equity) / peak · 100.",
  },
  {
    key: "maxDrawdownQuote",
    label: "Max drawdown (quote)",
    unit: "quote",
    direction: null,
    convention:
      "Largest fall of the marked equity from its running peak in money, max (peak − equity); may be at another mark than the deepest percent.",
  },
  {
    key: "annualizedSharpeRatio",
    label: "Sharpe ratio (daily account equity, √365, rf = 0)",
    unit: "ratio",
    direction: "higher",
    convention: `Daily simple returns of the marked equity at the end of each UTC day of the period (the start balance before day 1); mean / sample standard deviation · √365; ${GATES}.`,
  },
  {
    key: "annualizedSortinoRatio",
    label: "Sortino ratio (daily account equity, √365, rf = 0)",
    unit: "ratio",
    direction: "higher",
    convention: `Daily returns as for the daily Sharpe; mean / √(Σ min(d, 0)² / n) · √365; ${GATES}.`,
  },
  {
    key: "expectedYearlyReturns",
    label: "Expected yearly returns (account, compounded, 365 days)",
    unit: "percent",
    direction: "higher",
    convention: `((end equity / start balance) ^ (365 days / period) − 1) · 100; ${GATES}.`,
  },
  {
    key: "calmarRatio",
    label: "Calmar ratio (yearly return / account max drawdown)",
    unit: "ratio",
    direction: "higher",
    convention: `Expected yearly returns / max drawdown (account equity); ${GATES}.`,
  },
] as const satisfies ReadonlyArray<IEquityMetric>;

/** The EQUITY_METRICS entry of an equity statistic. @throws BtError VALIDATION for an unknown key. */
export function equityMetric(key: EquityStatisticKey): IEquityMetric {
  const metric = EQUITY_METRICS.find((entry) => entry.key === key);
  // Unreachable for a typed key: equityMetrics.test.ts checks the list covers every EquityStatisticKey.
  if (metric === undefined) {
    throw new BtError("VALIDATION", `equityMetric: unknown equity statistic ${String(key)}`, {
      field: "key",
      value: key,
    });
  }
  return metric;
}
