// Which parameters matter? For each parameter the scored trials are grouped into bins (one per choice,
// or up to 10 quantile bins of a numeric parameter); the mean objective per bin is its partial
// dependence, and the between-bin share of the objective's variance is its importance (the first-order
// variance explained by that parameter alone, in [0, 1]).

import type { ITrialObservation } from "./samplers";
import type { ParamValue, SearchSpace } from "./searchSpace";

/** One bin of a parameter: its values, its trials and their mean objective. */
export interface IImportanceBin {
  label: string;
  count: number;
  meanValue: number;
}

/** A parameter's importance (null with a reason) and its partial dependence. */
export interface IParamImportance {
  name: string;
  importance: number | null;
  reason: string | null;
  bins: IImportanceBin[];
}

const MAX_BINS = 10;
const MIN_TRIALS = 4;

function binsOf(
  values: ReadonlyArray<{ value: ParamValue; score: number }>,
  categorical: boolean,
): IImportanceBin[] {
  const groups = new Map<string, { label: string; scores: number[] }>();
  if (categorical || new Set(values.map((item) => item.value)).size <= MAX_BINS) {
    const sorted = categorical
      ? values
      : [...values].sort((a, b) => (a.value as number) - (b.value as number));
    for (const item of sorted) {
      const label = String(item.value);
      const group = groups.get(label) ?? { label, scores: [] };
      group.scores.push(item.score);
      groups.set(label, group);
    }
  } else {
    // Quantile bins of the sorted values; equal values never straddle two bins.
    const sorted = [...values].sort((a, b) => (a.value as number) - (b.value as number));
    const size = Math.ceil(sorted.length / MAX_BINS);
    let start = 0;
    while (start < sorted.length) {
      let end = Math.min(sorted.length, start + size);
      while (end < sorted.length && sorted[end]?.value === sorted[end - 1]?.value) end++;
      const slice = sorted.slice(start, end);
      const label = `${String(slice[0]?.value)}…${String(slice[slice.length - 1]?.value)}`;
      groups.set(label, { label, scores: slice.map((item) => item.score) });
      start = end;
    }
  }
  return [...groups.values()].map(({ label, scores }) => ({
    label,
    count: scores.length,
    meanValue: scores.reduce((sum, score) => sum + score, 0) / scores.length,
  }));
}

/**
 * The importance and partial dependence of every parameter of `space` over the scored `trials`.
 * @example parameterImportance(space, study.trials.map((t) => ({ params: t.params, value: t.value })))
 */
export function parameterImportance(
  space: SearchSpace,
  trials: ReadonlyArray<ITrialObservation>,
): IParamImportance[] {
  const scored = trials.filter(
    (trial): trial is { params: ITrialObservation["params"]; value: number } => trial.value !== null,
  );
  const mean = scored.reduce((sum, trial) => sum + trial.value, 0) / scored.length;
  const total = scored.reduce((sum, trial) => sum + (trial.value - mean) ** 2, 0);
  return Object.entries(space).map(([name, spec]) => {
    const values = scored.flatMap((trial) => {
      const value = trial.params[name];
      return value === undefined ? [] : [{ value, score: trial.value }];
    });
    const bins = binsOf(values, spec.type === "categorical");
    if (scored.length < MIN_TRIALS) {
      return {
        name,
        importance: null,
        reason: `${scored.length} scored trial(s), needs ≥ ${MIN_TRIALS}`,
        bins,
      };
    }
    if (!(total > 0))
      return { name, importance: null, reason: "every scored trial has the same objective", bins };
    const between = bins.reduce((sum, bin) => sum + bin.count * (bin.meanValue - mean) ** 2, 0);
    return { name, importance: Math.min(1, between / total), reason: null, bins };
  });
}
