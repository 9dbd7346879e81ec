// Public entry of @bt/report-markdown: markdown reports (backtest, live, walker, heat, schedule,
// portfolio), the run-conditions and problems sections, the shared statistics and account statistics
// tables, the description of a position change and the atomic writeReport helper.
// Statistics, the metric list and the ranking live in @bt/core; this package only renders them.

export {
  type IBacktestReportOptions,
  type IClosedTableOptions,
  renderBacktestReport,
} from "./backtestReport";
export {
  CLOSED_SIGNAL_COLUMNS,
  type ClosedSignalColumn,
  type ClosedTradeMoney,
  type ClosedTradeMoneyMap,
  DEFAULT_CLOSED_SIGNAL_COLUMNS,
  DEFAULT_MONEY_CLOSED_SIGNAL_COLUMNS,
  moneyBySignalId,
  NO_ACCOUNT_MONEY,
  NOT_IN_LEDGER,
  UNSIZED_MONEY,
  UNTRACKED_EXCURSION,
} from "./closedSignalColumns";
export { formatEquityStatistic, renderEquityStatisticsTable } from "./equityStatisticsTable";
export {
  formatCount,
  formatMinutes,
  formatMoney,
  formatPercent,
  formatPrice,
  formatRatio,
  formatTime,
  NOT_AVAILABLE,
} from "./formatValue";
export { type IHeatReportOptions, renderHeatReport } from "./heatReport";
export { type ILiveReportOptions, renderLiveReport } from "./liveReport";
export { DEFAULT_MAX_ROWS, escapeCell } from "./markdownTable";
export {
  type IPortfolioReportInput,
  type IPortfolioSettings,
  renderPortfolioReport,
} from "./portfolioReport";
export { describePositionUpdate } from "./positionUpdateText";
export { DEFAULT_PROBLEM_ROWS, hasNoProblems, type IProblemsOptions, renderProblems } from "./problemsReport";
export type { IRunContextOptions } from "./reportHeader";
export { renderRunConditions } from "./runConditions";
export { type IScheduleReportOptions, renderScheduleReport } from "./scheduleReport";
export {
  formatByUnit,
  formatStatistic,
  renderStatisticConventions,
  renderStatisticsTable,
  statisticLabel,
} from "./statisticsTable";
export { type IWalkerReportEntry, type IWalkerReportInput, renderWalkerReport } from "./walkerReport";
export { writeReport } from "./writeReport";
