// Validation and normalisation of sweep options shared by every runner: the parameter sets and their
// unique names, the symbol list, the frame (finite epoch ms, end after start) and the defaults.

import {
  BtError,
  describeValue,
  type IGlobalConfig,
  isWalkerMetric,
  mergeConfig,
  WALKER_METRICS,
  type WalkerMetric,
} from "@bt/core";
import { getConfig } from "@bt/engine";
import { combinationName } from "./combinationName";
import { toParamSets } from "./expandGrid";
import type { ISweepFrame, ISweepOptionsBase, SweepBacktestOptions, SweepParams } from "./sweepTypes";

/** A validated sweep: what every runner needs, with defaults applied. */
export interface ISweepPlan<P extends object = SweepParams> {
  paramSets: P[];
  /** Strategy name of each parameter set, same order. */
  names: string[];
  symbols: string[];
  frame: Required<ISweepFrame>;
  metric: WalkerMetric;
  backtest: SweepBacktestOptions;
  /** The resolved config every backtest of the sweep runs with. */
  config: Readonly<IGlobalConfig>;
  exchangeName: string;
  keepClosed: boolean;
}

/** Checks a frame and fills its default interval ("1m"). @throws BtError VALIDATION for a bad frame. */
export function normalizeFrame(frame: ISweepFrame): Required<ISweepFrame> {
  if (typeof frame?.frameName !== "string" || frame.frameName.length === 0) {
    throw new BtError(
      "VALIDATION",
      `sweep: frame.frameName must be a non-empty string, got ${describeValue(frame?.frameName)}`,
      {
        field: "frame.frameName",
        value: frame?.frameName,
      },
    );
  }
  if (!Number.isFinite(frame.startMs) || !Number.isFinite(frame.endMs) || frame.endMs <= frame.startMs) {
    throw new BtError(
      "VALIDATION",
      `sweep: frame ${describeValue(frame.frameName)} needs finite epoch ms with endMs > startMs, got ${describeValue(frame.startMs)} … ${describeValue(frame.endMs)}`,
      { field: "frame", value: frame },
    );
  }
  return {
    frameName: frame.frameName,
    interval: frame.interval ?? "1m",
    startMs: frame.startMs,
    endMs: frame.endMs,
  };
}

/**
 * Validates the options shared by every runner and applies their defaults.
 * @throws BtError VALIDATION for bad parameters, symbols, frame or metric, or two sets with the same name.
 */
export function planSweep<P extends object>(options: ISweepOptionsBase<P>): ISweepPlan<P> {
  const paramSets = toParamSets<P>(options.params);
  const names = paramSets.map((params) => combinationName(options.strategy?.name, params as SweepParams));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new BtError("VALIDATION", `sweep: two parameter sets have the same name ${describeValue(name)}`, {
        field: "params",
        value: name,
      });
    }
    seen.add(name);
  }
  const symbols = typeof options.symbols === "string" ? [options.symbols] : [...(options.symbols ?? [])];
  if (symbols.length === 0 || symbols.some((symbol) => typeof symbol !== "string" || symbol.length === 0)) {
    throw new BtError(
      "VALIDATION",
      `sweep: symbols must be one or more non-empty strings, got ${describeValue(options.symbols)}`,
      {
        field: "symbols",
        value: options.symbols,
      },
    );
  }
  if (new Set(symbols).size !== symbols.length) {
    throw new BtError("VALIDATION", "sweep: a symbol is listed twice", {
      field: "symbols",
      value: options.symbols,
    });
  }
  const metric = options.metric ?? "sharpeRatio";
  if (!isWalkerMetric(metric)) {
    throw new BtError(
      "VALIDATION",
      `sweep: unknown metric ${describeValue(metric)} (one of ${WALKER_METRICS.join(", ")})`,
      {
        field: "metric",
        value: metric,
      },
    );
  }
  return {
    paramSets,
    names,
    symbols,
    frame: normalizeFrame(options.frame),
    metric,
    backtest: { ...options.backtest },
    config: mergeConfig(getConfig(), options.config),
    exchangeName: options.exchangeName ?? "sweep",
    keepClosed: options.keepClosed ?? true,
  };
}
