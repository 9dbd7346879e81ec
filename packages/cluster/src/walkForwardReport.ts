// The markdown report of a walk-forward run: per symbol, the in-sample winners with their in-sample and
// out-of-sample metric, total PnL, trade count and drawdown side by side.

import { statisticMetric } from "@bt/core";
import { escapeCell, formatCount, formatPercent, formatRatio } from "@bt/report-markdown";
import type { ISweepEntry } from "./sweepTypes";
import type { IWalkForwardResult } from "./walkForward";

function metricCell(entry: ISweepEntry, percent: boolean): string {
  return percent ? formatPercent(entry.metricValue) : formatRatio(entry.metricValue);
}

/**
 * Renders the walk-forward result as markdown (one table per symbol).
 * @example await writeFile("walk-forward.md", renderWalkForwardReport(result));
 */
export function renderWalkForwardReport(result: IWalkForwardResult, title = "Walk-forward"): string {
  const { metric, frame } = result.inSample;
  const outFrame = result.outOfSample[0]?.frame;
  const percent = statisticMetric(metric).unit === "percent";
  const lines = [
    `# ${escapeCell(title)}`,
    "",
    `In sample: ${escapeCell(frame.frameName)} (${new Date(frame.startMs).toISOString()} → ${new Date(frame.endMs).toISOString()}); ` +
      `out of sample: ${outFrame ? `${escapeCell(outFrame.frameName)} (${new Date(outFrame.startMs).toISOString()} → ${new Date(outFrame.endMs).toISOString()})` : "N/A"}; ` +
      `top ${result.topK} by ${metric}.`,
  ];
  for (const symbol of result.inSample.symbols) {
    const rows = result.rows.filter((row) => row.symbol === symbol.symbol);
    lines.push("", `## ${escapeCell(symbol.symbol)}`, "");
    if (rows.length === 0) {
      lines.push("No strategy succeeded in sample.");
      continue;
    }
    lines.push(
      `| IS rank | Strategy | IS ${metric} | OOS ${metric} | IS total PnL | OOS total PnL | IS trades | OOS trades | IS max DD | OOS max DD | OOS rank |`,
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const row of rows) {
      const inStats = row.inSample.stats;
      const outStats = row.outOfSample.stats;
      lines.push(
        `| ${row.inSampleRank} | ${escapeCell(row.strategyName)} | ${metricCell(row.inSample, percent)} | ${metricCell(row.outOfSample, percent)} | ` +
          `${formatPercent(inStats?.totalPnl ?? null)} | ${formatPercent(outStats?.totalPnl ?? null)} | ` +
          `${formatCount(inStats?.tradeCount ?? null)} | ${formatCount(outStats?.tradeCount ?? null)} | ` +
          `${formatPercent(inStats?.maxDrawdown ?? null)} | ${formatPercent(outStats?.maxDrawdown ?? null)} | ${row.outOfSampleRank} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
