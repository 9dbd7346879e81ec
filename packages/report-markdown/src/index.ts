// Public entry of @bt/report-markdown: statistics of closed signals, ranking by walker metric,
// markdown reports (backtest, live, walker, heat, schedule) and the atomic writeReport helper.

export {
  type IBacktestReportOptions,
  type IClosedTableOptions,
  renderBacktestReport,
} from "./backtestReport";
export {
  CLOSED_SIGNAL_COLUMNS,
  type ClosedSignalColumn,
  DEFAULT_CLOSED_SIGNAL_COLUMNS,
} from "./closedSignalColumns";
export {
  formatCount,
  formatMinutes,
  formatPercent,
  formatPrice,
  formatRatio,
  formatTime,
  NOT_AVAILABLE,
} from "./formatValue";
export { type IHeatReportOptions, renderHeatReport } from "./heatReport";
export { type ILiveReportOptions, renderLiveReport } from "./liveReport";
export { DEFAULT_MAX_ROWS, escapeCell } from "./markdownTable";
export { isLowerBetter, rankByMetric } from "./rankByMetric";
export { type IScheduleReportOptions, renderScheduleReport } from "./scheduleReport";
export { computeScheduleStatistics, type IScheduleStatistics } from "./scheduleStatistics";
export {
  computeStatistics,
  type IStatistics,
  type IStatisticsOptions,
  MIN_ANNUALIZATION_PERIOD_MS,
  YEAR_MS,
  ZERO_TOLERANCE_PERCENT,
} from "./statistics";
export { formatStatistic, renderStatisticsTable, statisticLabel } from "./statisticsTable";
export { type IWalkerReportEntry, type IWalkerReportInput, renderWalkerReport } from "./walkerReport";
export { writeReport } from "./writeReport";
