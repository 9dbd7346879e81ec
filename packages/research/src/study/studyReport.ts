// The markdown report of a study: its settings and objective with its convention, the best trials, each
// parameter's importance and partial dependence, the robustness of the best run, and every trial.

import { escapeCell, formatCount, formatPercent, formatRatio, NOT_AVAILABLE } from "@bt/report-markdown";
import type { IParamImportance } from "../importance";
import { objectiveDisplayValue } from "./objective";
import type { IRunRobustness } from "./robustness";
import type { IStudyResult, IStudyTrial } from "./study";

/** Options of renderStudyReport. */
export interface IStudyReportOptions {
  title?: string;
  /** Best trials shown; default 10. */
  top?: number;
  /** The robustness of the best run per symbol (assessRobustness). */
  robustness?: ReadonlyArray<IRunRobustness>;
  /** Include the table of every trial; default true. */
  allTrials?: boolean;
}

function table(headers: string[], rows: string[][], right: boolean[]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map((_, i) => (right[i] ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

function paramText(trial: IStudyTrial): string {
  return escapeCell(
    Object.entries(trial.params)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(", "),
  );
}

function scoreText(study: IStudyResult, trial: IStudyTrial): string {
  if (trial.status !== "ok") return `${NOT_AVAILABLE} (${escapeCell(trial.reason ?? "")})`;
  return formatRatio(objectiveDisplayValue(study.objective, trial.value));
}

function sumOf(
  trial: IStudyTrial,
  pick: (stats: NonNullable<IStudyTrial["runs"][number]["stats"]>) => number | null,
): number | null {
  let sum = 0;
  for (const run of trial.runs) {
    const value = run.stats ? pick(run.stats) : null;
    if (value === null) return null;
    sum += value;
  }
  return sum / Math.max(1, trial.runs.length);
}

function trialRows(study: IStudyResult, trials: ReadonlyArray<IStudyTrial>, ranked: boolean): string[][] {
  return trials.map((trial, index) => [
    ...(ranked ? [String(index + 1)] : []),
    String(trial.number),
    paramText(trial),
    trial.status === "failed" ? "failed" : trial.status === "na" ? "N/A" : "ok",
    scoreText(study, trial),
    formatCount(trial.runs.reduce((sum, run) => sum + (run.stats?.tradeCount ?? 0), 0)),
    formatPercent(sumOf(trial, (stats) => stats.totalPnl)),
    formatPercent(sumOf(trial, (stats) => stats.maxDrawdown)),
    trial.duplicateOf === null ? "" : `= #${trial.duplicateOf}`,
  ]);
}

const TRIAL_HEADERS = [
  "Trial",
  "Parameters",
  "Status",
  "Objective",
  "Trades",
  "Total PnL",
  "Max DD",
  "Same as",
];
const TRIAL_RIGHT = [true, false, false, true, true, true, true, false];

function importanceLines(importance: ReadonlyArray<IParamImportance>): string[] {
  const lines = ["## Parameter importance", ""];
  lines.push(
    "Importance: the share of the objective's variance over the scored trials that the parameter's bins explain alone (between-bin variance / total variance). Partial dependence: the mean objective of the trials in each bin.",
    "",
  );
  lines.push(
    ...table(
      ["Parameter", "Importance", "Partial dependence (bin: mean objective, trials)"],
      importance.map((item) => [
        escapeCell(item.name),
        item.importance === null
          ? `${NOT_AVAILABLE} (${escapeCell(item.reason ?? "")})`
          : formatPercent(item.importance * 100),
        escapeCell(
          item.bins.map((bin) => `${bin.label}: ${formatRatio(bin.meanValue)} (${bin.count})`).join("; "),
        ),
      ]),
      [false, true, false],
    ),
  );
  return lines;
}

function bandText(band: ReadonlyArray<{ percentile: number; value: number }>): string {
  return band.map((item) => `p${item.percentile} ${formatPercent(item.value)}`).join(" · ");
}

/** The robustness section of one symbol's best run (also used by sweep reports). */
export function renderRobustness(items: ReadonlyArray<IRunRobustness>): string {
  const lines = ["## Robustness of the best run", ""];
  for (const item of items) {
    lines.push(
      `### ${escapeCell(item.symbol)}: ${escapeCell(item.strategyName)} (${item.trades} trades)`,
      "",
    );
    if (item.shuffle && item.bootstrap) {
      lines.push(
        ...table(
          ["Monte Carlo", "Runs", "Final return (compounded)", "Max drawdown", "P(loss)"],
          [item.shuffle, item.bootstrap].map((mc) => [
            mc.method === "shuffle" ? "shuffled order" : "bootstrap (resampled with replacement)",
            formatCount(mc.runs),
            bandText(mc.finalReturnPercent),
            bandText(mc.maxDrawdownPercent),
            formatPercent(mc.probabilityOfLoss * 100),
          ]),
          [false, true, false, false, true],
        ),
        "",
        "Shuffling keeps the trades and changes only their order, so it cannot move the compounded final return, only the path and its drawdown; the bootstrap draws N trades with replacement and moves both.",
        "",
      );
    } else {
      lines.push(`Monte Carlo: ${NOT_AVAILABLE} (${escapeCell(item.monteCarloProblem ?? "")})`, "");
    }
    const dsr = item.deflatedSharpe;
    lines.push(
      dsr.status === "ok"
        ? `Deflated Sharpe ratio: **${formatPercent(dsr.deflatedSharpe * 100)}** probability that the true per-trade Sharpe ratio is above ${formatRatio(dsr.expectedMaxSharpe)}, the best of ${item.trialCount} trials expected from luck alone (observed ${formatRatio(dsr.sharpe)} over ${dsr.observations} trades, skewness ${formatRatio(dsr.skewness)}, kurtosis ${formatRatio(dsr.kurtosis)}; Bailey and López de Prado). Probabilistic Sharpe ratio against 0: ${formatPercent(dsr.probabilisticSharpe * 100)}.`
        : `Deflated Sharpe ratio: ${NOT_AVAILABLE} (${escapeCell(dsr.reason)}).`,
      "",
    );
    const base = item.baseline;
    lines.push(
      base.status === "ok"
        ? `Random-entry baseline: ${base.scores.length} runs with the same exits at random ${base.interval} entries; p-value **${formatRatio(base.pValue)}** = (1 + runs scoring ≥ the best run's) / (1 + runs)${base.unscored > 0 ? `; ${base.unscored} run(s) not scorable, left out` : ""}.`
        : `Random-entry baseline: ${NOT_AVAILABLE} (${escapeCell(base.reason)}).`,
      "",
    );
  }
  return lines.join("\n");
}

/**
 * Renders a study as markdown.
 * @example await writeFile("study.md", renderStudyReport(study, { robustness }));
 */
export function renderStudyReport(study: IStudyResult, options: IStudyReportOptions = {}): string {
  const top = options.top ?? 10;
  const ok = study.trials.filter((trial) => trial.status === "ok").length;
  const failed = study.trials.filter((trial) => trial.status === "failed").length;
  const lines = [
    `# ${escapeCell(options.title ?? `Study: ${study.strategyName}`)}`,
    "",
    `${study.trials.length} trials (${ok} scored, ${study.trials.length - ok - failed} N/A, ${failed} failed) · sampler ${study.sampler} · seed ${escapeCell(String(study.seed))} · batches of ${study.batchSize}` +
      ` · symbols ${escapeCell(study.symbols.join(", "))} · ${escapeCell(study.frame.frameName)} (${new Date(study.frame.startMs).toISOString()} → ${new Date(study.frame.endMs).toISOString()})` +
      (study.resumedTrials > 0 ? ` · ${study.resumedTrials} resumed from the journal` : ""),
    "",
    `Objective: ${escapeCell(study.objective.label)}. ${escapeCell(study.objective.convention)}${study.symbols.length > 1 ? " The objective of a trial is its mean over the symbols." : ""}`,
    "",
    "## Best trials",
    "",
  ];
  const best = study.ranking.filter((trial) => trial.status === "ok").slice(0, top);
  if (best.length === 0) lines.push("No trial could be scored.");
  else lines.push(...table(["Rank", ...TRIAL_HEADERS], trialRows(study, best, true), [true, ...TRIAL_RIGHT]));
  lines.push("", ...importanceLines(study.importance), "");
  if (options.robustness && options.robustness.length > 0)
    lines.push(renderRobustness(options.robustness), "");
  if (options.allTrials ?? true) {
    lines.push(
      "## All trials",
      "",
      ...table(TRIAL_HEADERS, trialRows(study, study.trials, false), TRIAL_RIGHT),
      "",
    );
  }
  return lines.join("\n");
}
