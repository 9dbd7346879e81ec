import {
  BtError,
  computeEquityStatistics,
  computeStatistics,
  type IStatistics,
  STATISTIC_METRICS,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { type IHtmlReportInput, type IHtmlRun, REPORT_DATA_ELEMENT_ID, renderHtmlReport } from "../src/index";
import type { IPageData } from "../src/pageData";
import { randomCandles, reportFixture, simulateTrades, T0 } from "./reportFixture";

const HOSTILE = "</script><script>alert(1)</script>";

/** The page's JSON blob, parsed. */
function pageData(html: string): IPageData {
  const match = html.match(
    new RegExp(`<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">([\\s\\S]*?)</script>`),
  );
  if (match === null) throw new Error("no data blob");
  return JSON.parse(match[1]!) as IPageData;
}

/** The text of every cell of the table rows in `html` whose header cell contains `label`. */
/** The equity statistics of a flat account of `balance`. */
function equityStatsOf(balance: number) {
  return computeEquityStatistics([{ timeMs: T0, equity: balance }], {
    periodStartMs: T0,
    periodEndMs: T0 + 60_000,
    initialBalance: balance,
    tradeCount: 0,
  });
}

function metricCell(html: string, label: string): string {
  const row = html.split("<tr>").find((candidate) => candidate.includes(`>${label}</span>`));
  if (row === undefined) throw new Error(`no row ${label}`);
  return row.match(/<td class="value[^"]*"[^>]*>([^<]*)<\/td>/)![1]!;
}

function catchError(run: () => unknown): BtError {
  try {
    run();
  } catch (error) {
    if (BtError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a BtError");
}

function minimalRun(overrides: Partial<IHtmlRun> = {}): IHtmlRun {
  const candles = randomCandles(5, 200, "15m", 100, 0.5);
  const trades = simulateTrades(candles, {
    symbol: "SOLUSDT",
    strategyName: "alpha",
    tradeCount: 4,
    seed: 6,
    balanceStart: 1000,
  });
  const closed = trades.map((trade) => trade.closed);
  return {
    symbol: "SOLUSDT",
    strategyName: "alpha",
    candles,
    closed,
    money: trades.map((trade) => trade.money),
    stats: computeStatistics(closed),
    equity: [
      { timeMs: T0, equity: 1000 },
      ...trades.map((trade) => ({ timeMs: trade.closed.timestamp, equity: trade.money.balanceAfter })),
    ],
    ...overrides,
  };
}

function minimalInput(overrides: Partial<IHtmlReportInput> = {}): IHtmlReportInput {
  return { title: "Report", settings: [], runs: [minimalRun()], ...overrides };
}

describe("renderHtmlReport: escaping", () => {
  it("escapes a hostile strategy name, symbol, title, setting, note and comparison entry everywhere", () => {
    const run = minimalRun({ strategyName: HOSTILE, symbol: `"><img src=x onerror=alert(2)>` });
    const html = renderHtmlReport({
      title: HOSTILE,
      subtitle: "<!-- open comment",
      settings: [{ label: HOSTILE, value: `' onmouseover='alert(3)` }],
      runs: [run],
      quoteCurrency: "<b>USDT</b>",
      comparison: {
        metric: HOSTILE,
        entries: [
          { name: HOSTILE, metricValue: 1, stats: run.stats, equity: run.equity! },
          { name: "broken", metricValue: null, stats: computeStatistics([]), error: HOSTILE },
        ],
      },
    });
    // Exactly the report's three scripts: the data blob, the chart library and the page script.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<!-- open comment");
    expect(html).not.toContain("<b>USDT</b>");
    expect(html).not.toContain("' onmouseover='");
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    // The blob carries the strings unchanged for the charts, escaped as JSON \u003c.
    const data = pageData(html);
    expect(data.runs[0]!.strategyName).toBe(HOSTILE);
    expect(data.comparison!.series[0]!.name).toBe(HOSTILE);
    expect(data.quoteCurrency).toBe("<b>USDT</b>");
  });
});

describe("renderHtmlReport: statistics", () => {
  it("prints every STATISTIC_METRICS label with its convention as tooltip and footnote", () => {
    const html = renderHtmlReport(minimalInput());
    for (const metric of STATISTIC_METRICS) {
      expect(html).toContain(`>${metric.label.replace(/&/g, "&amp;")}</span>`);
      expect(html).toContain(`id="convention-${metric.key}"`);
    }
  });

  it("shows N/A with the reason from stats.unavailable, never a number", () => {
    const stats: IStatistics = {
      ...computeStatistics([]),
      sharpeRatio: null,
      unavailable: { sharpeRatio: "needs ≥ 2 trades, has 1" },
    };
    stats.maxDrawdown = null;
    delete stats.unavailable.maxDrawdown;
    const html = renderHtmlReport(minimalInput({ runs: [minimalRun({ stats })] }));
    expect(metricCell(html, "Sharpe ratio (per trade)")).toBe("N/A — needs ≥ 2 trades, has 1");
    expect(metricCell(html, "Max drawdown (closed trades, compounded)")).toBe("N/A — no reason given");
    expect(metricCell(html, "Trades")).toBe("0");
  });

  it("shows a portfolio metric's N/A reason and formats units with the quote currency", () => {
    const html = renderHtmlReport(
      minimalInput({
        quoteCurrency: "USDT",
        portfolio: {
          balanceStart: 1000,
          balanceEnd: 1100,
          equity: [
            { timeMs: T0, equity: 1000 },
            { timeMs: T0 + 60_000, equity: 1100 },
          ],
          stats: computeEquityStatistics(
            [
              { timeMs: T0, equity: 1000 },
              { timeMs: T0 + 60_000, equity: 1100 },
            ],
            { periodStartMs: T0, periodEndMs: T0 + 120_000, initialBalance: 1000, tradeCount: 1 },
          ),
        },
      }),
    );
    expect(metricCell(html, "Net profit (quote)")).toBe("100.00 USDT");
    expect(html).toContain(">N/A — needs ≥ 10 trades, has 1; needs ≥ 14 days, has 0.0</td>");
    expect(html).toContain("Balance at end<strong>1100.00 USDT</strong>");
  });
});

describe("renderHtmlReport: page data", () => {
  it("round-trips through the JSON blob: candles in seconds, equity, drawdown and numbers as numbers", () => {
    const input = reportFixture();
    const data = pageData(renderHtmlReport(input));
    const candles = input.runs[0]!.candles!;
    expect(data.version).toBe(1);
    expect(data.runs).toHaveLength(2);
    expect(data.runs[0]!.candles!.time).toEqual(Array.from(candles.time, (ms) => ms / 1000));
    expect(data.runs[0]!.candles!.close).toEqual(Array.from(candles.close));
    expect(data.runs[0]!.equity!.map((point) => point.value)).toEqual(
      input.runs[0]!.equity!.map((point) => point.equity),
    );
    for (const point of data.portfolio!.drawdown) expect(point.value).toBeLessThanOrEqual(0);
    expect(data.comparison!.series.map((series) => series.name).sort()).toEqual([
      "breakout",
      "breakout-slow",
    ]);
  });

  it("hands the chart exactly one entry and one exit marker per closed trade", () => {
    const input = reportFixture();
    const data = pageData(renderHtmlReport(input));
    input.runs.forEach((run, index) => {
      const markers = data.runs[index]!.markers;
      expect(markers).toHaveLength(2 * run.closed.length);
      expect(markers.filter((marker) => marker.shape === "circle")).toHaveLength(run.closed.length);
      const times = markers.map((marker) => marker.time);
      expect(times).toEqual([...times].sort((left, right) => left - right));
      // Every marker sits on a candle's time (lightweight-charts places markers on bars).
      const candleTimes = new Set(data.runs[index]!.candles!.time);
      for (const time of times) expect(candleTimes.has(time)).toBe(true);
    });
  });

  it("keeps 2 markers per trade for trades outside the candles (pinned and said so) and drops labels for many trades", () => {
    const wide = minimalRun();
    const candles = randomCandles(9, 50, "15m", 100, 0.5, T0 + 100 * 15 * 60_000);
    const pinned = renderHtmlReport(minimalInput({ runs: [{ ...wide, candles }] }));
    expect(pageData(pinned).runs[0]!.markers).toHaveLength(2 * wide.closed.length);
    expect(pinned).toMatch(/\d+ trade\(s\) lie outside the candles' range/);

    const many = randomCandles(3, 4000, "15m", 100, 0.5);
    const trades = simulateTrades(many, {
      symbol: "X",
      strategyName: "y",
      tradeCount: 150,
      seed: 4,
      balanceStart: 1000,
    });
    const closed = trades.map((trade) => trade.closed);
    const data = pageData(
      renderHtmlReport(
        minimalInput({
          runs: [{ ...wide, candles: many, closed, money: [], stats: computeStatistics(closed) }],
        }),
      ),
    );
    expect(data.runs[0]!.markers).toHaveLength(300);
    expect(data.runs[0]!.markers.every((marker) => marker.text === "")).toBe(true);
  });

  it("draws TP/SL segments in lanes of strictly ascending times, each ending transparent", () => {
    const data = pageData(renderHtmlReport(reportFixture()));
    for (const run of data.runs) {
      for (const lanes of [run.takeProfit, run.stopLoss]) {
        expect(lanes).toHaveLength(2);
        for (const lane of lanes) {
          for (let index = 1; index < lane.length; index++) {
            expect(lane[index]!.time).toBeGreaterThan(lane[index - 1]!.time);
          }
          expect(lane[lane.length - 1]!.color).toBe("rgba(0,0,0,0)");
        }
      }
    }
  });

  it("says so when a run has no candles or no equity (no chart, no markers)", () => {
    const { candles: _candles, equity: _equity, ...run } = minimalRun();
    const html = renderHtmlReport(minimalInput({ runs: [run] }));
    expect(html).toContain("No candles were given for this run, so there is no price chart");
    expect(html).toContain("No equity points were given for this run");
    expect(html).not.toContain('id="run-0-price"');
    expect(pageData(html).runs[0]!.markers).toEqual([]);
  });

  it("ranks comparison entries 1…k, then N/A, and shows a failed one last with no rank", () => {
    const run = minimalRun();
    const html = renderHtmlReport(
      minimalInput({
        comparison: {
          metric: "sharpeRatio",
          entries: [
            { name: "crashed", metricValue: null, stats: computeStatistics([]), error: "boom" },
            { name: "best", metricValue: 2, stats: run.stats },
            { name: "unknown", metricValue: null, stats: run.stats },
            { name: "second", metricValue: 1, stats: run.stats },
          ],
        },
      }),
    );
    const table = html.slice(html.indexOf('id="comparison-table"'));
    const rows = [
      ...table.matchAll(
        /<tr data-status="(\w+)"[^>]*><td class="rank">([^<]*)<\/td><td>.*?<\/span>([^<]*)<\/td>/g,
      ),
    ].map((match) => `${match[2]} ${match[3]}`);
    expect(rows).toEqual(["1 best", "2 second", "— unknown", "— crashed"]);
    expect(table).toContain("failed: boom");
  });
});

describe("renderHtmlReport: errors", () => {
  it("throws a VALIDATION BtError naming the field of a NaN or an Infinity", () => {
    const closeNaN = minimalRun();
    (closeNaN.candles!.close as number[])[3] = Number.NaN;
    expect(catchError(() => renderHtmlReport(minimalInput({ runs: [closeNaN] }))).field).toBe(
      "runs[0].candles.close[3]",
    );

    const stats = { ...minimalRun().stats, sharpeRatio: Number.POSITIVE_INFINITY };
    const statsError = catchError(() => renderHtmlReport(minimalInput({ runs: [minimalRun({ stats })] })));
    expect(statsError.code).toBe("VALIDATION");
    expect(statsError.field).toBe("runs[0].stats.sharpeRatio");
    expect(statsError.message).toContain("must be a finite number, got Infinity");

    const pnl = minimalRun();
    const first = pnl.closed[1]!;
    const closed = [pnl.closed[0]!, { ...first, pnl: { ...first.pnl, pnlPercentage: Number.NaN } }];
    expect(catchError(() => renderHtmlReport(minimalInput({ runs: [{ ...pnl, closed }] }))).field).toBe(
      "runs[0].closed[1].pnl.pnlPercentage",
    );

    const equity = minimalRun({
      equity: [
        { timeMs: T0, equity: 1000 },
        { timeMs: T0 + 1000, equity: Number.NaN },
      ],
    });
    expect(catchError(() => renderHtmlReport(minimalInput({ runs: [equity] }))).field).toBe(
      "runs[0].equity[1].equity",
    );

    const portfolio = {
      balanceStart: 1000,
      balanceEnd: 1000,
      equity: [],
      stats: { ...equityStatsOf(1000), calmarRatio: Number.NaN },
    };
    expect(catchError(() => renderHtmlReport(minimalInput({ portfolio }))).field).toBe(
      "portfolio.stats.calmarRatio",
    );

    const comparison = {
      metric: "sharpeRatio",
      entries: [{ name: "a", metricValue: Number.NaN, stats: minimalRun().stats }],
    };
    expect(catchError(() => renderHtmlReport(minimalInput({ comparison }))).field).toBe(
      "comparison.entries[0].metricValue",
    );
  });

  it("refuses candles out of order, unequal columns, equity going back in time and a first equity ≤ 0", () => {
    const run = minimalRun();
    const candles = run.candles!;
    const time = Array.from(candles.time);
    [time[5], time[6]] = [time[6]!, time[5]!];
    expect(
      catchError(() => renderHtmlReport(minimalInput({ runs: [{ ...run, candles: { ...candles, time } }] })))
        .field,
    ).toBe("runs[0].candles.time[6]");
    const short = { ...candles, low: Array.from(candles.low).slice(1) };
    expect(
      catchError(() => renderHtmlReport(minimalInput({ runs: [{ ...run, candles: short }] }))).field,
    ).toBe("runs[0].candles.low");
    const backwards = [
      { timeMs: T0 + 1000, equity: 1 },
      { timeMs: T0, equity: 1 },
    ];
    expect(
      catchError(() => renderHtmlReport(minimalInput({ runs: [{ ...run, equity: backwards }] }))).field,
    ).toBe("runs[0].equity[1].timeMs");
    expect(
      catchError(() =>
        renderHtmlReport(minimalInput({ runs: [{ ...run, equity: [{ timeMs: T0, equity: 0 }] }] })),
      ).field,
    ).toBe("runs[0].equity[0].equity");
  });
});

describe("renderHtmlReport: output", () => {
  it("is deterministic and embeds lightweight-charts with its license notice (offline, no CDN)", () => {
    const first = renderHtmlReport(reportFixture());
    expect(renderHtmlReport(reportFixture())).toBe(first);
    expect(first).toContain("@license");
    expect(first).toContain("TradingView Lightweight Charts™ v5.2.1");
    expect(first).toContain("Apache License 2.0");
    expect(first).toContain("window.LightweightCharts=");
    expect(first).not.toMatch(/<script[^>]+src=/);
    expect(first).not.toMatch(/<link[^>]+href=/);
  });

  it("gives sortable trade cells numeric sort values and one row per trade", () => {
    const input = reportFixture();
    const html = renderHtmlReport(input);
    const table = html.slice(
      html.indexOf('id="run-0-trades"'),
      html.indexOf("</table>", html.indexOf('id="run-0-trades"')),
    );
    expect(table.match(/<tr data-signal-id=/g)).toHaveLength(input.runs[0]!.closed.length);
    expect(table).toContain('data-sort-type="number" data-column="10"><button type="button">PnL %');
    expect(table).toContain(`data-sort="${input.runs[0]!.closed[0]!.pnl.pnlPercentage}"`);
  });

  it("keeps a year of 15m candles of one symbol under 5 MB", () => {
    const candles = randomCandles(1, 365 * 96, "15m", 60_000, 0.3);
    const trades = simulateTrades(candles, {
      symbol: "BTCUSDT",
      strategyName: "year",
      tradeCount: 400,
      seed: 2,
      balanceStart: 10_000,
    });
    const closed = trades.map((trade) => trade.closed);
    const html = renderHtmlReport({
      title: "A year",
      settings: [],
      runs: [
        {
          symbol: "BTCUSDT",
          strategyName: "year",
          candles,
          closed,
          money: trades.map((trade) => trade.money),
          stats: computeStatistics(closed),
          equity: [
            { timeMs: T0, equity: 10_000 },
            ...trades.map((trade) => ({ timeMs: trade.closed.timestamp, equity: trade.money.balanceAfter })),
          ],
        },
      ],
    });
    const bytes = Buffer.byteLength(html);
    console.info(
      `report-html: a year of 15m candles (35 040) and 400 trades → ${(bytes / 1e6).toFixed(2)} MB`,
    );
    expect(bytes).toBeLessThan(5_000_000);
  });
});
