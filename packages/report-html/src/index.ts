export type {
  IHtmlCandles,
  IHtmlComparison,
  IHtmlComparisonEntry,
  IHtmlComparisonFailure,
  IHtmlComparisonRun,
  IHtmlEquityPoint,
  IHtmlPortfolio,
  IHtmlReportInput,
  IHtmlRun,
  IHtmlSetting,
  IHtmlTradeMoney,
} from "./htmlReportInput";
export { REPORT_DATA_ELEMENT_ID, renderHtmlReport } from "./renderHtmlReport";
