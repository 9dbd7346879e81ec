// The markdown report of `bt walkforward` (@bt/research's runWalkForwardStudy): the fold table (train
// and test windows, the fold's best parameters, in-sample objective, out-of-sample total PnL and trades,
// efficiency or N/A with its reason), then per symbol the stitched out-of-sample statistics
// (@bt/report-markdown's statistics table) and an equity summary (a sparkline and the equity after each
// fold). Lives in the CLI for now; it only reads the research result.

import type { ISweepEntry } from "@bt/cluster";
import {
  escapeCell,
  formatCount,
  formatPercent,
  formatRatio,
  NOT_AVAILABLE,
  renderStatisticsTable,
} from "@bt/report-markdown";
import { type IWalkForwardStudyResult, objectiveDisplayValue } from "@bt/research";
import { formatDuration } from "./progressBar";

/** Options of renderWalkForwardStudyReport. */
export interface IWalkForwardStudyReportOptions {
  title: string;
}

const SPARK = "▁▂▃▄▅▆▇█";

const iso = (ms: number): string =>
  new Date(ms).toISOString().replace(":00.000Z", "Z").replace("T00:00Z", "");

function window(frame: { startMs: number; endMs: number }): string {
  return `${iso(frame.startMs)} → ${iso(frame.endMs)}`;
}

function table(headers: string[], rows: string[][], right: boolean[]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map((_, i) => (right[i] ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

function paramText(params: Readonly<Record<string, unknown>>): string {
  return escapeCell(
    Object.entries(params)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(", "),
  );
}

function outOfSampleCells(entry: ISweepEntry | null, hasBest: boolean): [string, string] {
  if (!hasBest) return [`${NOT_AVAILABLE} (no winner)`, ""];
  if (entry === null) return [`${NOT_AVAILABLE} (not run)`, ""];
  if (entry.error !== null) return [`failed (${escapeCell(entry.error.message)})`, ""];
  if (entry.stats === null) return [`${NOT_AVAILABLE} (no statistics)`, ""];
  return [formatPercent(entry.stats.totalPnl), formatCount(entry.stats.tradeCount)];
}

/** A sparkline of up to `width` points of an equity curve (1 = start). */
export function sparkline(values: ReadonlyArray<number>, width = 60): string {
  if (values.length === 0) return "";
  const step = Math.max(1, values.length / width);
  const points: number[] = [];
  for (let at = 0; at < values.length; at += step) points.push(values[Math.floor(at)] as number);
  if (points[points.length - 1] !== values[values.length - 1])
    points.push(values[values.length - 1] as number);
  const low = Math.min(...points);
  const high = Math.max(...points);
  return points
    .map((value) =>
      high === low ? SPARK[3] : SPARK[Math.round(((value - low) / (high - low)) * (SPARK.length - 1))],
    )
    .join("");
}

/**
 * Renders a walk-forward study as markdown.
 * @example io.stdout.write(renderWalkForwardStudyReport(result, { title: "Walk-forward sma (run 3f2a9c)" }));
 */
export function renderWalkForwardStudyReport(
  result: IWalkForwardStudyResult,
  options: IWalkForwardStudyReportOptions,
): string {
  const first = result.folds[0];
  const objective = first?.study.objective;
  const lines = [
    `# ${escapeCell(options.title)}`,
    "",
    `${result.folds.length} folds (${result.mode}) · ${first ? `${first.study.trials.length} trials per fold · sampler ${first.study.sampler} · seed ${escapeCell(String(first.study.seed))} · batches of ${first.study.batchSize} · symbols ${escapeCell(first.study.symbols.join(", "))}` : ""} · ${formatDuration(result.elapsedMs)}`,
    "",
  ];
  if (objective) {
    lines.push(
      `Objective (in sample): ${escapeCell(objective.label)}. ${escapeCell(objective.convention)}`,
      "",
    );
  }
  lines.push(
    "Efficiency: out-of-sample total PnL per day / in-sample total PnL per day of the fold's winner (1 = it kept its in-sample pace).",
    "",
    "## Folds",
    "",
  );
  const rows: string[][] = [];
  for (const fold of result.folds) {
    const best = fold.study.best;
    for (const item of fold.symbols) {
      const [pnl, trades] = outOfSampleCells(item.outOfSample, best !== null);
      rows.push([
        String(fold.index + 1),
        window(fold.train),
        window(fold.test),
        escapeCell(item.symbol),
        best === null ? `none (${fold.study.trials.length} trials, none scored)` : paramText(best.params),
        best === null ? NOT_AVAILABLE : formatRatio(objectiveDisplayValue(fold.study.objective, best.value)),
        pnl,
        trades,
        item.efficiency === null
          ? `${NOT_AVAILABLE} (${escapeCell(item.efficiencyProblem ?? "")})`
          : formatRatio(item.efficiency),
      ]);
    }
  }
  lines.push(
    ...table(
      [
        "Fold",
        "Train",
        "Test",
        "Symbol",
        "Best parameters",
        "IS objective",
        "OOS total PnL",
        "OOS trades",
        "Efficiency",
      ],
      rows,
      [true, false, false, false, false, true, true, true, true],
    ),
    "",
  );
  for (const stitched of result.stitched) {
    const span =
      result.folds.length > 0
        ? window({
            startMs: (result.folds[0] as (typeof result.folds)[number]).test.startMs,
            endMs: (result.folds[result.folds.length - 1] as (typeof result.folds)[number]).test.endMs,
          })
        : "";
    lines.push(
      `## ${escapeCell(stitched.symbol)}: stitched out of sample (${formatCount(stitched.closed.length)} trades, ${span})`,
      "",
    );
    const equity = stitched.equity.map((point) => point.equity);
    if (equity.length === 0) {
      lines.push("Equity: no out-of-sample trade.", "");
    } else {
      const final = equity[equity.length - 1] as number;
      lines.push(
        `Equity (compounded closed trades, 1 = start): \`${sparkline([1, ...equity])}\` final ${formatRatio(final)} (${formatPercent((final - 1) * 100)}), low ${formatRatio(Math.min(1, ...equity))}, high ${formatRatio(Math.max(1, ...equity))}`,
        "",
      );
      const foldRows = result.folds.map((fold) => {
        const inFold = stitched.equity.filter(
          (point) => point.timeMs >= fold.test.startMs && point.timeMs < fold.test.endMs,
        );
        const upTo = stitched.equity.filter((point) => point.timeMs < fold.test.endMs);
        const after = upTo.length === 0 ? 1 : (upTo[upTo.length - 1] as { equity: number }).equity;
        return [String(fold.index + 1), window(fold.test), formatCount(inFold.length), formatRatio(after)];
      });
      lines.push(
        ...table(["Fold", "Test", "Trades", "Equity after"], foldRows, [true, false, true, true]),
        "",
      );
    }
    lines.push(renderStatisticsTable(stitched.stats), "");
  }
  return lines.join("\n");
}
