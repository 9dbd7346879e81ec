// renderHtmlReport: one self-contained HTML file (no network, no CDN): static tables rendered here,
// charts drawn in the browser by the embedded lightweight-charts from one JSON blob. The same input
// always gives the same bytes (no generation time, no random ids).

import { EQUITY_METRICS } from "@bt/core";
import { chartLibrary } from "./chartLibrary";
import { comparisonMetric, comparisonTable } from "./comparisonTable";
import { escapeHtml } from "./escapeHtml";
import { formatMoney, formatPercent, formatTime } from "./formatValue";
import type { IHtmlReportInput } from "./htmlReportInput";
import { jsonForScript } from "./jsonScript";
import { type IMetricRow, metricTable, statisticConventions, statisticRows } from "./metricTable";
import { type IPageRun, pageModel } from "./pageData";
import { PAGE_SCRIPT } from "./pageScript";
import { PAGE_STYLE } from "./pageStyle";
import { tradeTable } from "./tradeTable";

/** Id of the `<script type="application/json">` element holding the page data. */
export const REPORT_DATA_ELEMENT_ID = "bt-report-data";

function withCurrency(value: number, quoteCurrency?: string): string {
  return quoteCurrency === undefined ? formatMoney(value) : `${formatMoney(value)} ${quoteCurrency}`;
}

function equityCharts(id: string, maxDrawdownPercent: number, label: string): string {
  return `<h3>${escapeHtml(label)}</h3>
<div class="chart chart-equity" id="${id}-equity" data-bt-chart="equity"></div>
<h3>Drawdown from the running peak (max ${escapeHtml(formatPercent(maxDrawdownPercent))})</h3>
<div class="chart chart-drawdown" id="${id}-drawdown" data-bt-chart="drawdown"></div>`;
}

function settingsSection(input: IHtmlReportInput): string {
  const rows =
    input.settings.length === 0
      ? `<p class="note">No settings given.</p>`
      : `<table class="settings"><tbody>
${input.settings.map((setting) => `<tr><th scope="row">${escapeHtml(setting.label)}</th><td>${escapeHtml(setting.value)}</td></tr>`).join("\n")}
</tbody></table>`;
  return `<section class="block" id="settings"><h2>Settings and costs</h2>
${rows}
</section>`;
}

function runSection(run: IPageRun, input: IHtmlReportInput, index: number): string {
  const source = input.runs[index]!;
  const { data } = run;
  const quote = input.quoteCurrency;
  const candles = source.candles;
  const heading = `${escapeHtml(data.symbol)} · ${escapeHtml(data.strategyName)}`;
  const first = run.trades[0];
  const last = run.trades[run.trades.length - 1];
  const period =
    first === undefined || last === undefined
      ? "no trades"
      : `${formatTime(first.openMs)} → ${formatTime(last.closeMs)} UTC`;
  const priceChart =
    data.candles === null
      ? `<p class="note" data-bt-no-candles="true">No candles were given for this run, so there is no price chart (trades are in the table below).</p>`
      : `<h3>Price (${escapeHtml(candles!.interval)} candles) with ${data.tradeCount} trades: ${data.markers.length} markers (▲/▼ entry, ● exit), TP/SL dashed</h3>
<div class="chart chart-price" id="${data.id}-price" data-bt-chart="price" data-bt-trades="${data.tradeCount}"></div>
${run.pinnedTradeCount > 0 ? `<p class="note">${run.pinnedTradeCount} trade(s) lie outside the candles' range and are drawn at the nearest edge candle.</p>` : ""}`;
  const equity =
    run.equity === null
      ? `<p class="note">No equity points were given for this run, so there are no equity and drawdown charts.</p>`
      : equityCharts(
          data.id,
          run.equity.maxDrawdownPercent,
          `Equity${quote === undefined ? "" : ` (${quote})`}`,
        );
  return `<section class="block run" id="${data.id}" data-symbol="${escapeHtml(data.symbol)}" data-strategy="${escapeHtml(data.strategyName)}">
<h2>${heading}</h2>
<div class="summary"><div>Trades<strong>${data.tradeCount}</strong></div><div>Period<strong>${escapeHtml(period)}</strong></div></div>
${priceChart}
<div class="grid">
<div>${equity}</div>
<div>${metricTable(statisticRows(source.stats, `runs[${index}].stats`), "Statistics", quote)}</div>
</div>
<h3>Closed trades (click a header to sort)</h3>
${tradeTable(data.id, run.trades, quote)}
</section>`;
}

function portfolioSection(input: IHtmlReportInput, maxDrawdownPercent: number): string {
  const portfolio = input.portfolio!;
  const quote = input.quoteCurrency;
  const changePercent =
    portfolio.balanceStart === 0
      ? null
      : ((portfolio.balanceEnd - portfolio.balanceStart) / portfolio.balanceStart) * 100;
  const conventions: string[] = [];
  const stats = portfolio.stats;
  const rows = EQUITY_METRICS.map((metric, index): IMetricRow => {
    const value = stats[metric.key];
    const row: IMetricRow = { label: metric.label, value, unit: metric.unit };
    if (value === null) row.unavailable = stats.unavailable[metric.key] ?? "no reason given";
    row.convention = metric.convention;
    row.footnoteId = `portfolio-convention-${index}`;
    row.footnoteNumber = conventions.length + 1;
    conventions.push(
      `<li id="${row.footnoteId}"><strong>${escapeHtml(metric.label)}</strong>: ${escapeHtml(metric.convention)}</li>`,
    );
    return row;
  });
  const equityBlock =
    portfolio.equity.length === 0
      ? `<p class="note">No portfolio equity points were given.</p>`
      : equityCharts(
          "portfolio",
          maxDrawdownPercent,
          `Portfolio equity${quote === undefined ? "" : ` (${quote})`}`,
        );
  return `<section class="block" id="portfolio"><h2>Portfolio</h2>
<div class="summary"><div>Balance at start<strong>${escapeHtml(withCurrency(portfolio.balanceStart, quote))}</strong></div><div>Balance at end<strong>${escapeHtml(withCurrency(portfolio.balanceEnd, quote))}</strong></div><div>Change<strong>${changePercent === null ? "N/A — balance at start is 0" : escapeHtml(formatPercent(changePercent))}</strong></div><div>Runs<strong>${input.runs.length}</strong></div></div>
<div class="grid">
<div>${equityBlock}</div>
<div>${metricTable(rows, "Portfolio metrics", quote)}
${conventions.length === 0 ? "" : `<ol class="conventions">\n${conventions.join("\n")}\n</ol>`}</div>
</div>
</section>`;
}

function comparisonSection(input: IHtmlReportInput, colors: ReadonlyArray<string | null>): string {
  const comparison = input.comparison!;
  const metric = comparisonMetric(comparison.metric);
  const failed = comparison.entries.filter((entry) => entry.error !== undefined).length;
  const legend = comparison.entries
    .map((entry, index) => {
      const color = colors[index] ?? null;
      if (color === null) return "";
      return `<span class="item"><span class="swatch" style="background:${color}"></span>${escapeHtml(entry.name)}</span>`;
    })
    .join("");
  const chart = colors.some((color) => color !== null)
    ? `<div class="legend">${legend}</div>
<div class="chart chart-comparison" id="comparison-equity" data-bt-chart="comparison"></div>`
    : `<p class="note">No entry has an equity curve, so there is no overlay chart.</p>`;
  return `<section class="block" id="comparison"><h2>Comparison by ${escapeHtml(metric.label)}</h2>
<p class="note">${comparison.entries.length} entries${failed > 0 ? `, ${failed} failed (shown last, never ranked)` : ""}; ranked best first.</p>
${chart}
${comparisonTable(comparison, colors, input.quoteCurrency)}
</section>`;
}

/**
 * Renders one self-contained HTML report: settings, the portfolio view (when given), the comparison
 * (when given), then one section per run with its price chart (one entry and one exit marker per closed
 * trade, TP/SL segments), equity and drawdown charts, statistics (N/A with reasons) and a sortable
 * trade table. Works offline (lightweight-charts is embedded with its license notice) and is
 * deterministic for the same input. Every candle given is embedded: downsample before (a year of 15m
 * candles is about 2 MB).
 * @throws BtError VALIDATION naming the input field of any NaN or Infinity, or of malformed candles / equity.
 * @throws BtError CONFIG when the lightweight-charts package cannot be read.
 * @example
 * const html = renderHtmlReport({ title: "BTC breakout", settings: [{ label: "Fee", value: "0.1 %" }],
 *   runs: [{ symbol: "BTCUSDT", strategyName: "breakout", closed, stats: computeStatistics(closed) }] });
 * writeFileSync("report.html", html);
 */
export function renderHtmlReport(input: IHtmlReportInput): string {
  const model = pageModel(input);
  const library = chartLibrary();
  const colors = model.comparisonColors;
  const sections: string[] = [settingsSection(input)];
  if (input.portfolio !== undefined) {
    sections.push(portfolioSection(input, model.portfolioEquity?.maxDrawdownPercent ?? 0));
  }
  if (input.comparison !== undefined) sections.push(comparisonSection(input, colors));
  model.runs.forEach((run, index) => {
    sections.push(runSection(run, input, index));
  });
  sections.push(`<section class="block" id="conventions"><h2>How the statistics are computed</h2>
${statisticConventions()}
</section>`);
  const toc = [
    `<a href="#settings">Settings</a>`,
    input.portfolio === undefined ? "" : `<a href="#portfolio">Portfolio</a>`,
    input.comparison === undefined ? "" : `<a href="#comparison">Comparison</a>`,
    ...model.runs.map(
      (run) =>
        `<a href="#${run.data.id}">${escapeHtml(run.data.symbol)} · ${escapeHtml(run.data.strategyName)}</a>`,
    ),
    `<a href="#conventions">Conventions</a>`,
  ]
    .filter((link) => link !== "")
    .join("");
  // The build has no "</script" today; escaping keeps that true for any future build (in JS source a
  // "<\/" inside a string, regex or comment means the same as "</").
  const libraryScript = library.script.replace(/<\/(script)/gi, "<\\/$1");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@bt/report-html">
<title>${escapeHtml(input.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="report"><h1>${escapeHtml(input.title)}</h1>${input.subtitle === undefined ? "" : `<p class="subtitle">${escapeHtml(input.subtitle)}</p>`}</header>
<nav class="toc">${toc}</nav>
<noscript><p class="note">The charts need JavaScript; every table is complete without it.</p></noscript>
<main>
${sections.join("\n")}
</main>
<footer>Made with @bt/report-html. Charts: TradingView Lightweight Charts™ v${escapeHtml(library.version)}, Copyright (c) TradingView, Inc., Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0), https://www.tradingview.com/ — embedded unmodified below with its license header.</footer>
<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">${jsonForScript(model.data)}</script>
<!-- TradingView Lightweight Charts™ v${escapeHtml(library.version)} (Apache-2.0), standalone production build -->
<script>${libraryScript}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
