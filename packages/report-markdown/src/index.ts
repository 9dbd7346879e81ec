// Public entry of @bt/report-markdown: statistics of closed signals, ranking, markdown reports.

export { isLowerBetter, rankByMetric } from "./rankByMetric";
export {
  computeStatistics,
  type IStatistics,
  type IStatisticsOptions,
  YEAR_MS,
  ZERO_TOLERANCE_PERCENT,
} from "./statistics";
