import { computeStatistics, DEFAULT_CONFIG } from "@bt/core";
import { Backtest } from "@bt/engine";
import { renderBacktestReport, writeReport } from "@bt/report-markdown";
import "./engineQuickStart.ts"; // the @bt/engine README's backtest of the bundled sample (prints one line)

const { closed, problems } = Backtest.getData("BTCUSDT", "breakout");
const period = { periodStartMs: Date.UTC(2025, 0, 1), periodEndMs: Date.UTC(2025, 1, 1) };

const stats = computeStatistics(closed, period);
console.log(stats.annualizedSharpeRatio?.toFixed(3) ?? stats.unavailable.annualizedSharpeRatio);

const markdown = renderBacktestReport(closed, { ...period, maxRows: 50, config: DEFAULT_CONFIG, problems });
await writeReport("./dump/backtest/breakout.md", markdown); // temp file + fsync + rename
console.log(markdown.split("\n")[0]);
